#include "perfgate/store/sqlite_store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <future>
#include <span>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "perfgate/stats/descriptive.hpp"
#include "series_builder.hpp"
#include "sqlite_layout.hpp"
#include "statement.hpp"
#include "wal_index_watch.hpp"

namespace perfgate::store {

namespace {

using sqlite::Statement;

constexpr std::array<const char*, 3> kMigrations = {
#include "migrations.inc"
};

// A run's context as stored (a JSON object of strings) back to the map.
std::map<std::string, std::string> ContextFromJson(const std::string& text) {
  std::map<std::string, std::string> context;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_object()) return context;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_string()) context[key] = value.get<std::string>();
  }
  return context;
}

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); });
}

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const SqliteOptions& options) : path_(path) {
    int flags = options.read_only ? SQLITE_OPEN_READONLY
                                  : SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
    flags |= SQLITE_OPEN_NOMUTEX;  // one connection per thread; the server pools them
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StoreError("cannot open database " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    try {
      if (!options.read_only) {
        Execute("PRAGMA journal_mode = WAL");
        // FULL: every commit (an acknowledged upload) is fsynced to the WAL before it
        // returns, so it survives a power cut or an OS crash, not only a crashed process.
        Execute(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        Migrate();
      } else {
        CheckSchemaIsLatest();
      }
      Execute("PRAGMA foreign_keys = ON");
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }

  ~SqliteStore() override {
    wal_watch_.reset();  // unmapped while this connection still holds the -shm file
    statements_.clear();
    sqlite3_close(db_);
  }

  IngestOutcome Ingest(const RunInput& input) override {
    CallScope scope(*this);
    bool large = input.report.benchmarks.size() >= kPreloadIdsFrom;
    // A large file's digest (4 % of its ingest) is computed on a second core
    // while its benchmarks are looked up and stored; only the run's row needs it.
    std::future<std::string> digest = std::async(large ? std::launch::async : std::launch::deferred,
                                                 [&report = input.report] { return ContentDigest(report); });
    ForeignKeysOffForIngest foreign_keys(*this);
    LargeCacheForIngest cache(*this, large);
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(input.project);
    auto [commit_id, commit] = UpsertCommit(project_id, input.commit);
    std::int64_t testbed_id = UpsertTestbed(project_id, input.testbed);

    IngestOutcome outcome{.benchmarks = input.report.benchmarks.size(), .samples = input.report.SampleCount()};
    std::vector<KnownBenchmark> made;  // the benchmarks this run is the first to store
    std::vector<KnownBenchmark*> known = ResolveBenchmarks(project_id, input.report, large, made);

    std::string content_digest = digest.get();
    Statement& existing = Prepare("SELECT id FROM runs WHERE commit_id = ?1 AND testbed_id = ?2 AND content_digest = ?3");
    existing.Bind(1, commit_id).Bind(2, testbed_id).Bind(3, content_digest);
    if (existing.Step()) {
      outcome.run_id = existing.Int(0);
      existing.Reset();
      return outcome;  // the transaction rolls back: nothing was written
    }

    nlohmann::json context(input.report.context);
    Statement& insert_run = Prepare(
        "INSERT INTO runs (commit_id, testbed_id, content_digest, format, context, received_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert_run.Bind(1, commit_id).Bind(2, testbed_id).Bind(3, content_digest).Bind(4, input.report.format);
    insert_run.Bind(5, context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).Bind(6, input.received_at);
    insert_run.Run();
    outcome.run_id = sqlite3_last_insert_rowid(db_);
    outcome.created = true;
    // Rows in benchmark id order: on a fresh store (ids made in name order) every
    // key of results and of results_series is then appended, not inserted.
    std::vector<std::size_t> order(known.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return known[a]->id < known[b]->id; });
    struct Row {
      std::int64_t benchmark_id, position, metric_count = 0, sample_count = 0;
      std::size_t data_begin, data_end;  // in `data`
    };
    std::vector<Row> rows;
    std::string data;
    for (std::size_t next = 0; next < order.size();) {
      // A name a file repeats is one row: its entries' metrics pool on reading.
      KnownBenchmark& benchmark = *known[order[next]];
      Row row{.benchmark_id = benchmark.id, .position = static_cast<std::int64_t>(order[next]), .data_begin = data.size()};
      for (; next < order.size() && known[order[next]] == &benchmark; ++next) {
        const model::Benchmark& entry = input.report.benchmarks[order[next]];
        WriteBenchmarkExtras(outcome.run_id, benchmark.id, entry);
        for (const model::Metric& metric : entry.metrics) {
          sqlite_layout::AppendMetric(data, *benchmark.PositionOf(metric.name), metric);
          ++row.metric_count;
          row.sample_count += static_cast<std::int64_t>(metric.samples.size());
        }
      }
      row.data_end = data.size();
      if (row.metric_count > 0) rows.push_back(row);  // else errors, labels or fits only
    }
    BatchInsert insert(*this, kInsertResult, 10, rows.size());
    for (const Row& row : rows) {
      insert.Add([&](Statement& statement, int first) {
        statement.Bind(first, outcome.run_id).Bind(first + 1, row.benchmark_id).Bind(first + 2, row.position);
        statement.Bind(first + 3, testbed_id).Bind(first + 4, commit.branch).Bind(first + 5, commit_id);
        statement.Bind(first + 6, commit.time).Bind(first + 7, row.metric_count).Bind(first + 8, row.sample_count);
        statement.BindBlob(first + 9, data.data() + row.data_begin, row.data_end - row.data_begin);
      });
    }
    transaction.Commit();
    return outcome;
  }

  std::vector<std::string> Projects() override {
    CallScope scope(*this);
    std::vector<std::string> names;
    Statement& query = Prepare("SELECT name FROM projects ORDER BY name");
    while (query.Step()) names.push_back(query.Text(0));
    return names;
  }

  std::vector<BenchmarkInfo> Benchmarks(std::string_view project, std::string_view query_text) override {
    CallScope scope(*this);
    std::vector<BenchmarkInfo> benchmarks;
    Statement& query = Prepare(
        "SELECT b.name, (SELECT metrics FROM metric_sets WHERE id = b.metric_set) "
        "FROM benchmarks b JOIN projects p ON p.id = b.project_id "
        "WHERE p.name = ?1 AND instr(b.name, ?2) > 0 ORDER BY b.name");
    query.Bind(1, project).Bind(2, query_text);
    while (query.Step()) benchmarks.push_back(BenchmarkInfo{.name = query.Text(0), .metrics = MetricsByName(query.Blob(1))});
    return benchmarks;
  }

  std::vector<std::string> Testbeds(std::string_view project) override {
    CallScope scope(*this);
    std::vector<std::string> names;
    Statement& query =
        Prepare("SELECT t.name FROM testbeds t JOIN projects p ON p.id = t.project_id WHERE p.name = ?1 ORDER BY t.name");
    query.Bind(1, project);
    while (query.Step()) names.push_back(query.Text(0));
    return names;
  }

  std::vector<std::string> Branches(std::string_view project) override {
    CallScope scope(*this);
    std::vector<std::string> names;
    Statement& query = Prepare(
        "SELECT c.branch FROM commits c JOIN projects p ON p.id = c.project_id "
        "WHERE p.name = ?1 AND c.branch <> '' AND EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = c.id) "
        "GROUP BY c.branch ORDER BY max(c.time) DESC, c.branch");
    query.Bind(1, project);
    while (query.Step()) names.push_back(query.Text(0));
    return names;
  }

  std::optional<Series> LoadSeries(const SeriesQuery& request) override {
    CallScope scope(*this);
    auto target = SeriesTargetOf(request);
    if (!target) return std::nullopt;
    Series series = std::move(target->series);
    // Newest first along the index; stop after `limit` distinct commits.
    Statement& rows = Prepare(request.branch.empty() ? kSeriesRows : kSeriesRowsOfBranch);
    rows.Bind(1, target->benchmark_id).Bind(2, target->testbed_id);
    if (!request.branch.empty()) rows.Bind(3, request.branch);

    SeriesBuilder builder(series, request.limit);
    std::vector<sqlite_layout::StoredMetric> parts;
    while (rows.Step()) {
      parts.clear();
      sqlite_layout::ForEachMetric(rows.Blob(3), [&](const sqlite_layout::StoredMetric& part) {
        if (part.position == target->position) parts.push_back(part);
      });
      if (parts.empty()) continue;  // this run did not measure the metric
      if (!builder.Row(rows.Int(0), rows.Text(2), rows.Int(1))) break;
      for (const sqlite_layout::StoredMetric& part : parts) {
        if (part.SampleCount() > 0) {
          builder.AddSamples(part.samples);
        } else if (builder.NeedsAggregate()) {
          builder.SetAggregate(part.AggregateForValue());
        }
      }
    }
    builder.Finish();
    return series;
  }

  std::optional<CommitInfo> FindCommit(std::string_view project, std::string_view sha) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = ?1 AND c.sha = ?2");
    query.Bind(1, project).Bind(2, sha);
    if (!query.Step()) return std::nullopt;
    return CommitFrom(query);
  }

  std::optional<CommitInfo> ResolveCommit(std::string_view project, std::string_view ref) override {
    CallScope scope(*this);
    if (ref.empty()) return std::nullopt;
    if (auto exact = FindCommit(project, ref)) return exact;
    Statement& branch = Prepare(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = ?1 AND c.branch = ?2 "
        "AND EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = c.id) ORDER BY c.time DESC, c.id DESC LIMIT 1");
    branch.Bind(1, project).Bind(2, ref);
    if (branch.Step()) return CommitFrom(branch);
    if (ref.size() < 7 || !IsHex(ref)) return std::nullopt;
    // A hex prefix contains no GLOB metacharacters, so this is an index range.
    Statement& prefix = Prepare(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = ?1 AND c.sha GLOB ?2 || '*' LIMIT 2");
    prefix.Bind(1, project).Bind(2, ref);
    if (!prefix.Step()) return std::nullopt;
    CommitInfo found = CommitFrom(prefix);
    if (prefix.Step()) return std::nullopt;  // ambiguous
    return found;
  }

  std::vector<CommitInfo> Ancestors(std::string_view project, std::string_view sha, std::size_t limit) override {
    CallScope scope(*this);
    std::vector<CommitInfo> chain;
    std::string next(sha);
    while (chain.size() < limit && !next.empty()) {
      auto commit = FindCommit(project, next);
      if (!commit) break;
      next = commit->parent;
      chain.push_back(std::move(*commit));
      if (chain.size() > 1 && next == chain.front().sha) break;  // a cycle in bad data
    }
    return chain;
  }

  bool HasResults(std::string_view project, std::string_view sha, std::string_view testbed) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT 1 FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
        "JOIN testbeds t ON t.id = r.testbed_id WHERE p.name = ?1 AND c.sha = ?2 AND (?3 = '' OR t.name = ?3) LIMIT 1");
    query.Bind(1, project).Bind(2, sha).Bind(3, testbed);
    return query.Step();
  }

  std::optional<model::Results> LoadCommitResults(std::string_view project, std::string_view sha,
                                                 std::string_view testbed) override {
    CallScope scope(*this);
    Statement& runs = Prepare(
        "SELECT r.id, t.name FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
        "JOIN testbeds t ON t.id = r.testbed_id WHERE p.name = ?1 AND c.sha = ?2 "
        "AND t.name = coalesce(nullif(?3, ''), (SELECT t2.name FROM runs r2 JOIN testbeds t2 ON t2.id = r2.testbed_id "
        "  WHERE r2.commit_id = c.id ORDER BY t2.name <> 'default', t2.name LIMIT 1)) ORDER BY r.id");
    runs.Bind(1, project).Bind(2, sha).Bind(3, testbed);
    std::vector<std::int64_t> run_ids;
    model::Results report{.format = "store"};
    while (runs.Step()) {
      run_ids.push_back(runs.Int(0));
      report.context["testbed"] = runs.Text(1);
    }
    if (run_ids.empty()) return std::nullopt;
    report.context["commit"] = std::string(sha);
    std::unordered_map<std::string, std::size_t> index;
    for (std::int64_t run_id : run_ids) AppendRun(run_id, report, index);
    return report;
  }

  TokenInfo CreateToken(std::string_view project, std::string_view name, std::string_view token_hash,
                        std::string_view prefix, std::int64_t created_at) override {
    CallScope scope(*this);
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(project);
    Statement& insert = Prepare(
        "INSERT INTO tokens (project_id, name, token_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    insert.Bind(1, project_id).Bind(2, name).Bind(3, token_hash).Bind(4, prefix).Bind(5, created_at).Run();
    TokenInfo info{.id = sqlite3_last_insert_rowid(db_), .name = std::string(name), .prefix = std::string(prefix),
                   .created_at = created_at};
    transaction.Commit();
    return info;
  }

  std::vector<TokenInfo> ListTokens(std::string_view project) override {
    CallScope scope(*this);
    std::vector<TokenInfo> tokens;
    Statement& query = Prepare(
        "SELECT t.id, t.name, t.prefix, t.created_at, t.revoked FROM tokens t JOIN projects p ON p.id = t.project_id "
        "WHERE p.name = ?1 ORDER BY t.id");
    query.Bind(1, project);
    while (query.Step()) {
      tokens.push_back(TokenInfo{.id = query.Int(0), .name = query.Text(1), .prefix = query.Text(2),
                                 .created_at = query.Int(3), .revoked = query.Int(4) != 0});
    }
    return tokens;
  }

  bool RevokeToken(std::string_view project, std::int64_t token_id) override {
    CallScope scope(*this);
    Statement& update = Prepare(
        "UPDATE tokens SET revoked = 1 WHERE id = ?2 AND project_id = (SELECT id FROM projects WHERE name = ?1)");
    update.Bind(1, project).Bind(2, token_id).Run();
    return sqlite3_changes(db_) > 0;
  }

  bool VerifyToken(std::string_view project, std::string_view token_hash) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT 1 FROM tokens t JOIN projects p ON p.id = t.project_id "
        "WHERE p.name = ?1 AND t.token_hash = ?2 AND t.revoked = 0");
    query.Bind(1, project).Bind(2, token_hash);
    return query.Step();
  }

  std::optional<TokenInfo> FindToken(std::string_view project, std::string_view token_hash) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT t.id, t.name, t.prefix, t.created_at FROM tokens t JOIN projects p ON p.id = t.project_id "
        "WHERE p.name = ?1 AND t.token_hash = ?2 AND t.revoked = 0");
    query.Bind(1, project).Bind(2, token_hash);
    if (!query.Step()) return std::nullopt;
    return TokenInfo{.id = query.Int(0), .name = query.Text(1), .prefix = query.Text(2), .created_at = query.Int(3)};
  }

  bool SetAlertTriage(std::string_view project, const AlertTriage& triage) override {
    CallScope scope(*this);
    Transaction transaction(*this);
    auto project_id = ProjectId(project);
    if (!project_id) return false;
    Statement& upsert = Prepare(
        "INSERT INTO alert_triage (project_id, group_sha, status, note, updated_by, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (project_id, group_sha) DO UPDATE SET "
        "status = excluded.status, note = excluded.note, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at");
    upsert.Bind(1, *project_id).Bind(2, triage.group).Bind(3, triage.status).Bind(4, triage.note)
        .Bind(5, triage.updated_by).Bind(6, triage.updated_at).Run();
    BumpDataWrites();
    transaction.Commit();
    return true;
  }

  std::vector<AlertTriage> AlertTriages(std::string_view project) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT a.group_sha, a.status, a.note, a.updated_by, a.updated_at FROM alert_triage a "
        "JOIN projects p ON p.id = a.project_id WHERE p.name = ?1");
    query.Bind(1, project);
    std::vector<AlertTriage> triages;
    while (query.Step()) {
      triages.push_back(AlertTriage{.group = query.Text(0), .status = query.Text(1), .note = query.Text(2),
                                    .updated_by = query.Text(3), .updated_at = query.Int(4)});
    }
    return triages;
  }

  bool SetProjectConfig(std::string_view project, const ProjectConfig& config) override {
    CallScope scope(*this);
    Transaction transaction(*this);
    auto project_id = ProjectId(project);
    if (!project_id) return false;
    Statement& upsert = Prepare(
        "INSERT INTO project_configs (project_id, body, updated_by, updated_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (project_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at");
    upsert.Bind(1, *project_id).Bind(2, config.text).Bind(3, config.updated_by).Bind(4, config.updated_at).Run();
    BumpDataWrites();
    transaction.Commit();
    return true;
  }

  std::optional<ProjectConfig> LoadProjectConfig(std::string_view project) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT c.body, c.updated_by, c.updated_at FROM project_configs c JOIN projects p ON p.id = c.project_id "
        "WHERE p.name = ?1");
    query.Bind(1, project);
    if (!query.Step()) return std::nullopt;
    return ProjectConfig{.text = query.Text(0), .updated_by = query.Text(1), .updated_at = query.Int(2)};
  }

  std::vector<std::string> ExplainSeries(const SeriesQuery& request) override {
    CallScope scope(*this);
    auto target = SeriesTargetOf(request);
    if (!target) return {};
    std::string sql = std::string("EXPLAIN QUERY PLAN ") + (request.branch.empty() ? kSeriesRows : kSeriesRowsOfBranch);
    Statement plan(db_, sql.c_str());
    plan.Bind(1, target->benchmark_id).Bind(2, target->testbed_id);
    if (!request.branch.empty()) plan.Bind(3, request.branch);
    std::vector<std::string> steps;
    while (plan.Step()) steps.push_back(plan.Text(3));
    return steps;
  }

  // Asks SQLite only when the WAL-index header has changed since the version
  // was last read (wal_index_watch.hpp): the header is read before the query,
  // so an unchanged header later means no commit since, by any connection.
  std::int64_t DataVersion() override {
    std::optional<WalIndexWatch::Header> header;
    // Inside this connection's own transaction the header says nothing yet.
    if (wal_watch_ && sqlite3_get_autocommit(db_) != 0) {
      header = wal_watch_->Read();
      if (header && version_header_ == header) return version_;
    }
    std::int64_t version = 0;
    {
      CallScope scope(*this);
      Statement& query = Prepare("SELECT (SELECT coalesce(max(id), 0) FROM runs) + (SELECT n FROM data_writes)");
      query.Step();
      version = query.Int(0);
    }
    if (!wal_watch_) {
      // After the first read: this connection now holds the -shm file open.
      wal_watch_ = std::make_unique<WalIndexWatch>(InWalMode() ? sqlite3_db_filename(db_, "main") : "");
    }
    version_header_ = header;
    version_ = version;
    return version;
  }

  std::vector<StoredRun> RunsAfter(std::int64_t after, std::size_t limit) override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT r.id, p.name, c.sha, c.parent_sha, c.branch, c.time, c.pull_request, t.name, r.format, r.context, "
        "r.received_at FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
        "JOIN testbeds t ON t.id = r.testbed_id WHERE r.id > ?1 ORDER BY r.id LIMIT ?2");
    query.Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    std::vector<StoredRun> runs;
    while (query.Step()) {
      StoredRun run{.id = query.Int(0)};
      run.input.project = query.Text(1);
      run.input.commit = CommitInfo{.sha = query.Text(2), .parent = query.Text(3), .branch = query.Text(4),
                                    .time = query.Int(5),
                                    .pull_request = query.IsNull(6) ? std::nullopt : std::optional<std::int64_t>(query.Int(6))};
      run.input.testbed = query.Text(7);
      run.input.report.format = query.Text(8);
      run.input.report.context = ContextFromJson(query.Text(9));
      run.input.received_at = query.Int(10);
      runs.push_back(std::move(run));
    }
    query.Reset();
    for (StoredRun& run : runs) {
      std::unordered_map<std::string, std::size_t> index;
      AppendRun(run.id, run.input.report, index);
    }
    return runs;
  }

  std::vector<StoredToken> AllTokens() override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT p.name, t.id, t.name, t.prefix, t.created_at, t.revoked, t.token_hash FROM tokens t "
        "JOIN projects p ON p.id = t.project_id ORDER BY t.id");
    std::vector<StoredToken> tokens;
    while (query.Step()) {
      tokens.push_back(StoredToken{.project = query.Text(0),
                                   .info = {.id = query.Int(1), .name = query.Text(2), .prefix = query.Text(3),
                                            .created_at = query.Int(4), .revoked = query.Int(5) != 0},
                                   .token_hash = query.Text(6)});
    }
    return tokens;
  }

  bool ImportToken(const StoredToken& token) override {
    CallScope scope(*this);
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(token.project);
    Statement& insert = Prepare(
        "INSERT INTO tokens (project_id, name, token_hash, prefix, created_at, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "ON CONFLICT (token_hash) DO NOTHING");
    insert.Bind(1, project_id).Bind(2, token.info.name).Bind(3, token.token_hash).Bind(4, token.info.prefix);
    insert.Bind(5, token.info.created_at).Bind(6, static_cast<std::int64_t>(token.info.revoked)).Run();
    bool created = sqlite3_changes(db_) > 0;
    transaction.Commit();
    return created;
  }

  StoreTotals Totals() override {
    CallScope scope(*this);
    Statement& query = Prepare(
        "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM commits), (SELECT count(*) FROM runs), "
        "(SELECT coalesce(sum(metric_count), 0) FROM results), (SELECT coalesce(sum(sample_count), 0) FROM results), "
        "(SELECT count(*) FROM tokens)");
    query.Step();
    return StoreTotals{.projects = query.Int(0), .commits = query.Int(1), .runs = query.Int(2),
                       .measurements = query.Int(3), .samples = query.Int(4), .tokens = query.Int(5)};
  }

  std::int64_t SizeBytes() override {
    CallScope scope(*this);
    if (path_ == ":memory:") return 0;
    std::int64_t total = 0;
    for (const char* suffix : {"", "-wal"}) {
      struct stat info {};
      if (stat((path_ + suffix).c_str(), &info) == 0) total += info.st_size;
    }
    return total;
  }

 private:
  // Resets every cached statement when the outermost public call returns. A
  // statement left mid-step (a lookup that returned at its first row, a series
  // cut at its limit) would otherwise keep its read transaction open: the
  // connection would go on seeing an old snapshot and hold back WAL checkpoints.
  class CallScope {
   public:
    explicit CallScope(SqliteStore& store) : store_(store) { ++store_.call_depth_; }
    ~CallScope() {
      if (--store_.call_depth_ == 0) {
        for (auto& [sql, statement] : store_.statements_) statement->Reset();
      }
    }
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;

   private:
    SqliteStore& store_;
  };

  static constexpr const char* kInsertResult =
      "INSERT INTO results (run_id, benchmark_id, position, testbed_id, branch, commit_id, time, metric_count, "
      "sample_count, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

  // The rows of one INSERT, kRows to a statement: one step of a statement per
  // kRows rows instead of per row (SQLite's work per statement was a fifth of
  // a large ingest). `single_row` is the one-row INSERT ... VALUES (?1, ...);
  // the batch repeats its VALUES list. The rows that do not fill a batch go
  // through the cached one-row statement, so a small upload prepares nothing new.
  class BatchInsert {
   public:
    static constexpr std::size_t kRows = 100;
    BatchInsert(SqliteStore& store, const char* single_row, int columns, std::size_t total)
        : columns_(columns), batched_(total / kRows * kRows), single_(store.Prepare(single_row)) {
      if (batched_ == 0) return;
      std::string_view one(single_row);
      std::string sql(one.substr(0, one.find("VALUES ") + 7));
      for (std::size_t row = 0; row < kRows; ++row) {
        sql += row == 0 ? "(" : ", (";
        for (int column = 0; column < columns; ++column) sql += column == 0 ? "?" : ", ?";
        sql += ")";
      }
      batch_.emplace(store.db_, sql);
    }
    // bind(statement, first parameter of the row) binds the row's columns.
    template <class Bind>
    void Add(Bind&& bind) {
      if (added_ < batched_) {
        bind(*batch_, static_cast<int>(added_ % kRows) * columns_ + 1);
        if (++added_ % kRows == 0) {
          batch_->Run();
          batch_->Reset();
        }
        return;
      }
      bind(single_, 1);
      single_.Run();
      single_.Reset();
      ++added_;
    }

   private:
    int columns_;
    std::size_t batched_;
    std::size_t added_ = 0;
    Statement& single_;
    std::optional<Statement> batch_;
  };

  // Ingest writes only ids it has just read or made inside its own transaction,
  // so the foreign-key checks (one index probe of the parent per inserted row,
  // a fifth of a large ingest) can prove nothing there; every other statement
  // keeps them. The pragma is a no-op inside a transaction, so it brackets it.
  class ForeignKeysOffForIngest {
   public:
    explicit ForeignKeysOffForIngest(SqliteStore& store) : store_(store) {
      store_.Execute("PRAGMA foreign_keys = OFF");
    }
    ~ForeignKeysOffForIngest() { sqlite3_exec(store_.db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr); }
    ForeignKeysOffForIngest(const ForeignKeysOffForIngest&) = delete;
    ForeignKeysOffForIngest& operator=(const ForeignKeysOffForIngest&) = delete;

   private:
    SqliteStore& store_;
  };

  // A large run's rows and index entries outgrow SQLite's default 2 MB page
  // cache mid-transaction; its pages are then written to the WAL and read back
  // while the run is still being inserted. Ingest of such a run has a cache of
  // 64 MB for its own transaction, and gives it back after.
  class LargeCacheForIngest {
   public:
    LargeCacheForIngest(SqliteStore& store, bool large) : store_(store), large_(large) {
      if (large_) store_.Execute("PRAGMA cache_size = -65536");
    }
    ~LargeCacheForIngest() {
      if (large_) sqlite3_exec(store_.db_, "PRAGMA cache_size = -2000", nullptr, nullptr, nullptr);
    }
    LargeCacheForIngest(const LargeCacheForIngest&) = delete;
    LargeCacheForIngest& operator=(const LargeCacheForIngest&) = delete;

   private:
    SqliteStore& store_;
    bool large_;
  };

  // BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock
  // upgrading read locks; the destructor rolls back unless Commit() was called.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) {
      store_.Execute("BEGIN IMMEDIATE");
      ++store_.transaction_serial_;
    }
    ~Transaction() {
      if (committed_) return;
      sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
      // What this transaction added to the known benchmarks and metric sets is gone with it.
      store_.known_.clear();
      store_.metric_sets_.clear();
    }
    void Commit() {
      // A statement left mid-step (a RETURNING upsert, a lookup) would block COMMIT.
      for (auto& [sql, statement] : store_.statements_) statement->Reset();
      store_.Execute("COMMIT");
      committed_ = true;
    }

   private:
    SqliteStore& store_;
    bool committed_ = false;
  };

  void Execute(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw StoreError(std::string("database ") + path_ + ": " + message);
    }
  }

  // Statements are prepared once per connection and reset on each use.
  Statement& Prepare(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    return slot->Reset();
  }

  int UserVersion() {
    Statement version(db_, "PRAGMA user_version");
    version.Step();
    return static_cast<int>(version.Int(0));
  }

  void CheckSchemaVersion() {
    int version = UserVersion();
    if (version > static_cast<int>(kMigrations.size())) {
      throw StoreError("database " + path_ + " has schema version " + std::to_string(version) +
                       ", newer than this perfgate (" + std::to_string(kMigrations.size()) + ")");
    }
  }

  // A read-only connection cannot migrate: an older schema is refused by name
  // instead of failing at its first query.
  void CheckSchemaIsLatest() {
    CheckSchemaVersion();
    int version = UserVersion();
    if (version != 0 && version < static_cast<int>(kMigrations.size())) {
      throw StoreError("database " + path_ + " has schema version " + std::to_string(version) + ", older than this perfgate (" +
                       std::to_string(kMigrations.size()) + "); open it once without read-only access to migrate it");
    }
  }

  void Migrate() {
    CheckSchemaVersion();
    for (int version = UserVersion(); version < static_cast<int>(kMigrations.size()); ++version) {
      Transaction transaction(*this);
      if (UserVersion() > version) continue;  // another process migrated meanwhile
      Execute(kMigrations[static_cast<std::size_t>(version)]);
      if (version + 1 == 3) MoveToResultsPerBenchmark();
      Execute(("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
      transaction.Commit();
    }
  }

  // Schema 3's step after its SQL: each benchmark's metrics into its catalog,
  // and each run's measurements of a benchmark, with their aggregates, into
  // one results row; then the three old tables go. A store of schema 1 or 2
  // keeps everything, in the same order (a run's benchmarks by first
  // measurement).
  void MoveToResultsPerBenchmark() {
    std::unordered_map<std::int64_t, std::pair<std::int64_t, std::size_t>> metric_at;  // metric -> benchmark, position
    {
      Statement metrics(db_, "SELECT id, benchmark_id, name, unit, direction FROM metrics ORDER BY benchmark_id, id");
      Statement update(db_, "UPDATE benchmarks SET metric_set = ?2 WHERE id = ?1");
      std::int64_t benchmark_id = -1;
      std::string catalog;
      std::size_t position = 0;
      auto write = [&] {
        if (benchmark_id >= 0) update.Reset().Bind(1, benchmark_id).Bind(2, MetricSetId(catalog)).Run();
      };
      while (metrics.Step()) {
        if (metrics.Int(1) != benchmark_id) {
          write();
          benchmark_id = metrics.Int(1);
          catalog.clear();
          position = 0;
        }
        sqlite_layout::AppendToCatalog(
            catalog, MetricInfo{.name = metrics.Text(2), .unit = metrics.Text(3),
                                .direction = model::ParseDirection(metrics.Text(4)).value_or(model::Direction::kLowerIsBetter)});
        metric_at[metrics.Int(0)] = {benchmark_id, position++};
      }
      write();
    }

    struct Row {
      std::int64_t position, testbed_id, commit_id, time, metric_count = 0, sample_count = 0;
      std::string branch, data;
    };
    Statement measurements(db_,
                           "SELECT id, run_id, metric_id, testbed_id, branch, commit_id, time, samples FROM measurements "
                           "ORDER BY run_id, id");
    Statement aggregates(db_, "SELECT name, value FROM aggregates WHERE measurement_id = ?1");
    Statement insert(db_, kInsertResult);
    std::int64_t run_id = -1;
    std::map<std::int64_t, Row> rows;  // of the run, by benchmark id
    auto flush = [&] {
      for (auto& [benchmark_id, row] : rows) {
        insert.Reset().Bind(1, run_id).Bind(2, benchmark_id).Bind(3, row.position).Bind(4, row.testbed_id);
        insert.Bind(5, row.branch).Bind(6, row.commit_id).Bind(7, row.time).Bind(8, row.metric_count);
        insert.Bind(9, row.sample_count).BindBlob(10, row.data.data(), row.data.size()).Run();
      }
      rows.clear();
    };
    while (measurements.Step()) {
      if (measurements.Int(1) != run_id) {
        flush();
        run_id = measurements.Int(1);
      }
      auto [benchmark_id, position] = metric_at.at(measurements.Int(2));
      auto [it, first] = rows.try_emplace(benchmark_id);
      Row& row = it->second;
      if (first) {
        row = Row{.position = static_cast<std::int64_t>(rows.size() - 1), .testbed_id = measurements.Int(3),
                  .commit_id = measurements.Int(5), .time = measurements.Int(6), .branch = measurements.Text(4)};
      }
      model::Metric metric;
      SeriesBuilder::AppendSamples(measurements.Blob(7), metric.samples);
      aggregates.Reset().Bind(1, measurements.Int(0));
      while (aggregates.Step()) metric.aggregates[aggregates.Text(0)] = aggregates.Double(1);
      sqlite_layout::AppendMetric(row.data, position, metric);
      ++row.metric_count;
      row.sample_count += static_cast<std::int64_t>(metric.samples.size());
    }
    flush();
    Execute("DROP TABLE aggregates; DROP TABLE measurements; DROP TABLE metrics;");
  }

  // Inside a write transaction that stores no run: DataVersion moves on.
  void BumpDataWrites() { Prepare("UPDATE data_writes SET n = n + 1 WHERE id = 1").Run(); }

  bool InWalMode() {
    Statement mode(db_, "PRAGMA journal_mode");
    return mode.Step() && mode.Text(0) == "wal";
  }

  std::optional<std::int64_t> ProjectId(std::string_view name) {
    Statement& query = Prepare("SELECT id FROM projects WHERE name = ?1");
    query.Bind(1, name);
    if (!query.Step()) return std::nullopt;
    return query.Int(0);
  }

  std::int64_t UpsertReturningId(const char* sql, auto... values) {
    Statement& statement = Prepare(sql);
    int index = 0;
    (statement.Bind(++index, values), ...);
    if (!statement.Step()) sqlite::Throw(db_, "upsert returned no id");
    std::int64_t id = statement.Int(0);
    statement.Reset();
    return id;
  }

  std::int64_t UpsertProject(std::string_view name) {
    return UpsertReturningId(
        "INSERT INTO projects (name) VALUES (?1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
        name);
  }

  std::int64_t UpsertTestbed(std::int64_t project_id, std::string_view name) {
    return UpsertReturningId(
        "INSERT INTO testbeds (project_id, name) VALUES (?1, ?2) "
        "ON CONFLICT (project_id, name) DO UPDATE SET name = excluded.name RETURNING id",
        project_id, name);
  }

  // What this connection knows of a stored benchmark: its id and its catalog
  // (sqlite_layout.hpp). Catalogs only grow, so a known position never changes
  // meaning; a metric missing from a catalog read before this transaction is
  // looked up again, since another connection may have added it since.
  struct KnownBenchmark {
    std::int64_t id = 0;
    std::string catalog;        // as stored
    std::uint64_t read_in = 0;  // the transaction that read or made it

    std::optional<std::size_t> PositionOf(std::string_view metric) const {
      return sqlite_layout::FindInCatalog(sqlite_layout::Bytes(catalog), metric);
    }
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  using KnownBenchmarks = std::unordered_map<std::string, KnownBenchmark, NameHash, std::equal_to<>>;

  KnownBenchmark& Remember(KnownBenchmarks& project, std::string_view name, std::int64_t id,
                           std::span<const std::byte> catalog) {
    KnownBenchmark& known = project[std::string(name)];
    known.id = id;
    known.catalog.assign(reinterpret_cast<const char*>(catalog.data()), catalog.size());
    known.read_in = transaction_serial_;
    return known;
  }

  // Finds or makes every benchmark of the run and puts each of its metrics in
  // the catalog, inside the ingest's write transaction; returns, per benchmark
  // of the report, its entry. New benchmarks are inserted in name order, so
  // their unique (project, name) keys are appended on a fresh store; their
  // entries are kept in `made`, not in the cache: a one-off ingest of a large
  // suite would spend more filling and freeing the cache than storing it, and
  // the next large run of the project reads them back in its one scan.
  static constexpr std::size_t kPreloadIdsFrom = 256;
  std::vector<KnownBenchmark*> ResolveBenchmarks(std::int64_t project_id, const model::Results& report, bool large,
                                                 std::vector<KnownBenchmark>& made) {
    KnownBenchmarks& project = known_[project_id];
    // A large run names most of its project's benchmarks: one scan of the
    // project replaces a lookup per name, unless all are known already (a
    // server's connection after the first upload of a suite).
    bool complete = false;
    if (large && !std::all_of(report.benchmarks.begin(), report.benchmarks.end(), [&](const model::Benchmark& b) {
          return project.find(std::string_view(b.name)) != project.end();
        })) {
      Statement& scan = Prepare(
          "SELECT b.id, b.name, (SELECT metrics FROM metric_sets WHERE id = b.metric_set) FROM benchmarks b "
          "WHERE b.project_id = ?1");
      scan.Bind(1, project_id);
      while (scan.Step()) Remember(project, scan.Text(1), scan.Int(0), scan.Blob(2));
      scan.Reset();
      complete = true;  // the write lock is held: nobody adds benchmarks meanwhile
    }

    std::vector<KnownBenchmark*> known(report.benchmarks.size(), nullptr);
    std::vector<std::size_t> fresh;
    Statement& find = Prepare(
        "SELECT b.id, (SELECT metrics FROM metric_sets WHERE id = b.metric_set) FROM benchmarks b "
        "WHERE b.project_id = ?1 AND b.name = ?2");
    for (std::size_t i = 0; i < report.benchmarks.size(); ++i) {
      const std::string& name = report.benchmarks[i].name;
      if (auto it = project.find(std::string_view(name)); it != project.end()) {
        known[i] = &it->second;
      } else if (!complete && find.Reset().Bind(1, project_id).Bind(2, name).Step()) {
        known[i] = &Remember(project, name, find.Int(0), find.Blob(1));
      } else {
        fresh.push_back(i);
      }
    }
    find.Reset();

    std::stable_sort(fresh.begin(), fresh.end(),
                     [&](std::size_t a, std::size_t b) { return report.benchmarks[a].name < report.benchmarks[b].name; });
    std::vector<const std::string*> made_names;
    made.reserve(fresh.size());  // `known` points into it
    for (std::size_t next = 0; next < fresh.size();) {
      const std::string& name = report.benchmarks[fresh[next]].name;
      KnownBenchmark& benchmark = made.emplace_back();
      benchmark.read_in = transaction_serial_;
      for (; next < fresh.size() && report.benchmarks[fresh[next]].name == name; ++next) {
        known[fresh[next]] = &benchmark;
        AddMetrics(benchmark, report.benchmarks[fresh[next]]);
      }
      made_names.push_back(&name);
    }
    if (!made.empty()) {
      // Ids are given, not taken from each insert: the write lock is held, so
      // the next ones after the largest are free.
      Statement& largest = Prepare("SELECT coalesce(max(id), 0) FROM benchmarks");
      largest.Step();
      std::int64_t next_id = largest.Int(0) + 1;
      largest.Reset();
      BatchInsert insert(*this, "INSERT INTO benchmarks (id, project_id, name, metric_set) VALUES (?1, ?2, ?3, ?4)", 4,
                         made.size());
      for (std::size_t i = 0; i < made.size(); ++i) {
        KnownBenchmark& benchmark = made[i];
        benchmark.id = next_id++;
        std::int64_t metric_set = MetricSetId(benchmark.catalog);
        insert.Add([&](Statement& row, int first) {
          row.Bind(first, benchmark.id).Bind(first + 1, project_id).Bind(first + 2, *made_names[i]).Bind(first + 3, metric_set);
        });
      }
    }

    Statement& reread =
        Prepare("SELECT (SELECT metrics FROM metric_sets WHERE id = b.metric_set) FROM benchmarks b WHERE b.id = ?1");
    Statement& update = Prepare("UPDATE benchmarks SET metric_set = ?2 WHERE id = ?1");
    for (std::size_t i = 0; i < known.size(); ++i) {
      KnownBenchmark& benchmark = *known[i];
      if (&benchmark >= made.data() && &benchmark < made.data() + made.size()) continue;  // made with all its metrics
      const model::Benchmark& entry = report.benchmarks[i];
      bool all_known = std::all_of(entry.metrics.begin(), entry.metrics.end(),
                                   [&](const model::Metric& metric) { return benchmark.PositionOf(metric.name).has_value(); });
      if (all_known) continue;
      if (benchmark.read_in != transaction_serial_) {
        reread.Reset().Bind(1, benchmark.id).Step();
        Remember(project, entry.name, benchmark.id, reread.Blob(0));
        reread.Reset();
      }
      if (AddMetrics(benchmark, entry)) {
        update.Reset().Bind(1, benchmark.id).Bind(2, MetricSetId(benchmark.catalog)).Run();
      }
    }
    return known;
  }

  // The metric_sets row of a catalog, made when new (inside a write transaction).
  std::int64_t MetricSetId(const std::string& catalog) {
    if (auto it = metric_sets_.find(std::string_view(catalog)); it != metric_sets_.end()) return it->second;
    Statement& find = Prepare("SELECT id FROM metric_sets WHERE metrics = ?1");
    find.BindBlob(1, catalog.data(), catalog.size());
    std::int64_t id = 0;
    if (find.Step()) {
      id = find.Int(0);
    } else {
      Prepare("INSERT INTO metric_sets (metrics) VALUES (?1)").BindBlob(1, catalog.data(), catalog.size()).Run();
      id = sqlite3_last_insert_rowid(db_);
    }
    find.Reset();
    metric_sets_.emplace(catalog, id);
    return id;
  }

  // Adds the entry's metrics the catalog lacks; true when it added one. The
  // first upload fixes a metric's unit and direction.
  static bool AddMetrics(KnownBenchmark& benchmark, const model::Benchmark& entry) {
    bool added = false;
    for (const model::Metric& metric : entry.metrics) {
      if (benchmark.PositionOf(metric.name)) continue;
      sqlite_layout::AppendToCatalog(benchmark.catalog,
                                     MetricInfo{.name = metric.name, .unit = metric.unit, .direction = metric.direction});
      added = true;
    }
    return added;
  }

  // The first upload of a commit fixes its time and branch; parent, branch and
  // pull request fill in when a later upload knows them.
  std::pair<std::int64_t, CommitInfo> UpsertCommit(std::int64_t project_id, const CommitInfo& commit) {
    Statement& find = Prepare(
        "SELECT id, sha, parent_sha, branch, time, pull_request FROM commits WHERE project_id = ?1 AND sha = ?2");
    find.Bind(1, project_id).Bind(2, commit.sha);
    if (find.Step()) {
      std::int64_t id = find.Int(0);
      CommitInfo stored{.sha = find.Text(1), .parent = find.Text(2), .branch = find.Text(3), .time = find.Int(4),
                        .pull_request = find.IsNull(5) ? std::nullopt : std::optional<std::int64_t>(find.Int(5))};
      if ((stored.parent.empty() && !commit.parent.empty()) || (stored.branch.empty() && !commit.branch.empty()) ||
          (!stored.pull_request && commit.pull_request)) {
        if (stored.parent.empty()) stored.parent = commit.parent;
        if (stored.branch.empty()) stored.branch = commit.branch;
        if (!stored.pull_request) stored.pull_request = commit.pull_request;
        Statement& update = Prepare("UPDATE commits SET parent_sha = ?2, branch = ?3, pull_request = ?4 WHERE id = ?1");
        update.Bind(1, id).Bind(2, stored.parent).Bind(3, stored.branch).Bind(4, stored.pull_request).Run();
      }
      return {id, stored};
    }
    Statement& insert = Prepare(
        "INSERT INTO commits (project_id, sha, parent_sha, branch, time, pull_request) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.Bind(1, project_id).Bind(2, commit.sha).Bind(3, commit.parent).Bind(4, commit.branch);
    insert.Bind(5, commit.time).Bind(6, commit.pull_request).Run();
    return {sqlite3_last_insert_rowid(db_), commit};
  }

  void WriteBenchmarkExtras(std::int64_t run_id, std::int64_t benchmark_id, const model::Benchmark& benchmark) {
    if (benchmark.error) {
      Statement& error = Prepare("INSERT INTO errors (run_id, benchmark_id, message, skipped) VALUES (?1, ?2, ?3, ?4)");
      error.Bind(1, run_id).Bind(2, benchmark_id).Bind(3, *benchmark.error);
      error.Bind(4, static_cast<std::int64_t>(benchmark.skipped)).Run();
    }
    if (!benchmark.label.empty()) {
      Statement& label = Prepare("INSERT INTO labels (run_id, benchmark_id, label) VALUES (?1, ?2, ?3)");
      label.Bind(1, run_id).Bind(2, benchmark_id).Bind(3, benchmark.label).Run();
    }
    for (const model::ComplexityFit& fit : benchmark.fits) {
      Statement& insert = Prepare(
          "INSERT OR REPLACE INTO fits (run_id, benchmark_id, metric, complexity, coefficient, unit, rms) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
      insert.Bind(1, run_id).Bind(2, benchmark_id).Bind(3, fit.metric).Bind(4, fit.complexity);
      insert.Bind(5, fit.coefficient).Bind(6, fit.unit);
      if (fit.rms) insert.Bind(7, *fit.rms);
      insert.Run();
    }
  }


  // Adds one run's measurements, errors, labels and fits to `report`, pooling
  // with what is there (`index`: benchmark name -> position in report).
  void AppendRun(std::int64_t run_id, model::Results& report, std::unordered_map<std::string, std::size_t>& index) {
    auto benchmark_named = [&](const std::string& name) -> model::Benchmark& {
      auto [it, inserted] = index.try_emplace(name, report.benchmarks.size());
      if (inserted) report.benchmarks.push_back(model::Benchmark{.name = name});
      return report.benchmarks[it->second];
    };
    Statement& rows = Prepare(
        "SELECT b.name, (SELECT metrics FROM metric_sets WHERE id = b.metric_set), r.data FROM results r "
        "JOIN benchmarks b ON b.id = r.benchmark_id "
        "WHERE r.run_id = ?1 ORDER BY r.position");
    rows.Bind(1, run_id);
    while (rows.Step()) {
      model::Benchmark& benchmark = benchmark_named(rows.Text(0));
      std::vector<MetricInfo> catalog = sqlite_layout::DecodeCatalog(rows.Blob(1));
      sqlite_layout::ForEachMetric(rows.Blob(2), [&](const sqlite_layout::StoredMetric& part) {
        if (part.position >= catalog.size()) {
          throw StoreError("database " + path_ + ": a result names a metric its benchmark lacks");
        }
        const MetricInfo& info = catalog[part.position];
        model::Metric& metric = model::MetricNamed(benchmark, info.name, info.unit, info.direction);
        part.AppendSamples(metric.samples);
        part.ForEachAggregate([&](std::string_view name, double value) { metric.aggregates[std::string(name)] = value; });
      });
    }
    rows.Reset();
    Statement& errors = Prepare(
        "SELECT b.name, e.message, e.skipped FROM errors e JOIN benchmarks b ON b.id = e.benchmark_id WHERE e.run_id = ?1");
    errors.Bind(1, run_id);
    while (errors.Step()) {
      model::Benchmark& benchmark = benchmark_named(errors.Text(0));
      benchmark.error = errors.Text(1);
      benchmark.skipped = errors.Int(2) != 0;
    }
    errors.Reset();
    Statement& labels =
        Prepare("SELECT b.name, l.label FROM labels l JOIN benchmarks b ON b.id = l.benchmark_id WHERE l.run_id = ?1");
    labels.Bind(1, run_id);
    while (labels.Step()) benchmark_named(labels.Text(0)).label = labels.Text(1);
    labels.Reset();
    Statement& fits = Prepare(
        "SELECT b.name, f.metric, f.complexity, f.coefficient, f.unit, f.rms FROM fits f "
        "JOIN benchmarks b ON b.id = f.benchmark_id WHERE f.run_id = ?1");
    fits.Bind(1, run_id);
    while (fits.Step()) {
      model::Benchmark& benchmark = benchmark_named(fits.Text(0));
      benchmark.fits.push_back(model::ComplexityFit{
          .metric = fits.Text(1), .complexity = fits.Text(2), .coefficient = fits.Double(3), .unit = fits.Text(4),
          .rms = fits.IsNull(5) ? std::nullopt : std::optional<double>(fits.Double(5))});
    }
    fits.Reset();
  }

  // The series query, with and without a branch: read newest first along
  // results_series.
  static constexpr const char* kSeriesRows =
      "SELECT r.commit_id, r.time, c.sha, r.data FROM results r "
      "JOIN commits c ON c.id = r.commit_id WHERE r.benchmark_id = ?1 AND r.testbed_id = ?2 "
      "ORDER BY r.time DESC, r.commit_id DESC";
  static constexpr const char* kSeriesRowsOfBranch =
      "SELECT r.commit_id, r.time, c.sha, r.data FROM results r "
      "JOIN commits c ON c.id = r.commit_id WHERE r.benchmark_id = ?1 AND r.testbed_id = ?2 "
      "AND r.branch = ?3 ORDER BY r.time DESC, r.commit_id DESC";

  struct SeriesTarget {
    std::int64_t benchmark_id = 0;
    std::uint32_t position = 0;  // the metric's, in the benchmark's catalog
    std::int64_t testbed_id = 0;
    Series series;  // without points
  };

  // The metric and testbed a series query resolves to (see SeriesQuery's defaults).
  std::optional<SeriesTarget> SeriesTargetOf(const SeriesQuery& request) {
    auto project_id = ProjectId(request.project);
    if (!project_id) return std::nullopt;
    Statement& benchmark = Prepare(
        "SELECT b.id, (SELECT metrics FROM metric_sets WHERE id = b.metric_set) FROM benchmarks b "
        "WHERE b.project_id = ?1 AND b.name = ?2");
    benchmark.Bind(1, *project_id).Bind(2, request.benchmark);
    if (!benchmark.Step()) return std::nullopt;
    std::int64_t benchmark_id = benchmark.Int(0);
    std::vector<std::pair<std::uint32_t, MetricInfo>> candidates;
    for (MetricInfo& metric : sqlite_layout::DecodeCatalog(benchmark.Blob(1))) {
      candidates.emplace_back(static_cast<std::uint32_t>(candidates.size()), std::move(metric));
    }
    benchmark.Reset();
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
    const std::pair<std::uint32_t, MetricInfo>* chosen = nullptr;
    for (const auto& candidate : candidates) {
      bool wanted = request.metric.empty() ? candidate.second.name == "real_time" : candidate.second.name == request.metric;
      if (wanted) chosen = &candidate;
    }
    if (!chosen && request.metric.empty() && candidates.size() == 1) chosen = &candidates.front();
    if (!chosen) return std::nullopt;

    Statement& testbeds = Prepare(
        "SELECT t.id, t.name FROM testbeds t WHERE t.project_id = ?1 AND (?2 = '' OR t.name = ?2) "
        "AND EXISTS (SELECT 1 FROM results r WHERE r.benchmark_id = ?3 AND r.testbed_id = t.id) "
        "ORDER BY t.name <> 'default', t.name LIMIT 1");
    testbeds.Bind(1, *project_id).Bind(2, request.testbed).Bind(3, benchmark_id);
    if (!testbeds.Step()) return std::nullopt;
    return SeriesTarget{.benchmark_id = benchmark_id,
                        .position = chosen->first,
                        .testbed_id = testbeds.Int(0),
                        .series = Series{.benchmark = request.benchmark, .metric = chosen->second,
                                         .testbed = testbeds.Text(1), .branch = request.branch}};
  }

  static std::vector<MetricInfo> MetricsByName(std::span<const std::byte> catalog) {
    std::vector<MetricInfo> metrics = sqlite_layout::DecodeCatalog(catalog);
    std::stable_sort(metrics.begin(), metrics.end(), [](const MetricInfo& a, const MetricInfo& b) { return a.name < b.name; });
    return metrics;
  }

  static CommitInfo CommitFrom(const Statement& row) {
    return CommitInfo{.sha = row.Text(0), .parent = row.Text(1), .branch = row.Text(2), .time = row.Int(3),
                      .pull_request = row.IsNull(4) ? std::nullopt : std::optional<std::int64_t>(row.Int(4))};
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::map<const char*, std::unique_ptr<Statement>> statements_;
  // Project id -> its benchmarks this connection has read or made.
  std::unordered_map<std::int64_t, KnownBenchmarks> known_;
  // Catalog -> its metric_sets id, as read or made by this connection.
  std::unordered_map<std::string, std::int64_t, NameHash, std::equal_to<>> metric_sets_;
  std::uint64_t transaction_serial_ = 0;
  int call_depth_ = 0;
  // DataVersion's last answer and the WAL-index header read before it.
  std::unique_ptr<WalIndexWatch> wal_watch_;
  std::optional<WalIndexWatch::Header> version_header_;
  std::int64_t version_ = 0;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path, const SqliteOptions& options) {
  // SQLite's memory statistics take a global mutex on every allocation, a few
  // percent of an ingest; perfgate never reads them. The setting is only
  // accepted before SQLite initialises, so it is made once, before the first open.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  return std::make_unique<SqliteStore>(path, options);
}

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

}  // namespace perfgate::store
