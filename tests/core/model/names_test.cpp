#include <catch2/catch.hpp>

#include <string>

#include "perfgate/model/names.hpp"

using perfgate::model::NameProblem;

TEST_CASE("Names with any Unicode up to 512 bytes are accepted", "[model][names]") {
  CHECK_FALSE(NameProblem("BM_Sort/1024"));
  CHECK_FALSE(NameProblem("e2e/привет ✓"));
  CHECK_FALSE(NameProblem(std::string(512, 'a')));
}

TEST_CASE("Empty, overlong, control and malformed UTF-8 names are refused with a reason", "[model][names]") {
  CHECK(NameProblem("") == "must not be empty");
  CHECK(NameProblem(std::string(513, 'a')) == "longer than 512 bytes");
  CHECK(NameProblem("a\tb") == "contains a control character");
  CHECK(NameProblem("a\x7f") == "contains a control character");
  CHECK(NameProblem("\xC3") == "not valid UTF-8");          // truncated sequence
  CHECK(NameProblem("\xC0\xAF") == "not valid UTF-8");      // overlong '/'
  CHECK(NameProblem("\xED\xA0\x80") == "not valid UTF-8");  // a UTF-16 surrogate
}
