#pragma once
// The results store: projects, commits, testbeds, runs and their measurements.
// An interface with one SQLite implementation today (sqlite_store.hpp); no SQL
// leaves this module. Failures of the environment (the database cannot be opened,
// the disk is full, the schema is newer than this program) throw StoreError;
// lookups that may legitimately find nothing return std::optional.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/model/results.hpp"
#include "perfgate/model/series.hpp"

namespace perfgate::store {

// The database cannot be opened, read or written.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CommitInfo {
  std::string sha;
  std::string parent;               // "" when unknown
  std::string branch;               // "" when unknown
  std::int64_t time = 0;            // commit (or upload) time, seconds since the Unix epoch, UTC
  std::optional<std::int64_t> pull_request;
};

// One results file (already parsed) for one commit on one testbed.
struct RunInput {
  std::string project;
  CommitInfo commit;
  std::string testbed = "default";
  model::Results report;
  std::int64_t received_at = 0;  // seconds since the Unix epoch; the caller owns the clock
};

struct IngestOutcome {
  std::int64_t run_id = 0;
  bool created = false;  // false when the same content was already stored for this commit and testbed
  std::size_t benchmarks = 0;
  std::size_t samples = 0;
};

// The series value types live in model (model/series.hpp) so that detect and
// report read them without the store.
using MetricInfo = model::MetricInfo;
using SeriesPoint = model::SeriesPoint;
using Series = model::Series;

struct BenchmarkInfo {
  std::string name;
  std::vector<MetricInfo> metrics;
};

struct SeriesQuery {
  std::string project;
  std::string benchmark;
  std::string metric;   // "" = the benchmark's default metric (real_time, else its only one)
  std::string branch;   // "" = every branch
  std::string testbed;  // "" = "default" when it has data, else the first testbed that has
  std::size_t limit = 1000;  // the newest `limit` commits
};

struct TokenInfo {
  std::int64_t id = 0;
  std::string name;
  std::string prefix;  // the first characters of the token, to tell tokens apart
  std::int64_t created_at = 0;
  bool revoked = false;
};

// The triage of an alert group: the status a person gave the alerts one commit caused.
struct AlertTriage {
  std::string group;       // the sha of the commit that caused the group's alerts
  std::string status;      // "acknowledged", "expected", "invalid", "fixed" (the caller validates)
  std::string note;
  std::string updated_by;  // the name of the token that set it
  std::int64_t updated_at = 0;  // seconds since the Unix epoch; the caller owns the clock
};

// A project's perfgate.json as stored (validated by the caller, core/config).
struct ProjectConfig {
  std::string text;
  std::string updated_by;
  std::int64_t updated_at = 0;
};

// A stored run with what identifies it, for copying a store (perfgate migrate).
struct StoredRun {
  std::int64_t id = 0;
  RunInput input;  // the run alone (its own samples, not pooled with the commit's other runs)
};

// A token as stored: only its hash, never the token.
struct StoredToken {
  std::string project;
  TokenInfo info;
  std::string token_hash;
};

// What a store holds, to check a copy.
struct StoreTotals {
  std::int64_t projects = 0;
  std::int64_t commits = 0;
  std::int64_t runs = 0;
  std::int64_t measurements = 0;  // (run, benchmark, metric) triples, however a backend lays them out
  std::int64_t samples = 0;
  std::int64_t tokens = 0;
  bool operator==(const StoreTotals&) const = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Stores a run in one transaction: after a crash either all of it is there or
  // none. Storing the same content again for the same (project, commit, testbed)
  // returns the existing run id with created = false.
  virtual IngestOutcome Ingest(const RunInput& input) = 0;

  virtual std::vector<std::string> Projects() = 0;
  // Benchmarks of a project whose name contains `query` ("" = all), sorted by name.
  virtual std::vector<BenchmarkInfo> Benchmarks(std::string_view project, std::string_view query) = 0;
  virtual std::vector<std::string> Testbeds(std::string_view project) = 0;
  // Branches of a project's commits that have results, the most recently active first.
  virtual std::vector<std::string> Branches(std::string_view project) = 0;

