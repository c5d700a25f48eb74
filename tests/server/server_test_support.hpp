#pragma once
// What the server tests share: a real server on a loopback ephemeral port over a
// real SQLite file in its own directory, a plain HTTP client, and Google
// Benchmark JSON built from values.

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "perfgate/server/client.hpp"
#include "perfgate/server/server.hpp"
#include "perfgate/store/sqlite_store.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::server::testing {

// A fresh directory below the build tree for one test.
inline std::filesystem::path FreshDirectory(const std::string& name) {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::path(PERFGATE_BINARY_DIR) / "server_tests" /
                              (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Google Benchmark JSON with one repetition row per value of each benchmark.
inline std::string GbenchJson(const std::vector<std::pair<std::string, std::vector<double>>>& benchmarks) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [name, values] : benchmarks) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      rows.push_back({{"name", name},
                      {"family_index", 0},
                      {"per_family_instance_index", 0},
                      {"run_name", name},
                      {"run_type", "iteration"},
                      {"repetitions", values.size()},
                      {"repetition_index", i},
                      {"threads", 1},
                      {"iterations", 1000},
                      {"real_time", values[i]},
                      {"cpu_time", values[i]},
                      {"time_unit", "ns"}});
    }
  }
  nlohmann::json document{{"context", {{"date", "2024-01-05T10:00:00+00:00"}, {"host_name", "test"},
                                       {"num_cpus", 2}, {"library_build_type", "release"}}},
                          {"benchmarks", rows}};
  return document.dump(2);
}

inline std::string Encode(std::string_view text) { return perfgate::server::UrlEncode(text); }

class TestServer {
 public:
  // `configure` may change the options before the server starts.
  template <typename Configure>
  TestServer(const std::string& name, Configure configure) : dir_(FreshDirectory(name)) {
    options_.db_path = (dir_ / "perfgate.db").string();
    options_.port = 0;
    options_.web_root = (dir_ / "no-dashboard").string();
    options_.threads = 24;
    options_.access_log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    };
    configure(options_);
    server_ = std::make_unique<Server>(options_);
    server_->Start();
  }
  explicit TestServer(const std::string& name) : TestServer(name, [](ServerOptions&) {}) {}
  // The server goes first: its workers may still be logging into log_.
  ~TestServer() { server_.reset(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  Server& server() { return *server_; }
  int port() const { return server_->Port(); }
  const ServerOptions& options() const { return options_; }
  const std::filesystem::path& dir() const { return dir_; }

  std::unique_ptr<httplib::Client> Client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->Port());
    client->set_connection_timeout(5);
    client->set_read_timeout(60);
    client->set_write_timeout(60);
    return client;
  }

  // Creates a live token of `project` directly in the store (as `perfgate token
  // create` does) and returns it.
  std::string CreateToken(const std::string& project, const std::string& token = "pgt_test_token_0123456789") {
    auto store = store::OpenSqliteStore(options_.db_path);
    store->CreateToken(project, "ci", store::HashToken(token), token.substr(0, 8), 1700000000);
    return token;
  }

  std::vector<std::string> Log() const {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

 private:
  std::filesystem::path dir_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  mutable std::mutex log_mutex_;
  std::vector<std::string> log_;
};

inline httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

inline std::string RunsTarget(const std::string& project, const std::string& commit, const std::string& extra = "") {
  return "/api/v1/projects/" + Encode(project) + "/runs?commit=" + Encode(commit) + extra;
}

inline nlohmann::json JsonOf(const httplib::Result& result) {
  if (!result) return nlohmann::json();
  return nlohmann::json::parse(result->body, nullptr, false);
}

}  // namespace perfgate::server::testing
