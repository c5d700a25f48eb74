// perfgate ingest FILE... (--db PATH | --server URL [--token T]) --project P --commit SHA ...
// Every input is read and parsed before the database is opened, so bad input
// exits 2 with the database untouched; each file is then stored as one run in
// one transaction.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "heap.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/model/time.hpp"
#include "perfgate/model/units.hpp"
#include "perfgate/parse/parse.hpp"
#include "perfgate/server/client.hpp"

namespace perfgate::collector {

namespace {

struct IngestOptions {
  std::vector<std::string> files;
  std::string db;
  std::string server;
  std::string token;
  std::string project;
  std::string commit;
  std::string branch;
  std::string parent;
  std::string testbed = "default";
  std::string format = "auto";
  std::optional<std::int64_t> pull_request;
  std::string time;
  std::vector<std::string> metrics;
  std::vector<std::string> file_sizes;
  std::string criterion_baseline = "new";
  std::string direction;  // for github-action-benchmark custom files: bigger|smaller
};

struct Upload {
  std::string source;  // file name, or "--metric/--file-size"
  std::string text;    // raw content (for --server)
  model::Results report;
};

// --metric NAME=VALUE[UNIT]: benchmark NAME with one metric "value".
void AddCustomMetric(model::Results& report, const std::string& spec) {
  auto equals = spec.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw UsageError("--metric " + spec + ": expected NAME=VALUE[UNIT], e.g. build/compile_time=95s");
  }
  std::string name = spec.substr(0, equals);
  RequireName("--metric name", name);
  auto quantity = model::ParseQuantity(spec.substr(equals + 1));
  if (!quantity) {
    throw UsageError("--metric " + spec + ": \"" + spec.substr(equals + 1) +
                     "\" is not a number with a known unit (ns, us, ms, s, B, KB, MB, GB, KiB, MiB, GiB, /s, %)");
  }
  if (report.FindBenchmark(name)) throw UsageError("--metric " + name + " is given twice");
  model::Benchmark& benchmark = report.BenchmarkNamed(name);
  model::MetricNamed(benchmark, "value", quantity->unit, model::DefaultDirection(name, quantity->unit))
      .samples.push_back(quantity->value);
}

// --file-size PATH: benchmark size/<file name> in bytes.
void AddFileSize(model::Results& report, const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  if (error) throw UsageError("--file-size " + path + ": " + error.message());
  std::string name = "size/" + std::filesystem::path(path).filename().string();
  if (report.FindBenchmark(name)) throw UsageError("--file-size: two files are named " + name);
  model::MetricNamed(report.BenchmarkNamed(name), "value", "B", model::Direction::kLowerIsBetter)
      .samples.push_back(static_cast<double>(size));
}

// The custom JSON format (docs/custom-json.md) for a report of single values.
std::string ToCustomJson(const model::Results& report) {
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const model::Benchmark& benchmark : report.benchmarks) {
    const model::Metric& metric = benchmark.metrics.front();
    benchmarks.push_back({{"name", benchmark.name},
                          {"value", metric.samples.front()},
                          {"unit", metric.unit},
                          {"direction", model::ToString(metric.direction)}});
  }
  return nlohmann::json{{"perfgate", "custom"}, {"benchmarks", benchmarks}}.dump(2);
}

void UploadToServer(const IngestOptions& options, const store::CommitInfo& commit, const std::vector<Upload>& uploads) {
  server::Client client(options.server, options.token);
  for (const Upload& upload : uploads) {
    std::string target = "/api/v1/projects/" + server::UrlEncode(options.project) + "/runs?commit=" +
                         server::UrlEncode(commit.sha) + "&branch=" + server::UrlEncode(commit.branch) +
                         "&parent=" + server::UrlEncode(commit.parent) + "&testbed=" +
                         server::UrlEncode(options.testbed) + "&time=" + server::UrlEncode(model::FormatIsoTime(commit.time)) +
                         "&format=" + server::UrlEncode(upload.report.format);
    if (commit.pull_request) target += "&pr=" + std::to_string(*commit.pull_request);
    server::HttpResponse response;
    try {
      response = client.Post(target, upload.text, "application/json");
    } catch (const server::ConnectionError& error) {
      throw EnvironmentError("--server " + options.server + ": " + error.what());
    }
    if (int code = ExitCodeForStatus(response.status); code != kSuccess) {
      std::string who = response.status == 401 || response.status == 403 ? std::string("--token: the server refused the token")
                                                                          : upload.source + ": the server refused it";
      std::string message = who + " (HTTP " + std::to_string(response.status) + "): " + response.body;
      if (code == kInvalidInput) throw UsageError(message);
      throw EnvironmentError(message);
    }
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    std::cout << upload.source << ": " << (response.status == 201 ? "stored as run " : "already stored as run ")
              << (body.is_object() && body.contains("run_id") ? body["run_id"].dump() : "?") << "\n";
  }
}

