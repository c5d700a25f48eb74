#pragma once
// Adapters from harness output to model::Report, and the registry that picks one.
// One adapter per format, each in its own file (gbench.cpp, hyperfine.cpp, ...).
// Adapters never throw on bad input: they return a ParseError saying where and why.

#include <span>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "perfgate/model/report.hpp"

namespace perfgate::parse {

struct ParseError {
  std::string where;   // "line 12, benchmarks[3].real_time" or "line 4"
  std::string reason;  // "expected a number, got a string"

  // "where: reason" (just the reason when `where` is empty).
  std::string Message() const;
};

using ParseResult = tl::expected<model::Report, ParseError>;

// One supported harness output format.
struct Format {
  std::string_view name;         // "gbench", used by --format and stored with the run
  std::string_view description;  // "Google Benchmark JSON (--benchmark_format=json)"
  // True when `text` looks like this format. Cheap; reads only what it must.
  bool (*sniff)(std::string_view text);
  ParseResult (*parse)(std::string_view text);
};

// Every format, in the order auto-detection tries them.
std::span<const Format> Formats();

// The format named `name`, or nullptr.
const Format* FindFormat(std::string_view name);

// Detects the format from content and parses it. Fails with where = "format" when
// no format, or more than one, recognises the text, naming the formats tried.
ParseResult ParseAuto(std::string_view text);

// Parses with the named format, or auto-detects for "auto" or "".
ParseResult Parse(std::string_view text, std::string_view format_name);

// Google Benchmark JSON, library versions 1.5 to 1.9.
bool LooksLikeGoogleBenchmarkJson(std::string_view text);
ParseResult ParseGoogleBenchmarkJson(std::string_view text);

}  // namespace perfgate::parse
