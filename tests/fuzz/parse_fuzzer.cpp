// libFuzzer target: every adapter, and auto-detection, on arbitrary bytes. The
// server hands uploads straight to these, so no input may crash, hang or trip
// a sanitizer; a ParseError is the only acceptable failure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/parse/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto detected = perfgate::parse::ParseAuto(text);
  if (detected) {
    // A successful parse must describe itself consistently.
    if (detected->format.empty()) __builtin_trap();
  } else if (detected.error().reason.empty()) {
    __builtin_trap();
  }
  for (const perfgate::parse::Format& format : perfgate::parse::Formats()) {
    (void)format.sniff(text);
    auto parsed = format.parse(text);
    if (!parsed && parsed.error().reason.empty()) __builtin_trap();
  }
  // Readers outside the registry: github-action-benchmark's data.js, asv's results
  // directory, and one file of a criterion directory under each of its possible places.
  auto history = perfgate::parse::ParseGithubActionBenchmarkData(text);
  if (!history && history.error().reason.empty()) __builtin_trap();
  // asv's results directory, the input as one machine's results file.
  std::vector<perfgate::parse::SourceFile> asv{{"machine/run.json", std::string(text)}, {"benchmarks.json", "{}"}};
  auto asv_runs = perfgate::parse::ParseAsvResultsDirectory(asv);
  if (!asv_runs && asv_runs.error().reason.empty()) __builtin_trap();
  for (const char* path : {"b/new/benchmark.json", "b/new/estimates.json", "b/new/sample.json"}) {
    std::vector<perfgate::parse::SourceFile> files{{"a/new/benchmark.json", R"({"full_id": "a"})"},
                                                   {path, std::string(text)}};
    auto directory = perfgate::parse::ParseCriterionDirectory(files, "new");
    if (!directory && directory.error().reason.empty()) __builtin_trap();
  }
  return 0;
}
