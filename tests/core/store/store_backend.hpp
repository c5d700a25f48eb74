#pragma once
// Where the store suite keeps its data: the same tests run against SQLite and
// against PostgreSQL (the store_postgres_tests binary, PERFGATE_TEST_POSTGRES).
// PostgreSQL comes from the CTest fixture that scripts/pg-test-cluster.sh
// starts; without it these tests fail loudly, never pass silently.

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "../../test_support.hpp"

namespace perfgate::testing {

#ifdef PERFGATE_TEST_POSTGRES
inline constexpr bool kPostgres = true;
#else
inline constexpr bool kPostgres = false;
#endif

// The URL of the test cluster's maintenance database, from the fixture.
inline std::string PostgresClusterUrl() {
  auto file = std::filesystem::path(PERFGATE_BINARY_DIR) / "test-scratch" / "postgres" / "url";
  std::string url;
  try {
    url = ReadFile(file);
  } catch (const std::exception&) {
    throw std::runtime_error("no test PostgreSQL cluster: " + file.string() +
                             " is missing (CTest's postgres fixture runs scripts/pg-test-cluster.sh start)");
  }
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  return url;
}

// A new, empty PostgreSQL database on the test cluster; its URL.
inline std::string FreshPostgresDatabase() {
  static std::atomic<int> counter{0};
  std::string cluster = PostgresClusterUrl();
  std::string name = "perfgate_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  PGconn* connection = PQconnectdb(cluster.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot reach the test PostgreSQL cluster at " + cluster + ": " + message);
  }
  PGresult* created = PQexec(connection, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(created) == PGRES_COMMAND_OK;
  std::string message = PQerrorMessage(connection);
  PQclear(created);
  PQfinish(connection);
  if (!ok) throw std::runtime_error("cannot create test database " + name + ": " + message);
  return cluster.substr(0, cluster.rfind('/') + 1) + name;
}

// A location for a fresh store: ":memory:" for SQLite, or a new PostgreSQL database.
inline std::string FreshStoreLocation() { return kPostgres ? FreshPostgresDatabase() : ":memory:"; }

// A location that several connections can share: a file, or a new PostgreSQL database.
inline std::string SharedStoreLocation(const std::string& name) {
  return kPostgres ? FreshPostgresDatabase() : (ScratchDirectory(name) / "results.db").string();
}

}  // namespace perfgate::testing