  // Absent when the project, benchmark, metric or testbed is unknown.
  virtual std::optional<Series> LoadSeries(const SeriesQuery& query) = 0;

  virtual std::optional<CommitInfo> FindCommit(std::string_view project, std::string_view sha) = 0;
  // Resolves a full SHA, a unique prefix of at least 7 characters, or a branch
  // name (its newest commit with results). Absent when nothing, or more than one
  // commit, matches.
  virtual std::optional<CommitInfo> ResolveCommit(std::string_view project, std::string_view ref) = 0;
  // The commit and its ancestors through stored parent links, nearest first, at
  // most `limit` of them; stops where a parent is not stored.
  virtual std::vector<CommitInfo> Ancestors(std::string_view project, std::string_view sha,
                                            std::size_t limit) = 0;
  // True when the commit has at least one run (on `testbed`, or any when "").
  virtual bool HasResults(std::string_view project, std::string_view sha, std::string_view testbed) = 0;
  // Every run of the commit on the testbed ("" = "default"), samples pooled per
  // benchmark and metric, as one Report (format "store"). Absent without runs.
  virtual std::optional<model::Results> LoadCommitResults(std::string_view project, std::string_view sha,
                                                         std::string_view testbed) = 0;

  // Project tokens. Only the hash is stored: the caller hashes with HashToken.
  virtual TokenInfo CreateToken(std::string_view project, std::string_view name, std::string_view token_hash,
                                std::string_view prefix, std::int64_t created_at) = 0;
  virtual std::vector<TokenInfo> ListTokens(std::string_view project) = 0;
  // False when no such token of the project exists.
  virtual bool RevokeToken(std::string_view project, std::int64_t token_id) = 0;
  // True when `token_hash` belongs to a live token of `project`.
  virtual bool VerifyToken(std::string_view project, std::string_view token_hash) = 0;
  // The live token of `project` with this hash; absent when none (unknown or revoked).
  virtual std::optional<TokenInfo> FindToken(std::string_view project, std::string_view token_hash) = 0;

  // Alert triage, one row per (project, group): setting it again replaces it.
  // False (nothing stored) when the project is unknown. Changes DataVersion.
  virtual bool SetAlertTriage(std::string_view project, const AlertTriage& triage) = 0;
  // Every triaged group of the project, in no particular order.
  virtual std::vector<AlertTriage> AlertTriages(std::string_view project) = 0;

  // The project's perfgate.json: storing replaces it; false (nothing stored)
  // when the project is unknown. Changes DataVersion.
  virtual bool SetProjectConfig(std::string_view project, const ProjectConfig& config) = 0;
  // Absent when the project has none.
  virtual std::optional<ProjectConfig> LoadProjectConfig(std::string_view project) = 0;

  // Size of the database in bytes (for /metrics).
  virtual std::int64_t SizeBytes() = 0;

  // How the backend runs LoadSeries(query): its query plan, one line per step,
  // so that tests pin the query the store really runs. Empty when the series
  // does not exist.
  virtual std::vector<std::string> ExplainSeries(const SeriesQuery& query) = 0;

  // Changes whenever a run, a triage or a project config is stored, by this
  // connection or any other (the newest run id plus a counter the other writes
  // bump in their transaction; both only grow): a cache
  // of answers computed from stored data is fresh while this is unchanged.
  virtual std::int64_t DataVersion() = 0;

  // For copying a store: runs with id > `after`, oldest first, at most `limit`.
  virtual std::vector<StoredRun> RunsAfter(std::int64_t after, std::size_t limit) = 0;
  virtual std::vector<StoredToken> AllTokens() = 0;
  // Stores a token copied from another store; false when its hash is already here.
  virtual bool ImportToken(const StoredToken& token) = 0;
  virtual StoreTotals Totals() = 0;
};

// Hex SHA-256 of a token, as stored.
std::string HashToken(std::string_view token);

// A digest of the report's content (benchmarks, metrics, samples, aggregates,
// errors, fits), independent of formatting: what makes re-ingest idempotent.
std::string ContentDigest(const model::Results& report);

}  // namespace perfgate::store
