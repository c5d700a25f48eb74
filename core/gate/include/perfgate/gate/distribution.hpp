#pragma once
// "Distribution": the raw repetition samples of one benchmark's metric on two
// stored commits (a head and its baseline), all runs pooled, so that a reviewer
// sees the spread of both sides and not only two medians.

#include <string>
#include <vector>

#include "perfgate/gate/error.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

struct DistributionRequest {
  std::string project;
  std::string base;       // a ref (ResolveRef)
  std::string head;       // a ref
  std::string benchmark;
  std::string metric;     // "" = the benchmark's default metric (model::DefaultMetric, on the head)
  std::string testbed;    // "" = ChooseTestbed over both commits
};

struct DistributionSide {
  store::CommitInfo commit;
  std::vector<double> samples;  // empty when the side stored only the harness's aggregates
};

struct Distribution {
  std::string benchmark;
  store::MetricInfo metric;
  std::string testbed;
  DistributionSide base;
  DistributionSide head;
};

// Errors: unknown refs or testbeds (kNotFound as ResolveRef, ChooseTestbed); a
// benchmark neither side has (kNotFound, "benchmark_not_found"); a metric it
// lacks on both sides or no default metric (kInvalidInput naming its metrics).
// A side without the benchmark has no samples. Throws store::StoreError.
Result<Distribution> LoadDistribution(store::Store& store, const DistributionRequest& request);

}  // namespace perfgate::gate
