#include "perfgate/store/postgres_store.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "series_builder.hpp"

namespace perfgate::store {

namespace {

constexpr std::array<const char*, 2> kMigrations = {
#include "postgres_migrations.inc"
};

// Any number that names perfgate's migration lock among other applications' advisory locks.
constexpr std::int64_t kMigrationLock = 0x70657266676174;  // "perfgat"

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

// A PostgreSQL array literal of text values: {"a","b \"quoted\""}.
std::string TextArray(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string IntArray(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

// One field of COPY's text format: backslash, tab and line breaks escaped.
void AppendCopyText(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// A bytea in COPY's text format: "\\x" and the hex digits.
void AppendCopyBytea(std::string& out, const void* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
}

// A bytea column in libpq's text result format ("\x0a1b...") back to bytes.
std::vector<std::byte> DecodeBytea(const char* text) {
  std::vector<std::byte> bytes;
  if (text == nullptr || text[0] != '\\' || text[1] != 'x') return bytes;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (const char* p = text + 2; p[0] != '\0' && p[1] != '\0'; p += 2) {
    bytes.push_back(static_cast<std::byte>(nibble(p[0]) << 4 | nibble(p[1])));
  }
  return bytes;
}

// Query parameters, all sent as text (PostgreSQL infers their types).
class Params {
 public:
  Params& Add(std::string_view text) {
    values_.emplace_back(text);
    null_.push_back(false);
    return *this;
  }
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& Add(const std::string& text) { return Add(std::string_view(text)); }
  Params& Add(std::int64_t value) { return Add(std::to_string(value)); }
  Params& Add(double value) { return Add(FormatDouble(value)); }
  Params& Add(std::optional<std::int64_t> value) {
    if (value) return Add(*value);
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }

  int Count() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const {
    std::vector<const char*> pointers;
    for (std::size_t i = 0; i < values_.size(); ++i) pointers.push_back(null_[i] ? nullptr : values_[i].c_str());
    return pointers;
  }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
};

// A query's result, cleared when it goes out of scope.
class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&&) = delete;
  ~Result() { PQclear(result_); }

  PGresult* Get() const { return result_; }
  int Rows() const { return PQntuples(result_); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string Text(int row, int column) const { return PQgetvalue(result_, row, column); }
  const char* Raw(int row, int column) const { return PQgetvalue(result_, row, column); }
  std::int64_t Int(int row, int column) const { return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10); }
  double Double(int row, int column) const {
    return IsNull(row, column) ? std::nan("") : std::strtod(PQgetvalue(result_, row, column), nullptr);
  }
  std::optional<std::int64_t> OptionalInt(int row, int column) const {
    return IsNull(row, column) ? std::nullopt : std::optional<std::int64_t>(Int(row, column));
  }
  std::int64_t Affected() const { return std::strtoll(PQcmdTuples(result_), nullptr, 10); }

 private:
  PGresult* result_;
};

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(const std::string& url) : url_(url) {
    connection_ = PQconnectdb(url.c_str());
    if (PQstatus(connection_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(connection_);
      PQfinish(connection_);
      connection_ = nullptr;
      throw StoreError("cannot connect to " + Redacted() + ": " + Trim(message));
    }
    Exec("SET client_min_messages = warning");
    Migrate();
  }

  ~PostgresStore() override { PQfinish(connection_); }

  IngestOutcome Ingest(const RunInput& input) override {
    std::string digest = ContentDigest(input.report);
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(input.project);
    Result commit_row = Query(
        "INSERT INTO commits (project_id, sha, parent_sha, branch, time, pull_request) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (project_id, sha) DO UPDATE SET "
        "parent_sha = CASE WHEN commits.parent_sha = '' THEN excluded.parent_sha ELSE commits.parent_sha END, "
        "branch = CASE WHEN commits.branch = '' THEN excluded.branch ELSE commits.branch END, "
        "pull_request = coalesce(commits.pull_request, excluded.pull_request) "
        "RETURNING id, branch, time",
        Params().Add(project_id).Add(input.commit.sha).Add(input.commit.parent).Add(input.commit.branch)
            .Add(input.commit.time).Add(input.commit.pull_request));
    std::int64_t commit_id = commit_row.Int(0, 0);
    std::string branch = commit_row.Text(0, 1);
    std::int64_t commit_time = commit_row.Int(0, 2);
    std::int64_t testbed_id =
        Query("INSERT INTO testbeds (project_id, name) VALUES ($1, $2) "
              "ON CONFLICT (project_id, name) DO UPDATE SET name = excluded.name RETURNING id",
              Params().Add(project_id).Add(input.testbed))
            .Int(0, 0);

    IngestOutcome outcome{.benchmarks = input.report.benchmarks.size(), .samples = input.report.SampleCount()};
    nlohmann::json context(input.report.context);
    // A concurrent upload of the same content waits here on the unique key and
    // then finds the other's run: stored once, whichever instance took it.
    Result run = Query(
        "INSERT INTO runs (commit_id, testbed_id, content_digest, format, context, received_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (commit_id, testbed_id, content_digest) DO NOTHING RETURNING id",
        Params().Add(commit_id).Add(testbed_id).Add(digest).Add(input.report.format)
            .Add(context.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).Add(input.received_at));
    if (run.Rows() == 0) {
      outcome.run_id = Query("SELECT id FROM runs WHERE commit_id = $1 AND testbed_id = $2 AND content_digest = $3",
                             Params().Add(commit_id).Add(testbed_id).Add(digest))
                           .Int(0, 0);
      return outcome;  // the transaction rolls back: nothing was written
    }
    outcome.run_id = run.Int(0, 0);
    outcome.created = true;

    std::vector<std::int64_t> benchmark_ids = BenchmarkIds(project_id, input.report);
    std::vector<std::vector<std::int64_t>> metric_ids = MetricIds(benchmark_ids, input.report);
    WriteMeasurements(outcome.run_id, testbed_id, branch, commit_id, commit_time, input.report, metric_ids);
    for (std::size_t b = 0; b < input.report.benchmarks.size(); ++b) {
      WriteBenchmarkExtras(outcome.run_id, benchmark_ids[b], input.report.benchmarks[b]);
    }
    transaction.Commit();
    return outcome;
  }

  std::vector<std::string> Projects() override {
    return Column(Query("SELECT name FROM projects ORDER BY name", Params()));
  }

  std::vector<BenchmarkInfo> Benchmarks(std::string_view project, std::string_view query_text) override {
    Result rows = Query(
        "SELECT b.name, m.name, m.unit, m.direction FROM benchmarks b JOIN projects p ON p.id = b.project_id "
        "LEFT JOIN metrics m ON m.benchmark_id = b.id "
        "WHERE p.name = $1 AND strpos(b.name, $2) > 0 ORDER BY b.name COLLATE \"C\", m.name COLLATE \"C\"",
        Params().Add(project).Add(query_text));
    std::vector<BenchmarkInfo> benchmarks;
    for (int row = 0; row < rows.Rows(); ++row) {
      std::string name = rows.Text(row, 0);
      if (benchmarks.empty() || benchmarks.back().name != name) benchmarks.push_back(BenchmarkInfo{.name = name});
      if (!rows.IsNull(row, 1)) benchmarks.back().metrics.push_back(MetricFrom(rows, row, 1));
    }
    return benchmarks;
  }

  std::vector<std::string> Testbeds(std::string_view project) override {
    return Column(Query("SELECT t.name FROM testbeds t JOIN projects p ON p.id = t.project_id WHERE p.name = $1 "
                        "ORDER BY t.name COLLATE \"C\"",
                        Params().Add(project)));
  }

  std::vector<std::string> Branches(std::string_view project) override {
    return Column(Query(
        "SELECT c.branch FROM commits c JOIN projects p ON p.id = c.project_id "
        "WHERE p.name = $1 AND c.branch <> '' AND EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = c.id) "
        "GROUP BY c.branch ORDER BY max(c.time) DESC, c.branch COLLATE \"C\"",
        Params().Add(project)));
  }

  std::optional<Series> LoadSeries(const SeriesQuery& request) override {
    auto target = SeriesTargetOf(request);
    if (!target) return std::nullopt;
    Series series = std::move(target->series);
    std::int64_t metric_id = target->metric_id;
    // Newest first along the index. The limit counts commits with a usable
    // value; a commit whose samples are all NaN is skipped, so when that left
    // the series short, the query is repeated over more commits.
    for (std::int64_t commits = static_cast<std::int64_t>(request.limit);; commits *= 2) {
      series.points.clear();
      Result rows = Query(request.branch.empty() ? kSeriesRows : kSeriesRowsOfBranch,
                          SeriesParams(metric_id, target->testbed_id, request.branch, commits));
      SeriesBuilder builder(series, request.limit);
      std::int64_t seen = 0, last_commit = -1;
      for (int row = 0; row < rows.Rows(); ++row) {
        if (rows.Int(row, 1) != last_commit) {
          last_commit = rows.Int(row, 1);
          ++seen;
        }
        if (!builder.Row(rows.Int(row, 1), rows.Raw(row, 4), rows.Int(row, 2))) break;
        if (rows.Int(row, 3) > 0) {
          std::vector<std::byte> blob = DecodeBytea(rows.Raw(row, 5));
          builder.AddSamples(blob);
        } else if (builder.NeedsAggregate() && !rows.IsNull(row, 6)) {
          builder.SetAggregate(rows.Double(row, 6));
        }
      }
      builder.Finish();
      if (series.points.size() >= request.limit || seen < commits) break;
    }
    return series;
  }

  std::optional<CommitInfo> FindCommit(std::string_view project, std::string_view sha) override {
    Result rows = Query(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = $1 AND c.sha = $2",
        Params().Add(project).Add(sha));
    if (rows.Rows() == 0) return std::nullopt;
    return CommitFrom(rows, 0);
  }

  std::optional<CommitInfo> ResolveCommit(std::string_view project, std::string_view ref) override {
    if (ref.empty()) return std::nullopt;
    if (auto exact = FindCommit(project, ref)) return exact;
    Result branch = Query(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = $1 AND c.branch = $2 "
        "AND EXISTS (SELECT 1 FROM runs r WHERE r.commit_id = c.id) ORDER BY c.time DESC, c.id DESC LIMIT 1",
        Params().Add(project).Add(ref));
    if (branch.Rows() > 0) return CommitFrom(branch, 0);
    bool hex = std::all_of(ref.begin(), ref.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    if (ref.size() < 7 || !hex) return std::nullopt;
    // A hex prefix holds no LIKE metacharacters; text_pattern_ops makes it an index range.
    Result prefix = Query(
        "SELECT c.sha, c.parent_sha, c.branch, c.time, c.pull_request FROM commits c "
        "JOIN projects p ON p.id = c.project_id WHERE p.name = $1 AND c.sha LIKE $2::text || '%' LIMIT 2",
        Params().Add(project).Add(ref));
    if (prefix.Rows() != 1) return std::nullopt;  // none, or ambiguous
    return CommitFrom(prefix, 0);
  }

  std::vector<CommitInfo> Ancestors(std::string_view project, std::string_view sha, std::size_t limit) override {
    // One recursive query instead of a round trip per ancestor.
    Result rows = Query(
        "WITH RECURSIVE chain(id, sha, parent_sha, branch, time, pull_request, depth) AS ("
        "  SELECT c.id, c.sha, c.parent_sha, c.branch, c.time, c.pull_request, 1 FROM commits c "
        "  JOIN projects p ON p.id = c.project_id WHERE p.name = $1 AND c.sha = $2 "
        "  UNION ALL "
        "  SELECT c.id, c.sha, c.parent_sha, c.branch, c.time, c.pull_request, chain.depth + 1 FROM chain "
        "  JOIN commits c ON c.project_id = (SELECT id FROM projects WHERE name = $1) AND c.sha = chain.parent_sha "
        "  WHERE chain.parent_sha <> '' AND chain.depth < $3::bigint AND c.sha <> $2) "
        "SELECT sha, parent_sha, branch, time, pull_request FROM chain ORDER BY depth",
        Params().Add(project).Add(sha).Add(static_cast<std::int64_t>(limit)));
    std::vector<CommitInfo> chain;
    for (int row = 0; row < rows.Rows() && chain.size() < limit; ++row) chain.push_back(CommitFrom(rows, row));
    return chain;
  }

  bool HasResults(std::string_view project, std::string_view sha, std::string_view testbed) override {
    return Query("SELECT 1 FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
                 "JOIN testbeds t ON t.id = r.testbed_id WHERE p.name = $1 AND c.sha = $2 AND ($3::text = '' OR t.name = $3::text) "
                 "LIMIT 1",
                 Params().Add(project).Add(sha).Add(testbed))
               .Rows() > 0;
  }

  std::optional<model::Results> LoadCommitResults(std::string_view project, std::string_view sha,
                                                 std::string_view testbed) override {
    Result runs = Query(
        "SELECT r.id, t.name FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
        "JOIN testbeds t ON t.id = r.testbed_id WHERE p.name = $1 AND c.sha = $2 "
        "AND t.name = coalesce(nullif($3::text, ''), (SELECT t2.name FROM runs r2 JOIN testbeds t2 ON t2.id = r2.testbed_id "
        "  WHERE r2.commit_id = c.id ORDER BY t2.name <> 'default', t2.name COLLATE \"C\" LIMIT 1)) ORDER BY r.id",
        Params().Add(project).Add(sha).Add(testbed));
    if (runs.Rows() == 0) return std::nullopt;
    model::Results report{.format = "store"};
    std::vector<std::int64_t> run_ids;
    for (int row = 0; row < runs.Rows(); ++row) {
      run_ids.push_back(runs.Int(row, 0));
      report.context["testbed"] = runs.Text(row, 1);
    }
    report.context["commit"] = std::string(sha);
    std::unordered_map<std::string, std::size_t> index;
    AppendRuns(run_ids, report, index);
    return report;
  }

  TokenInfo CreateToken(std::string_view project, std::string_view name, std::string_view token_hash,
                        std::string_view prefix, std::int64_t created_at) override {
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(project);
    std::int64_t id = Query("INSERT INTO tokens (project_id, name, token_hash, prefix, created_at) "
                            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                            Params().Add(project_id).Add(name).Add(token_hash).Add(prefix).Add(created_at))
                          .Int(0, 0);
    transaction.Commit();
    return TokenInfo{.id = id, .name = std::string(name), .prefix = std::string(prefix), .created_at = created_at};
  }

  std::vector<TokenInfo> ListTokens(std::string_view project) override {
    Result rows = Query(
        "SELECT t.id, t.name, t.prefix, t.created_at, t.revoked FROM tokens t JOIN projects p ON p.id = t.project_id "
        "WHERE p.name = $1 ORDER BY t.id",
        Params().Add(project));
    std::vector<TokenInfo> tokens;
    for (int row = 0; row < rows.Rows(); ++row) {
      tokens.push_back(TokenInfo{.id = rows.Int(row, 0), .name = rows.Text(row, 1), .prefix = rows.Text(row, 2),
                                 .created_at = rows.Int(row, 3), .revoked = rows.Int(row, 4) != 0});
    }
    return tokens;
  }

  bool RevokeToken(std::string_view project, std::int64_t token_id) override {
    return Query("UPDATE tokens SET revoked = 1 WHERE id = $2 AND project_id = (SELECT id FROM projects WHERE name = $1)",
                 Params().Add(project).Add(token_id))
               .Affected() > 0;
  }

  bool VerifyToken(std::string_view project, std::string_view token_hash) override {
    return Query("SELECT 1 FROM tokens t JOIN projects p ON p.id = t.project_id "
                 "WHERE p.name = $1 AND t.token_hash = $2 AND t.revoked = 0",
                 Params().Add(project).Add(token_hash))
               .Rows() > 0;
  }

  std::optional<TokenInfo> FindToken(std::string_view project, std::string_view token_hash) override {
    Result rows = Query("SELECT t.id, t.name, t.prefix, t.created_at FROM tokens t JOIN projects p ON p.id = t.project_id "
                        "WHERE p.name = $1 AND t.token_hash = $2 AND t.revoked = 0",
                        Params().Add(project).Add(token_hash));
    if (rows.Rows() == 0) return std::nullopt;
    return TokenInfo{.id = rows.Int(0, 0), .name = rows.Text(0, 1), .prefix = rows.Text(0, 2),
                     .created_at = rows.Int(0, 3)};
  }

  bool SetAlertTriage(std::string_view project, const AlertTriage& triage) override {
    Transaction transaction(*this);
    Result project_row = Query("SELECT id FROM projects WHERE name = $1", Params().Add(project));
    if (project_row.Rows() == 0) return false;
    Query("INSERT INTO alert_triage (project_id, group_sha, status, note, updated_by, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, group_sha) DO UPDATE SET "
          "status = excluded.status, note = excluded.note, updated_by = excluded.updated_by, "
          "updated_at = excluded.updated_at",
          Params().Add(project_row.Int(0, 0)).Add(triage.group).Add(triage.status).Add(triage.note)
              .Add(triage.updated_by).Add(triage.updated_at));
    Exec("UPDATE data_writes SET n = n + 1 WHERE id = 1");
    transaction.Commit();
    return true;
  }

  std::vector<AlertTriage> AlertTriages(std::string_view project) override {
    Result rows = Query("SELECT a.group_sha, a.status, a.note, a.updated_by, a.updated_at FROM alert_triage a "
                        "JOIN projects p ON p.id = a.project_id WHERE p.name = $1",
                        Params().Add(project));
    std::vector<AlertTriage> triages;
    for (int row = 0; row < rows.Rows(); ++row) {
      triages.push_back(AlertTriage{.group = rows.Text(row, 0), .status = rows.Text(row, 1), .note = rows.Text(row, 2),
                                    .updated_by = rows.Text(row, 3), .updated_at = rows.Int(row, 4)});
    }
    return triages;
  }

  bool SetProjectConfig(std::string_view project, const ProjectConfig& config) override {
    Transaction transaction(*this);
    Result project_row = Query("SELECT id FROM projects WHERE name = $1", Params().Add(project));
    if (project_row.Rows() == 0) return false;
    Query("INSERT INTO project_configs (project_id, body, updated_by, updated_at) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (project_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, "
          "updated_at = excluded.updated_at",
          Params().Add(project_row.Int(0, 0)).Add(config.text).Add(config.updated_by).Add(config.updated_at));
    Exec("UPDATE data_writes SET n = n + 1 WHERE id = 1");
    transaction.Commit();
    return true;
  }

  std::optional<ProjectConfig> LoadProjectConfig(std::string_view project) override {
    Result rows = Query("SELECT c.body, c.updated_by, c.updated_at FROM project_configs c "
                        "JOIN projects p ON p.id = c.project_id WHERE p.name = $1",
                        Params().Add(project));
    if (rows.Rows() == 0) return std::nullopt;
    return ProjectConfig{.text = rows.Text(0, 0), .updated_by = rows.Text(0, 1), .updated_at = rows.Int(0, 2)};
  }

  std::vector<std::string> ExplainSeries(const SeriesQuery& request) override {
    auto target = SeriesTargetOf(request);
    if (!target) return {};
    std::string sql = std::string("EXPLAIN ") + (request.branch.empty() ? kSeriesRows : kSeriesRowsOfBranch);
    Params params = SeriesParams(target->metric_id, target->testbed_id, request.branch,
                                 static_cast<std::int64_t>(request.limit));
    std::vector<const char*> values = params.Pointers();
    Result plan(PQexecParams(connection_, sql.c_str(), params.Count(), nullptr, values.data(), nullptr, nullptr, 0));
    if (!Succeeded(plan)) Fail("explaining the series query", PQresultErrorMessage(plan.Get()));
    return Column(plan);
  }

  std::int64_t DataVersion() override {
    return Query("SELECT (SELECT coalesce(max(id), 0) FROM runs) + (SELECT n FROM data_writes)", Params()).Int(0, 0);
  }

  std::vector<StoredRun> RunsAfter(std::int64_t after, std::size_t limit) override {
    Result rows = Query(
        "SELECT r.id, p.name, c.sha, c.parent_sha, c.branch, c.time, c.pull_request, t.name, r.format, r.context, "
        "r.received_at FROM runs r JOIN commits c ON c.id = r.commit_id JOIN projects p ON p.id = c.project_id "
        "JOIN testbeds t ON t.id = r.testbed_id WHERE r.id > $1 ORDER BY r.id LIMIT $2",
        Params().Add(after).Add(static_cast<std::int64_t>(limit)));
    std::vector<StoredRun> runs;
    for (int row = 0; row < rows.Rows(); ++row) {
      StoredRun run{.id = rows.Int(row, 0)};
      run.input.project = rows.Text(row, 1);
      run.input.commit = CommitInfo{.sha = rows.Text(row, 2), .parent = rows.Text(row, 3), .branch = rows.Text(row, 4),
                                    .time = rows.Int(row, 5), .pull_request = rows.OptionalInt(row, 6)};
      run.input.testbed = rows.Text(row, 7);
      run.input.report.format = rows.Text(row, 8);
      nlohmann::json context = nlohmann::json::parse(rows.Raw(row, 9), nullptr, false);
      if (context.is_object()) {
        for (const auto& [key, value] : context.items()) {
          if (value.is_string()) run.input.report.context[key] = value.get<std::string>();
        }
      }
      run.input.received_at = rows.Int(row, 10);
      std::unordered_map<std::string, std::size_t> index;
      AppendRuns({run.id}, run.input.report, index);
      runs.push_back(std::move(run));
    }
    return runs;
  }

  std::vector<StoredToken> AllTokens() override {
    Result rows = Query(
        "SELECT p.name, t.id, t.name, t.prefix, t.created_at, t.revoked, t.token_hash FROM tokens t "
        "JOIN projects p ON p.id = t.project_id ORDER BY t.id",
        Params());
    std::vector<StoredToken> tokens;
    for (int row = 0; row < rows.Rows(); ++row) {
      tokens.push_back(StoredToken{.project = rows.Text(row, 0),
                                   .info = {.id = rows.Int(row, 1), .name = rows.Text(row, 2), .prefix = rows.Text(row, 3),
                                            .created_at = rows.Int(row, 4), .revoked = rows.Int(row, 5) != 0},
                                   .token_hash = rows.Text(row, 6)});
    }
    return tokens;
  }

  bool ImportToken(const StoredToken& token) override {
    Transaction transaction(*this);
    std::int64_t project_id = UpsertProject(token.project);
    bool created = Query("INSERT INTO tokens (project_id, name, token_hash, prefix, created_at, revoked) "
                         "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (token_hash) DO NOTHING",
                         Params().Add(project_id).Add(token.info.name).Add(token.token_hash).Add(token.info.prefix)
                             .Add(token.info.created_at).Add(static_cast<std::int64_t>(token.info.revoked)))
                       .Affected() > 0;
    transaction.Commit();
    return created;
  }

  StoreTotals Totals() override {
    Result rows = Query(
        "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM commits), (SELECT count(*) FROM runs), "
        "(SELECT count(*) FROM measurements), (SELECT coalesce(sum(sample_count), 0) FROM measurements), "
        "(SELECT count(*) FROM tokens)",
        Params());
    return StoreTotals{.projects = rows.Int(0, 0), .commits = rows.Int(0, 1), .runs = rows.Int(0, 2),
                       .measurements = rows.Int(0, 3), .samples = rows.Int(0, 4), .tokens = rows.Int(0, 5)};
  }

  std::int64_t SizeBytes() override {
    return Query("SELECT pg_database_size(current_database())", Params()).Int(0, 0);
  }

 private:
  // BEGIN ... COMMIT; the destructor rolls back unless Commit() was called.
  class Transaction {
   public:
    explicit Transaction(PostgresStore& store) : store_(store) { store_.Exec("BEGIN"); }
    ~Transaction() {
      if (!committed_) PQclear(PQexec(store_.connection_, "ROLLBACK"));
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void Commit() {
      store_.Exec("COMMIT");
      committed_ = true;
    }

   private:
    PostgresStore& store_;
    bool committed_ = false;
  };

  static std::string Trim(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
  }

  // The URL without its password, for messages.
  std::string Redacted() const {
    std::string url = url_;
    auto scheme = url.find("://");
    auto at = url.find('@');
    if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
      auto colon = url.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
    }
    return url;
  }

  [[noreturn]] void Fail(const std::string& what, const char* message) const {
    throw StoreError("database " + Redacted() + ": " + what + ": " + Trim(message ? message : "unknown error"));
  }

  static bool Succeeded(const Result& result) {
    auto status = PQresultStatus(result.Get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  }

  // Runs SQL without parameters (one or more statements).
  void Exec(const char* sql) {
    Result result(PQexec(connection_, sql));
    if (!Succeeded(result)) Fail(std::string("running ") + std::string(sql).substr(0, 60), PQerrorMessage(connection_));
  }

  // Runs a statement prepared once per connection, with text parameters.
  Result Query(const char* sql, const Params& params) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
      std::string name = "perfgate_" + std::to_string(prepared_.size());
      Result prepared(PQprepare(connection_, name.c_str(), sql, params.Count(), nullptr));
      if (!Succeeded(prepared)) Fail(std::string("preparing ") + std::string(sql).substr(0, 60), PQresultErrorMessage(prepared.Get()));
      it = prepared_.emplace(sql, std::move(name)).first;
    }
    std::vector<const char*> values = params.Pointers();
    Result result(PQexecPrepared(connection_, it->second.c_str(), params.Count(), values.data(), nullptr, nullptr, 0));
    if (!Succeeded(result)) Fail(std::string("running ") + std::string(sql).substr(0, 60), PQresultErrorMessage(result.Get()));
    return result;
  }

  // COPY ... FROM STDIN with rows already in COPY's text format.
  void Copy(const char* sql, const std::string& data) {
    Result start(PQexec(connection_, sql));
    if (PQresultStatus(start.Get()) != PGRES_COPY_IN) Fail(sql, PQerrorMessage(connection_));
    if (PQputCopyData(connection_, data.data(), static_cast<int>(data.size())) != 1 ||
        PQputCopyEnd(connection_, nullptr) != 1) {
      Fail(sql, PQerrorMessage(connection_));
    }
    bool failed = false;
    std::string message;
    while (PGresult* raw = PQgetResult(connection_)) {
      Result result(raw);
      if (!Succeeded(result)) {
        failed = true;
        message = PQresultErrorMessage(raw);
      }
    }
    if (failed) Fail(sql, message.c_str());
  }

  std::int64_t UpsertProject(std::string_view name) {
    return Query("INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name "
                 "RETURNING id",
                 Params().Add(name))
        .Int(0, 0);
  }

  // Every benchmark of the run, made where new, in one statement each way. The
  // names are inserted in sorted order so that two instances storing
  // overlapping runs take their key locks in the same order (no deadlock).
  std::vector<std::int64_t> BenchmarkIds(std::int64_t project_id, const model::Results& report) {
    std::vector<std::string_view> names;
    for (const model::Benchmark& benchmark : report.benchmarks) names.push_back(benchmark.name);
    std::string array = TextArray(names);
    Query("INSERT INTO benchmarks (project_id, name) SELECT $1::bigint, n FROM unnest($2::text[]) AS n ORDER BY n "
          "ON CONFLICT (project_id, name) DO NOTHING",
          Params().Add(project_id).Add(array));
    Result rows = Query("SELECT id, name FROM benchmarks WHERE project_id = $1 AND name = ANY($2::text[])",
                        Params().Add(project_id).Add(array));
    std::unordered_map<std::string, std::int64_t> by_name;
    for (int row = 0; row < rows.Rows(); ++row) by_name.emplace(rows.Text(row, 1), rows.Int(row, 0));
    std::vector<std::int64_t> ids;
    for (std::string_view name : names) ids.push_back(by_name.at(std::string(name)));
    return ids;
  }

  // The ids of every metric of every benchmark, [benchmark][metric]; the first
  // upload fixes a metric's unit and direction.
  std::vector<std::vector<std::int64_t>> MetricIds(const std::vector<std::int64_t>& benchmark_ids,
                                                   const model::Results& report) {
    std::vector<std::int64_t> owners;
    std::vector<std::string_view> names, units, directions;
    for (std::size_t b = 0; b < report.benchmarks.size(); ++b) {
      for (const model::Metric& metric : report.benchmarks[b].metrics) {
        owners.push_back(benchmark_ids[b]);
        names.push_back(metric.name);
        units.push_back(metric.unit);
        directions.push_back(model::ToString(metric.direction));
      }
    }
    std::string owner_array = IntArray(owners), name_array = TextArray(names);
    Query("INSERT INTO metrics (benchmark_id, name, unit, direction) "
          "SELECT b, n, u, d FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(b, n, u, d) "
          "ORDER BY b, n ON CONFLICT (benchmark_id, name) DO NOTHING",
          Params().Add(owner_array).Add(name_array).Add(TextArray(units)).Add(TextArray(directions)));
    Result rows = Query(
        "SELECT m.id, m.benchmark_id, m.name FROM metrics m "
        "JOIN unnest($1::bigint[], $2::text[]) AS t(b, n) ON m.benchmark_id = t.b AND m.name = t.n",
        Params().Add(owner_array).Add(name_array));
    std::map<std::pair<std::int64_t, std::string>, std::int64_t> by_key;
    for (int row = 0; row < rows.Rows(); ++row) by_key.emplace(std::pair{rows.Int(row, 1), rows.Text(row, 2)}, rows.Int(row, 0));
    std::vector<std::vector<std::int64_t>> ids(report.benchmarks.size());
    for (std::size_t b = 0; b < report.benchmarks.size(); ++b) {
      for (const model::Metric& metric : report.benchmarks[b].metrics) {
        ids[b].push_back(by_key.at({benchmark_ids[b], metric.name}));
      }
    }
    return ids;
  }

  // Measurements and their aggregates by COPY, with ids drawn from the
  // sequence first so that aggregates can name their measurement.
  void WriteMeasurements(std::int64_t run_id, std::int64_t testbed_id, const std::string& branch,
                         std::int64_t commit_id, std::int64_t time, const model::Results& report,
                         const std::vector<std::vector<std::int64_t>>& metric_ids) {
    std::int64_t count = 0;
    for (const model::Benchmark& benchmark : report.benchmarks) count += static_cast<std::int64_t>(benchmark.metrics.size());
    if (count == 0) return;
    Result sequence = Query("SELECT nextval(pg_get_serial_sequence('measurements', 'id')) FROM generate_series(1, $1::bigint)",
                            Params().Add(count));
    std::string measurements, aggregates, prefix;
    prefix = std::to_string(run_id) + '\t';
    std::string common;
    common += '\t' + std::to_string(testbed_id) + '\t';
    AppendCopyText(common, branch);
    common += '\t' + std::to_string(commit_id) + '\t' + std::to_string(time) + '\t';
    int next = 0;
    for (std::size_t b = 0; b < report.benchmarks.size(); ++b) {
      const model::Benchmark& benchmark = report.benchmarks[b];
      for (std::size_t m = 0; m < benchmark.metrics.size(); ++m) {
        const model::Metric& metric = benchmark.metrics[m];
        std::string id = sequence.Text(next++, 0);
        measurements += id + '\t' + prefix + std::to_string(metric_ids[b][m]) + common +
                        std::to_string(metric.samples.size()) + '\t';
        AppendCopyBytea(measurements, metric.samples.data(), metric.samples.size() * sizeof(double));
        measurements += '\n';
        for (const auto& [name, value] : metric.aggregates) {
          aggregates += id + '\t';
          AppendCopyText(aggregates, name);
          aggregates += '\t' + FormatDouble(value) + '\n';
        }
      }
    }
    Copy("COPY measurements (id, run_id, metric_id, testbed_id, branch, commit_id, time, sample_count, samples) "
         "FROM STDIN",
         measurements);
    if (!aggregates.empty()) Copy("COPY aggregates (measurement_id, name, value) FROM STDIN", aggregates);
  }


  void WriteBenchmarkExtras(std::int64_t run_id, std::int64_t benchmark_id, const model::Benchmark& benchmark) {
    if (benchmark.error) {
      Query("INSERT INTO errors (run_id, benchmark_id, message, skipped) VALUES ($1, $2, $3, $4)",
            Params().Add(run_id).Add(benchmark_id).Add(*benchmark.error).Add(static_cast<std::int64_t>(benchmark.skipped)));
    }
    if (!benchmark.label.empty()) {
      Query("INSERT INTO labels (run_id, benchmark_id, label) VALUES ($1, $2, $3)",
            Params().Add(run_id).Add(benchmark_id).Add(benchmark.label));
    }
    for (const model::ComplexityFit& fit : benchmark.fits) {
      Params params;
      params.Add(run_id).Add(benchmark_id).Add(fit.metric).Add(fit.complexity).Add(fit.coefficient).Add(fit.unit);
      if (fit.rms) params.Add(*fit.rms); else params.Add(std::optional<std::int64_t>());
      Query("INSERT INTO fits (run_id, benchmark_id, metric, complexity, coefficient, unit, rms) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (run_id, benchmark_id, metric) DO UPDATE SET "
            "complexity = excluded.complexity, coefficient = excluded.coefficient, unit = excluded.unit, rms = excluded.rms",
            params);
    }
  }

  void Migrate() {
    Transaction transaction(*this);
    Query("SELECT pg_advisory_xact_lock($1::bigint)", Params().Add(kMigrationLock));
    Exec("CREATE TABLE IF NOT EXISTS perfgate_schema (version INTEGER NOT NULL)");
    Result current = Query("SELECT version FROM perfgate_schema", Params());
    int version = current.Rows() > 0 ? static_cast<int>(current.Int(0, 0)) : 0;
    if (version > static_cast<int>(kMigrations.size())) {
      throw StoreError("database " + Redacted() + " has schema version " + std::to_string(version) +
                       ", newer than this perfgate (" + std::to_string(kMigrations.size()) + ")");
    }
    for (; version < static_cast<int>(kMigrations.size()); ++version) Exec(kMigrations[static_cast<std::size_t>(version)]);
    Exec("DELETE FROM perfgate_schema");
    Query("INSERT INTO perfgate_schema (version) VALUES ($1)", Params().Add(static_cast<std::int64_t>(version)));
    transaction.Commit();
  }

  // Adds the runs' measurements, errors, labels and fits to `report`, pooling
  // with what is there (`index`: benchmark name -> position in report).
  void AppendRuns(const std::vector<std::int64_t>& run_ids, model::Results& report,
                  std::unordered_map<std::string, std::size_t>& index) {
    auto benchmark_named = [&](const std::string& name) -> model::Benchmark& {
      auto [it, inserted] = index.try_emplace(name, report.benchmarks.size());
      if (inserted) report.benchmarks.push_back(model::Benchmark{.name = name});
      return report.benchmarks[it->second];
    };
    std::string ids = IntArray(run_ids);
    Result rows = Query(
        "SELECT b.name, mt.name, mt.unit, mt.direction, ms.samples, "
        "  (SELECT coalesce(json_object_agg(a.name, a.value), '{}') FROM aggregates a WHERE a.measurement_id = ms.id) "
        "FROM measurements ms JOIN metrics mt ON mt.id = ms.metric_id JOIN benchmarks b ON b.id = mt.benchmark_id "
        "WHERE ms.run_id = ANY($1::bigint[]) ORDER BY ms.run_id, ms.id",
        Params().Add(ids));
    for (int row = 0; row < rows.Rows(); ++row) {
      model::Benchmark& benchmark = benchmark_named(rows.Text(row, 0));
      MetricInfo info = MetricFrom(rows, row, 1);
      model::Metric& metric = model::MetricNamed(benchmark, info.name, info.unit, info.direction);
      std::vector<std::byte> blob = DecodeBytea(rows.Raw(row, 4));
      SeriesBuilder::AppendSamples(blob, metric.samples);
      nlohmann::json aggregates = nlohmann::json::parse(rows.Raw(row, 5));
      for (const auto& [name, value] : aggregates.items()) {
        metric.aggregates[name] = value.is_number() ? value.get<double>() : std::nan("");
      }
    }
    Result errors = Query(
        "SELECT b.name, e.message, e.skipped FROM errors e JOIN benchmarks b ON b.id = e.benchmark_id "
        "WHERE e.run_id = ANY($1::bigint[]) ORDER BY e.run_id",
        Params().Add(ids));
    for (int row = 0; row < errors.Rows(); ++row) {
      model::Benchmark& benchmark = benchmark_named(errors.Text(row, 0));
      benchmark.error = errors.Text(row, 1);
      benchmark.skipped = errors.Int(row, 2) != 0;
    }
    Result labels = Query(
        "SELECT b.name, l.label FROM labels l JOIN benchmarks b ON b.id = l.benchmark_id "
        "WHERE l.run_id = ANY($1::bigint[]) ORDER BY l.run_id",
        Params().Add(ids));
    for (int row = 0; row < labels.Rows(); ++row) benchmark_named(labels.Text(row, 0)).label = labels.Text(row, 1);
    Result fits = Query(
        "SELECT b.name, f.metric, f.complexity, f.coefficient, f.unit, f.rms FROM fits f "
        "JOIN benchmarks b ON b.id = f.benchmark_id WHERE f.run_id = ANY($1::bigint[]) ORDER BY f.run_id",
        Params().Add(ids));
    for (int row = 0; row < fits.Rows(); ++row) {
      benchmark_named(fits.Text(row, 0))
          .fits.push_back(model::ComplexityFit{
              .metric = fits.Text(row, 1), .complexity = fits.Text(row, 2), .coefficient = fits.Double(row, 3),
              .unit = fits.Text(row, 4),
              .rms = fits.IsNull(row, 5) ? std::nullopt : std::optional<double>(fits.Double(row, 5))});
    }
  }

  // The series query, with and without a branch: the newest `$3` commits along
  // measurements_series (or measurements_branch_series), then their rows.
  static constexpr const char* kSeriesRows =
      "SELECT m.id, m.commit_id, m.time, m.sample_count, c.sha, m.samples, "
      "  (SELECT a.value FROM aggregates a WHERE a.measurement_id = m.id AND a.name IN ('median', 'mean') "
      "   ORDER BY a.name = 'median' DESC LIMIT 1) "
      "FROM (SELECT m2.time, m2.commit_id FROM measurements m2 WHERE m2.metric_id = $1 AND m2.testbed_id = $2 "
      "      GROUP BY m2.time, m2.commit_id ORDER BY m2.time DESC, m2.commit_id DESC LIMIT $3) newest "
      "JOIN measurements m ON m.metric_id = $1 AND m.testbed_id = $2 AND m.time = newest.time "
      "  AND m.commit_id = newest.commit_id "
      "JOIN commits c ON c.id = m.commit_id ORDER BY m.time DESC, m.commit_id DESC";
  static constexpr const char* kSeriesRowsOfBranch =
      "SELECT m.id, m.commit_id, m.time, m.sample_count, c.sha, m.samples, "
      "  (SELECT a.value FROM aggregates a WHERE a.measurement_id = m.id AND a.name IN ('median', 'mean') "
      "   ORDER BY a.name = 'median' DESC LIMIT 1) "
      "FROM (SELECT m2.time, m2.commit_id FROM measurements m2 WHERE m2.metric_id = $1 AND m2.testbed_id = $2 "
      "      AND m2.branch = $4 GROUP BY m2.time, m2.commit_id ORDER BY m2.time DESC, m2.commit_id DESC LIMIT $3) newest "
      "JOIN measurements m ON m.metric_id = $1 AND m.testbed_id = $2 AND m.branch = $4 AND m.time = newest.time "
      "  AND m.commit_id = newest.commit_id "
      "JOIN commits c ON c.id = m.commit_id ORDER BY m.time DESC, m.commit_id DESC";

  static Params SeriesParams(std::int64_t metric_id, std::int64_t testbed_id, const std::string& branch,
                             std::int64_t commits) {
    Params params;
    params.Add(metric_id).Add(testbed_id).Add(commits);
    if (!branch.empty()) params.Add(branch);
    return params;
  }

  struct SeriesTarget {
    std::int64_t metric_id = 0;
    std::int64_t testbed_id = 0;
    Series series;  // without points
  };

  // The metric and testbed a series query resolves to (see SeriesQuery's defaults).
  std::optional<SeriesTarget> SeriesTargetOf(const SeriesQuery& request) {
    Result metrics = Query(
        "SELECT m.id, m.name, m.unit, m.direction FROM metrics m JOIN benchmarks b ON b.id = m.benchmark_id "
        "JOIN projects p ON p.id = b.project_id WHERE p.name = $1 AND b.name = $2 ORDER BY m.name COLLATE \"C\"",
        Params().Add(request.project).Add(request.benchmark));
    int chosen = -1;
    for (int row = 0; row < metrics.Rows(); ++row) {
      std::string name = metrics.Text(row, 1);
      if (request.metric.empty() ? name == "real_time" : name == request.metric) chosen = row;
    }
    if (chosen < 0 && request.metric.empty() && metrics.Rows() == 1) chosen = 0;
    if (chosen < 0) return std::nullopt;
    Result testbed = Query(
        "SELECT t.id, t.name FROM testbeds t JOIN projects p ON p.id = t.project_id "
        "WHERE p.name = $1 AND ($2::text = '' OR t.name = $2::text) "
        "AND EXISTS (SELECT 1 FROM measurements m WHERE m.metric_id = $3 AND m.testbed_id = t.id) "
        "ORDER BY t.name <> 'default', t.name COLLATE \"C\" LIMIT 1",
        Params().Add(request.project).Add(request.testbed).Add(metrics.Int(chosen, 0)));
    if (testbed.Rows() == 0) return std::nullopt;
    return SeriesTarget{.metric_id = metrics.Int(chosen, 0),
                        .testbed_id = testbed.Int(0, 0),
                        .series = Series{.benchmark = request.benchmark, .metric = MetricFrom(metrics, chosen, 1),
                                         .testbed = testbed.Text(0, 1), .branch = request.branch}};
  }

  static MetricInfo MetricFrom(const Result& rows, int row, int first_column) {
    return MetricInfo{.name = rows.Text(row, first_column), .unit = rows.Text(row, first_column + 1),
                      .direction = model::ParseDirection(rows.Text(row, first_column + 2))
                                       .value_or(model::Direction::kLowerIsBetter)};
  }

  static CommitInfo CommitFrom(const Result& rows, int row) {
    return CommitInfo{.sha = rows.Text(row, 0), .parent = rows.Text(row, 1), .branch = rows.Text(row, 2),
                      .time = rows.Int(row, 3), .pull_request = rows.OptionalInt(row, 4)};
  }

  static std::vector<std::string> Column(const Result& rows) {
    std::vector<std::string> values;
    for (int row = 0; row < rows.Rows(); ++row) values.push_back(rows.Text(row, 0));
    return values;
  }

  std::string url_;
  PGconn* connection_ = nullptr;
  std::map<const char*, std::string> prepared_;  // SQL text -> statement name on this connection
};

}  // namespace

bool IsPostgresUrl(std::string_view location) {
  return location.starts_with("postgres://") || location.starts_with("postgresql://");
}

std::unique_ptr<Store> OpenPostgresStore(const std::string& url) { return std::make_unique<PostgresStore>(url); }

int LatestPostgresSchemaVersion() { return static_cast<int>(kMigrations.size()); }

}  // namespace perfgate::store