// A criterion directory (target/criterion): every JSON file below it, read here;
// which of them make the run is core's choice (parse::SelectCriterionFiles).
Upload ReadCriterionDirectory(const std::string& directory, const IngestOptions& options) {
  if (options.format != "auto" && options.format != "criterion") {
    throw UsageError(directory + ": is a directory; only criterion's target/criterion directory is read as one "
                     "(--format criterion or auto, not " + options.format + ")");
  }
  std::vector<parse::SourceFile> files = ReadJsonFilesBelow(directory);
  auto report = parse::ParseCriterionDirectory(files, options.criterion_baseline);
  if (!report) throw UsageError(directory + ": " + report.error().Message());
  // The server takes one body: the selected files concatenated, as ParseCriterion reads them.
  auto selected = parse::SelectCriterionFiles(files, options.criterion_baseline);
  std::string text;
  for (const parse::SourceFile& file : selected.value()) text += file.text + "\n";
  return Upload{directory, std::move(text), std::move(*report)};
}

int RunIngest(IngestOptions options) {
  GithubContext github = ReadGithubContext();
  if (options.commit.empty()) options.commit = github.sha;
  if (options.branch.empty()) options.branch = github.branch;
  if (options.parent.empty()) options.parent = github.parent;
  if (!options.pull_request) options.pull_request = github.pull_request;

  RequireName("--project", options.project);
  if (options.commit.empty()) throw UsageError("--commit SHA is required (GITHUB_SHA is not set either)");
  RequireName("--commit", options.commit);
  RequireName("--testbed", options.testbed);
  if (!options.branch.empty()) RequireName("--branch", options.branch);
  if (!options.parent.empty()) RequireName("--parent", options.parent);
  if (options.db.empty() == options.server.empty()) throw UsageError("give exactly one of --db PATH and --server URL");
  if (options.files.empty() && options.metrics.empty() && options.file_sizes.empty()) {
    throw UsageError("nothing to ingest: give a results FILE, --metric NAME=VALUE or --file-size PATH");
  }
  store::CommitInfo commit{.sha = options.commit, .parent = options.parent, .branch = options.branch,
                           .time = NowSeconds(), .pull_request = options.pull_request};
  if (!options.time.empty()) {
    auto time = model::ParseIsoTime(options.time);
    if (!time) throw UsageError("--time " + options.time + ": expected ISO 8601, e.g. 2024-01-05T10:00:00Z");
    commit.time = *time;
  }

  std::vector<Upload> uploads;
  for (const std::string& file : options.files) {
    std::error_code error;
    if (file != "-" && std::filesystem::is_directory(file, error)) {
      uploads.push_back(ReadCriterionDirectory(file, options));
      continue;
    }
    InputText input = InputText::Of(file);
    PrepareHeapFor(4 * input.view().size());  // the model, the rows and the store's pages: about 4 times the file
    auto report = parse::Parse(input.view(), options.format);
    if (!report) throw UsageError(ShownPath(file) + ": " + report.error().Message());
    // Only an upload to a server sends the file itself.
    std::string text = options.server.empty() ? std::string() : std::string(input.view());
    if (!options.direction.empty()) {
      // Only files that cannot state a direction take one from the command line
      // (github-action-benchmark's customBiggerIsBetter / customSmallerIsBetter JSON).
      auto direction = parse::ParseDirectionName(options.direction);
      if (!direction) throw UsageError("--direction " + options.direction + ": expected higher|lower (or bigger|smaller)");
      if (report->format != "custom") {
        throw UsageError("--direction: " + file + " is " + report->format + ", whose directions the format decides");
      }
      parse::SetDirection(*report, *direction);
      if (!options.server.empty()) {
        // The server parses the raw file again: state the direction in it.
        auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        nlohmann::json* entries = document.is_array() ? &document
                                  : document.is_object() && document.contains("benchmarks") ? &document["benchmarks"]
                                                                                            : nullptr;
        if (entries == nullptr) throw UsageError("--direction: " + file + " could not be rewritten for --server");
        for (auto& entry : *entries) entry["direction"] = model::ToString(*direction);
        text = document.dump(2);
      }
    }
    uploads.push_back(Upload{file, std::move(text), std::move(*report)});
  }
  if (!options.metrics.empty() || !options.file_sizes.empty()) {
    model::Results custom{.format = "custom"};
    for (const std::string& spec : options.metrics) AddCustomMetric(custom, spec);
    for (const std::string& path : options.file_sizes) AddFileSize(custom, path);
    std::string text = ToCustomJson(custom);
    uploads.push_back(Upload{"custom metrics", std::move(text), std::move(custom)});
  }

  // Every file is readied before any is stored: one refused name stores nothing.
  for (Upload& upload : uploads) {
    if (auto problem = gate::PrepareResults(upload.report)) {
      throw UsageError(ShownPath(upload.source) + ": " + problem->message);
    }
  }
  if (!options.server.empty()) {
    UploadToServer(options, commit, uploads);
    return kSuccess;
  }
  auto db = OpenStore(options.db, /*must_exist=*/false);
  for (Upload& upload : uploads) {
    std::string format = upload.report.format;
    auto outcome = db->Ingest(store::RunInput{.project = options.project, .commit = commit, .testbed = options.testbed,
                                              .report = std::move(upload.report), .received_at = NowSeconds()});
    std::cout << upload.source << ": " << (outcome.created ? "stored as run " : "already stored as run ")
              << outcome.run_id << " (" << outcome.benchmarks << " benchmarks, " << outcome.samples << " samples, "
              << format << ")\n";
  }
  return kSuccess;
}

}  // namespace

