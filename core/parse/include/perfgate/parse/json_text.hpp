#pragma once
// Helpers shared by the JSON-based adapters: parsing with positions in errors,
// bare NaN / Infinity tokens, typed field access that reports the field's path.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "perfgate/parse/parse.hpp"

namespace perfgate::parse::json_text {

// 1-based line of the byte at `offset` in `text`.
std::size_t LineOf(std::string_view text, std::size_t offset);

// Parses JSON that may contain bare NaN, Infinity and -Infinity tokens (as Google
// Benchmark and Python's json module write them). Such values come back as the
// strings "NaN", "Infinity" and "-Infinity"; read them with Number(). A syntax
// error reports "line L, column C" and what the parser expected; a number too
// large for a double is an error too. Never throws.
tl::expected<nlohmann::json, ParseError> ParseLenient(std::string_view text);

// The same, calling `callback` as values complete (nlohmann's parser_callback_t):
// it may read a finished value and return false to drop it from the document,
// so large files are processed without holding their whole tree. Exceptions
// the callback throws, other than nlohmann's, pass through.
tl::expected<nlohmann::json, ParseError> ParseLenient(std::string_view text,
                                                      const nlohmann::json::parser_callback_t& callback);

// True when the text's first non-blank character is '{' or '['.
bool StartsLikeJson(std::string_view text);

// True when the text may hold a bare NaN or Infinity token (which ParseLenient
// quotes before parsing).
bool MayHoldNonFiniteTokens(std::string_view text);

// True when `needle` occurs in `text`. Several times faster than
// std::string_view::find over a large text for a needle that starts with a
// common byte (a quote): for sniffers that must search a whole file.
bool Contains(std::string_view text, std::string_view needle);

// A look at the start of a JSON text, as far as a sniffer needs and no further:
// the first member of the top-level object, the first element of an array, and
// so on down, without reading the rest of a large file. Values are skipped by
// matching brackets and quotes, not checked: a sniffer decides from a glance
// only what the whole parse could not contradict.
class Glance {
 public:
  // Starts after leading whitespace and a UTF-8 byte order mark.
  explicit Glance(std::string_view text);
  // The next byte that is not whitespace, not taken; '\0' at the end.
  char Peek();
  // Steps into the object or array at the cursor; false when there is none.
  bool Enter();
  // In an object, at a member: its key as written (escapes kept), the cursor
  // then at its value. Absent when there is no member there.
  std::optional<std::string_view> Key();
  // Skips the value at the cursor and returns its text; absent when the text
  // ends first or no value starts there.
  std::optional<std::string_view> Skip();
  // After a member or element: takes the ',' before the next one; false at the
  // end of the object or array.
  bool Next();

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The number in `value`, accepting the NaN/Infinity strings ParseLenient makes.
// Absent when it is anything else.
std::optional<double> Number(const nlohmann::json& value);

// Typed access to member `key` of `object`, with errors naming `path.key`.
tl::expected<double, ParseError> RequireNumber(const nlohmann::json& object, std::string_view key,
                                              const std::string& path);
tl::expected<std::string, ParseError> RequireString(const nlohmann::json& object, std::string_view key,
                                                    const std::string& path);
// Absent member -> nullopt; present but of the wrong type -> error.
tl::expected<std::optional<double>, ParseError> OptionalNumber(const nlohmann::json& object,
                                                               std::string_view key, const std::string& path);
tl::expected<std::optional<std::string>, ParseError> OptionalString(const nlohmann::json& object,
                                                                    std::string_view key,
                                                                    const std::string& path);

// The 1-based line where the value at `path` ("benchmarks[3].real_time") starts in
// `text`, found by scanning the raw text; absent when the path is not there. Used
// only on the error path, so errors name the line as well as the field.
std::optional<std::size_t> LineOfPath(std::string_view text, std::string_view path);

// A ParseError for the value at `path`: where = "line L, path" (or just the path).
ParseError ErrorAt(std::string_view text, const std::string& path, std::string reason);

// Adds the line of its path to an error made by the Require*/Optional* helpers.
ParseError WithLine(std::string_view text, ParseError error);

// A short name for the JSON type of `value` ("a string", "an object", ...).
std::string_view TypeName(const nlohmann::json& value);

}  // namespace perfgate::parse::json_text
