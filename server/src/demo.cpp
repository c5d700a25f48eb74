#include "perfgate/server/demo.hpp"

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <numbers>
#include <vector>

namespace perfgate::server {

namespace {

// splitmix64: tiny, deterministic everywhere, good enough for synthetic noise.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Normal() {                                                              // Box-Muller
    double u1 = Uniform();
    double u2 = Uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  std::size_t Between(std::size_t low, std::size_t high) {  // inclusive
    return low + static_cast<std::size_t>(Next() % (high - low + 1));
  }

 private:
  std::uint64_t state_;
};

std::string Sha(std::uint64_t branch, std::uint64_t index) {
  Random random(branch * 1000003 + index * 7919 + 17);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sha;
  while (sha.size() < 40) {
    std::uint64_t word = random.Next();
    for (int i = 0; i < 16 && sha.size() < 40; ++i, word >>= 4) sha += kHex[word & 15];
  }
  return sha;
}

struct Testbed {
  std::string name;
  double speed;  // time multiplier against x86_64
  double noise;  // coefficient of variation of one repetition
  std::map<std::string, std::string> context;
};

// One benchmark: its base time (ns) on x86_64 at a given commit, and what its
// throughput counts per iteration (bytes or items; 0 = no throughput metric).
struct DemoBenchmark {
  std::string name;
  std::function<double(std::size_t main_index, const std::string& branch)> nanoseconds;
  double bytes_per_iteration = 0;
  double items_per_iteration = 0;
};

constexpr std::size_t kImprovementAt = 140;  // BM_Sort gets faster (pdqsort)
constexpr std::size_t kRegressionAt = 210;   // BM_Parse/N >= 1024 gets slower

// `head_index` is the newest main commit: it makes BM_Serialize/msgpack 15 %
// slower and BM_Compress/level:9 12 % faster, so that the overview of the
// mainline's head shows a regression and an improvement.
std::vector<DemoBenchmark> Benchmarks(std::size_t head_index) {
  std::vector<DemoBenchmark> benchmarks;
  for (double n : {64.0, 1024.0, 16384.0, 262144.0}) {
    benchmarks.push_back(DemoBenchmark{
        "BM_Parse/" + std::to_string(static_cast<int>(n)),
        [n](std::size_t index, const std::string&) {
          double base = 45 + n * 1.1;
          return index >= kRegressionAt && n >= 1024 ? base * 1.18 : base;
        },
        n, 0});
  }
  for (double n : {1024.0, 8192.0, 65536.0}) {
    benchmarks.push_back(DemoBenchmark{"BM_Sort/" + std::to_string(static_cast<int>(n)),
                                       [n](std::size_t index, const std::string&) {
                                         double base = 2.2 * n * std::log2(n);
                                         return index >= kImprovementAt ? base * 0.70 : base;
                                       },
                                       0, n});
  }
  benchmarks.push_back(DemoBenchmark{"BM_HashMap/insert",
                                     [](std::size_t, const std::string& branch) {
                                       return branch == "perf/arena-alloc" ? 38.0 * 0.88 : 38.0;
                                     },
                                     0, 1});
  benchmarks.push_back(DemoBenchmark{"BM_HashMap/lookup", [](std::size_t, const std::string&) { return 17.5; }, 0, 1});
  benchmarks.push_back(DemoBenchmark{"BM_HashMap/lookup/threads:4",
                                     [](std::size_t, const std::string&) { return 21.0; }, 0, 4});
  benchmarks.push_back(DemoBenchmark{"BM_Serialize/json",
                                     [](std::size_t, const std::string& branch) {
                                       return branch == "refactor/serializer" ? 1850.0 * 1.25 : 1850.0;
                                     },
                                     1536, 0});
  benchmarks.push_back(DemoBenchmark{"BM_Serialize/msgpack",
                                     [head_index](std::size_t index, const std::string& branch) {
                                       return index == head_index && branch == "main" ? 910.0 * 1.15 : 910.0;
                                     },
                                     1536, 0});
  for (int level : {1, 6, 9}) {
    double time = level == 1 ? 0.52e6 : level == 6 ? 1.9e6 : 6.3e6;
    benchmarks.push_back(DemoBenchmark{"BM_Compress/level:" + std::to_string(level),
                                       [time, level, head_index](std::size_t index, const std::string& branch) {
                                         bool faster = level == 9 && index == head_index && branch == "main";
                                         return faster ? time * 0.88 : time;
                                       },
                                       1 << 20, 0});
  }
  benchmarks.push_back(DemoBenchmark{"BM_Allocate/4096", [](std::size_t, const std::string&) { return 96.0; }, 0, 0});
  return benchmarks;
}

struct DemoCommit {
  store::CommitInfo info;
  std::size_t main_index;  // position on main (for PRs: of their base)
};

model::Results MakeReport(const std::vector<DemoBenchmark>& benchmarks, const DemoCommit& commit, const Testbed& testbed,
                         Random& random) {
  model::Results report;
  report.format = "gbench";
  report.context = testbed.context;
  report.context["date"] = std::to_string(commit.info.time);
  std::size_t repetitions = random.Between(5, 9);
  report.context["repetitions"] = std::to_string(repetitions);
  // A machine-wide slow or fast run now and then: noise the detector must not flag.
  double run_shift = random.Uniform() < 0.04 ? 1 + 0.03 * (random.Uniform() < 0.5 ? -1 : 1) : 1.0;
  for (const DemoBenchmark& demo : benchmarks) {
    model::Benchmark benchmark;
    benchmark.name = demo.name;
    double level = demo.nanoseconds(commit.main_index, commit.info.branch) * testbed.speed * run_shift;
    model::Metric real_time{.name = "real_time", .unit = "ns", .direction = model::Direction::kLowerIsBetter,
                            .samples = {}, .aggregates = {}};
    model::Metric cpu_time{.name = "cpu_time", .unit = "ns", .direction = model::Direction::kLowerIsBetter,
                           .samples = {}, .aggregates = {}};
    bool bytes = demo.bytes_per_iteration > 0;
    model::Metric throughput{.name = bytes ? "bytes_per_second" : "items_per_second",
                             .unit = bytes ? "B/s" : "/s", .direction = model::Direction::kHigherIsBetter,
                             .samples = {}, .aggregates = {}};
    double per_iteration = bytes ? demo.bytes_per_iteration : demo.items_per_iteration;
    for (std::size_t i = 0; i < repetitions; ++i) {
      double value = level * std::exp(testbed.noise * random.Normal());
      if (random.Uniform() < 0.03) value *= 1.12 + 0.1 * random.Uniform();  // a preempted repetition
      double cpu = value * (0.985 + 0.01 * random.Uniform());
      real_time.samples.push_back(std::round(value * 100) / 100);
      cpu_time.samples.push_back(std::round(cpu * 100) / 100);
      if (per_iteration > 0) throughput.samples.push_back(std::round(per_iteration / cpu * 1e9));
    }
    benchmark.metrics.push_back(std::move(real_time));
    benchmark.metrics.push_back(std::move(cpu_time));
    if (per_iteration > 0) benchmark.metrics.push_back(std::move(throughput));
    report.benchmarks.push_back(std::move(benchmark));
  }
  return report;
}

}  // namespace