void AddIngestCommand(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<IngestOptions>();
  CLI::App* command = app.add_subcommand("ingest", "Store benchmark results for a commit");
  command->add_option("files", options->files, "Results files (- for standard input)");
  command->add_option("--db", options->db, "SQLite results database (created when missing)");
  command->add_option("--server", options->server, "perfgate server URL, instead of --db");
  command->add_option("--token", options->token, "Project token for --server (or PERFGATE_TOKEN)")->envname("PERFGATE_TOKEN");
  command->add_option("--project", options->project, "Project name")->required();
  command->add_option("--commit", options->commit, "Commit SHA (default: GITHUB_SHA / the PR head)");
  command->add_option("--branch", options->branch, "Branch of the commit");
  command->add_option("--parent", options->parent, "Parent commit SHA");
  command->add_option("--testbed", options->testbed, "Machine or environment name")->capture_default_str();
  command->add_option("--format", options->format, "Input format, or auto")->capture_default_str();
  command->add_option("--pr", options->pull_request, "Pull request number");
  command->add_option("--time", options->time, "Commit time, ISO 8601 (default: now)");
  command->add_option("--metric", options->metrics, "Custom metric NAME=VALUE[UNIT], e.g. build/compile_time=95s");
  command->add_option("--file-size", options->file_sizes, "Record the size of a file as size/<name>");
  command->add_option("--criterion-baseline", options->criterion_baseline,
                      "For a target/criterion directory: the run to read, new (the latest) or a --save-baseline name")
      ->capture_default_str();
  command->add_option("--direction", options->direction,
                      "higher|lower (bigger|smaller): the direction of every value of a custom JSON file, e.g. "
                      "github-action-benchmark's customBiggerIsBetter input");
  command->callback([options, &exit_code] { exit_code = RunIngest(*options); });
}

}  // namespace perfgate::collector
