#include "perfgate/gate/distribution.hpp"

#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

Result<Distribution> LoadDistribution(store::Store& store, const DistributionRequest& request) {
  auto base = ResolveRef(store, request.project, "base", request.base);
  if (!base) return tl::unexpected(base.error());
  auto head = ResolveRef(store, request.project, "head", request.head);
  if (!head) return tl::unexpected(head.error());
  auto testbed = ChooseTestbed(store, request.project, "testbed", request.testbed, {*base, *head});
  if (!testbed) return tl::unexpected(testbed.error());
  auto base_results = LoadResults(store, request.project, "base", *base, *testbed);
  if (!base_results) return tl::unexpected(base_results.error());
  auto head_results = LoadResults(store, request.project, "head", *head, *testbed);
  if (!head_results) return tl::unexpected(head_results.error());

  const model::Benchmark* base_benchmark = base_results->FindBenchmark(request.benchmark);
  const model::Benchmark* head_benchmark = head_results->FindBenchmark(request.benchmark);
  if (base_benchmark == nullptr && head_benchmark == nullptr) {
    return Fail(ErrorKind::kNotFound, "benchmark",
                "benchmark " + request.benchmark + ": neither " + CommitLabel(*base) + " nor " + CommitLabel(*head) +
                    " has it on testbed " + *testbed,
                "benchmark_not_found");
  }
  const model::Benchmark& named = head_benchmark != nullptr ? *head_benchmark : *base_benchmark;
  const model::Metric* chosen = request.metric.empty() ? model::DefaultMetric(named) : nullptr;
  if (!request.metric.empty()) {
    chosen = head_benchmark != nullptr ? head_benchmark->FindMetric(request.metric) : nullptr;
    if (chosen == nullptr && base_benchmark != nullptr) chosen = base_benchmark->FindMetric(request.metric);
  }
  if (chosen == nullptr) {
    std::vector<std::string> metrics;
    for (const model::Metric& metric : named.metrics) metrics.push_back(metric.name);
    return Fail(ErrorKind::kInvalidInput, "metric",
                std::string("metric: ") + (request.metric.empty() ? "benchmark " + request.benchmark +
                                                                        " has several metrics; name one of "
                                                                  : request.metric + " is not a metric of " +
                                                                        request.benchmark + "; it has ") +
                    JoinNames(metrics),
                "unknown_metric");
  }
  Distribution distribution{.benchmark = request.benchmark,
                            .metric = store::MetricInfo{chosen->name, chosen->unit, chosen->direction},
                            .testbed = *testbed,
                            .base = {.commit = *base, .samples = {}},
                            .head = {.commit = *head, .samples = {}}};
  auto samples_of = [&](const model::Benchmark* benchmark) {
    const model::Metric* metric = benchmark != nullptr ? benchmark->FindMetric(chosen->name) : nullptr;
    return metric != nullptr ? metric->samples : std::vector<double>{};
  };
  distribution.base.samples = samples_of(base_benchmark);
  distribution.head.samples = samples_of(head_benchmark);
  return distribution;
}

}  // namespace perfgate::gate