bool FillDemo(store::Store& store, const DemoOptions& options) {
  if (!store.Projects().empty()) return false;
  const std::vector<DemoBenchmark> benchmarks = Benchmarks(options.main_commits - 1);
  const std::vector<Testbed> testbeds = {
      {"linux-x86_64", 1.0, 0.015,
       {{"host_name", "ci-x86-07"}, {"num_cpus", "8"}, {"mhz_per_cpu", "3500"}, {"library_version", "v1.8.3"},
        {"library_build_type", "release"}}},
      {"linux-arm64", 1.32, 0.022,
       {{"host_name", "ci-graviton-02"}, {"num_cpus", "4"}, {"mhz_per_cpu", "2500"}, {"library_version", "v1.8.3"},
        {"library_build_type", "release"}}},
  };

  std::vector<DemoCommit> commits;
  Random clock(42);
  std::int64_t time = 1704704400;  // 2024-01-08T09:00:00Z
  for (std::size_t i = 0; i < options.main_commits; ++i) {
    time += static_cast<std::int64_t>(3600 * (2 + 8 * clock.Uniform()));
    commits.push_back(DemoCommit{{.sha = Sha(0, i), .parent = i == 0 ? "" : Sha(0, i - 1), .branch = "main",
                                  .time = time, .pull_request = std::nullopt},
                                 i});
  }
  struct PullRequest {
    std::string branch;
    std::int64_t number;
    std::size_t base;  // main commit it branches from
    std::size_t length;
  };
  const std::vector<PullRequest> pulls = {{"feature/simd-parse", 101, 60, 3},
                                          {"perf/arena-alloc", 117, 150, 2},
                                          {"fix/hash-collisions", 123, 230, 2},
                                          {"refactor/serializer", 131, 290, 3},
                                          {"dependabot/zlib-1.3.1", 134, 300, 2}};
  for (std::size_t p = 0; p < pulls.size(); ++p) {
    const PullRequest& pull = pulls[p];
    if (pull.base >= commits.size()) continue;
    std::string parent = commits[pull.base].info.sha;
    std::int64_t pull_time = commits[pull.base].info.time;
    for (std::size_t k = 0; k < pull.length; ++k) {
      pull_time += 1800 + static_cast<std::int64_t>(3600 * clock.Uniform());
      std::string sha = Sha(p + 1, k);
      commits.push_back(DemoCommit{{.sha = sha, .parent = parent, .branch = pull.branch, .time = pull_time,
                                    .pull_request = pull.number},
                                   pull.base});
      parent = sha;
    }
  }

  Random noise(20240108);
  for (const DemoCommit& commit : commits) {
    for (const Testbed& testbed : testbeds) {
      store.Ingest(store::RunInput{.project = options.project, .commit = commit.info, .testbed = testbed.name,
                                   .report = MakeReport(benchmarks, commit, testbed, noise),
                                   .received_at = commit.info.time + 900});
    }
  }
  return true;
}

}  // namespace perfgate::server
