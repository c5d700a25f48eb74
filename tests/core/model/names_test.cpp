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

TEST_CASE("Free text keeps its valid UTF-8 and has each ill-formed byte replaced by U+FFFD", "[model][names]") {
  using perfgate::model::IsValidUtf8;
  using perfgate::model::ReplaceInvalidUtf8;
  const std::string fffd = "\xEF\xBF\xBD";
  std::string valid = "boom: привет ✓ \xF0\x9F\x98\x80";
  CHECK_FALSE(ReplaceInvalidUtf8(valid));
  CHECK(valid == "boom: привет ✓ \xF0\x9F\x98\x80");

  std::string latin1 = "got \xFF\xFE at caf\xE9";  // ISO-8859-1 bytes
  CHECK(ReplaceInvalidUtf8(latin1));
  CHECK(latin1 == "got " + fffd + fffd + " at caf" + fffd);

  std::string mixed = "\xC3\xA9\xC3";  // é, then a truncated sequence at the end
  CHECK(ReplaceInvalidUtf8(mixed));
  CHECK(mixed == "\xC3\xA9" + fffd);

  std::string overlong = "a\xC0\xAF" "b\xED\xA0\x80" "c";  // overlong '/', a surrogate
  CHECK(ReplaceInvalidUtf8(overlong));
  CHECK(overlong == "a" + fffd + fffd + "b" + fffd + fffd + fffd + "c");
  for (const std::string* text : {&latin1, &mixed, &overlong}) CHECK(IsValidUtf8(*text));
}

TEST_CASE("UTF-8 validation refuses overlong forms, surrogates and truncated sequences", "[model][names]") {
  using perfgate::model::IsValidUtf8;
  CHECK(IsValidUtf8("naïve 🚀 α"));
  CHECK(!IsValidUtf8("\xC0\xAF"));      // overlong '/'
  CHECK(!IsValidUtf8("\xED\xA0\x80"));  // surrogate
  CHECK(!IsValidUtf8("\xF0\x9F\x9A"));  // truncated
  CHECK(!IsValidUtf8("\xFF"));
  CHECK(!IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}
