// perfgate token create|list|revoke.

#include <catch2/catch.hpp>

#include "../process.hpp"

using perfgate::testing::RunPerfgate;
using perfgate::testing::ScratchDirectory;

TEST_CASE("Tokens are shown once and listed without the secret", "[cli][token]") {
  auto dir = ScratchDirectory("cli-token");
  auto db = (dir / "results.db").string();
  auto created = RunPerfgate({"token", "create", "--db", db, "--project", "demo", "--name", "ci"});
  REQUIRE(created.exit_code == 0);
  std::string token = created.out.substr(0, created.out.find('\n'));
  CHECK(token.size() == 51);
  auto listed = RunPerfgate({"token", "list", "--db", db, "--project", "demo"});
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.out, Catch::Contains("ci"));
  CHECK(listed.out.find(token) == std::string::npos);
  CHECK(RunPerfgate({"token", "revoke", "1", "--db", db, "--project", "demo"}).exit_code == 0);
  CHECK_THAT(RunPerfgate({"token", "list", "--db", db, "--project", "demo"}).out, Catch::Contains("revoked"));
  CHECK(RunPerfgate({"token", "revoke", "99", "--db", db, "--project", "demo"}).exit_code == 2);
}
