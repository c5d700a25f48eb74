// Catch2 benchmark results, from either reporter:
// - XML (`-r xml`, read with expat): <BenchmarkResults name=...> holding <mean value lowerBound
//   upperBound/> and <standardDeviation .../> in nanoseconds, or <failed message/>.
// - console: a table whose rows take three lines (name, samples, iterations,
//   estimated / mean, low mean, high mean / std dev, low, high), values with units;
//   long names wrap onto extra lines before the row (Catch2 2.13 and 3.x print
//   them so), or continue in the name column beside the mean and std dev.
// Catch2 keeps no raw samples in either, so every value is an aggregate.

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <string>
#include <vector>

#include <expat.h>

#include "perfgate/model/units.hpp"
#include "perfgate/parse/json_text.hpp"
#include "perfgate/parse/parse.hpp"
#include "text_lines.hpp"

namespace perfgate::parse {

namespace {

model::Metric& RealTime(model::Benchmark& benchmark) {
  return model::MetricNamed(benchmark, "real_time", "ns", model::Direction::kLowerIsBetter);
}

ParseError NoResults() {
  return ParseError{"", "no benchmark results: the file has no Catch2 BENCHMARK output"};
}

// ---- XML ----------------------------------------------------------------------
// Read with expat, so entities, character references, CDATA and the declared
// encoding (UTF-8, UTF-16, ISO-8859-1, US-ASCII) are handled as XML defines them.

// One start or end tag, with the line it starts on.
struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::size_t line = 0;
  bool closing = false;  // an end tag (or the end of an empty element)

  const std::string* Attribute(std::string_view key) const {
    for (const auto& [attribute, value] : attributes) {
      if (attribute == key) return &value;
    }
    return nullptr;
  }
};

struct XmlReader {
  XML_Parser parser = nullptr;
  std::vector<Tag> tags;
};

void OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* reader = static_cast<XmlReader*>(data);
  Tag tag;
  tag.name = name;
  tag.line = static_cast<std::size_t>(XML_GetCurrentLineNumber(reader->parser));
  for (std::size_t i = 0; attributes[i] != nullptr; i += 2) tag.attributes.emplace_back(attributes[i], attributes[i + 1]);
  reader->tags.push_back(std::move(tag));
}

void OnEnd(void* data, const XML_Char* name) {
  auto* reader = static_cast<XmlReader*>(data);
  Tag tag;
  tag.name = name;
  tag.line = static_cast<std::size_t>(XML_GetCurrentLineNumber(reader->parser));
  tag.closing = true;
  reader->tags.push_back(std::move(tag));
}

// Every tag of the document, or where and why expat refused it.
tl::expected<std::vector<Tag>, ParseError> ReadTags(std::string_view text) {
  XmlReader reader;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                                        &XML_ParserFree);
  if (!parser) throw std::bad_alloc();
  reader.parser = parser.get();
  XML_SetUserData(parser.get(), &reader);
  XML_SetElementHandler(parser.get(), &OnStart, &OnEnd);
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  std::size_t offset = 0;
  bool ok = true;
  do {
    std::size_t size = std::min(kChunk, text.size() - offset);
    bool last = offset + size == text.size();
    ok = XML_Parse(parser.get(), text.data() + offset, static_cast<int>(size), last ? 1 : 0) == XML_STATUS_OK;
    offset += size;
  } while (ok && offset < text.size());
  if (!ok) {
    XML_Error code = XML_GetErrorCode(parser.get());
    std::string reason = std::string("XML: ") + XML_ErrorString(code);
    if (code == XML_ERROR_NO_ELEMENTS || code == XML_ERROR_UNCLOSED_TOKEN || code == XML_ERROR_PARTIAL_CHAR ||
        code == XML_ERROR_UNCLOSED_CDATA_SECTION) {
      reason += " (the file is truncated?)";
    }
    return tl::unexpected(ParseError{
        "line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
            std::to_string(XML_GetCurrentColumnNumber(parser.get()) + 1),
        reason});
  }
  return std::move(reader.tags);
}

ParseResult ParseXml(std::string_view text) {
  auto tags = ReadTags(text);
  if (!tags) return tl::unexpected(tags.error());
  model::Results report;
  report.format = "catch2";
  auto where = [&](std::size_t line, const std::string& path) { return "line " + std::to_string(line) + ", " + path; };
  std::size_t index = 0;
  model::Benchmark* current = nullptr;
  std::string current_path;
  std::size_t current_line = 0;
  bool current_has_result = false;
  for (const Tag& tag : *tags) {
    if (tag.name == "Catch" || tag.name == "Catch2TestRun") {
      if (const std::string* version = tag.Attribute("catch2-version")) report.context["catch2_version"] = *version;
      if (const std::string* name = tag.Attribute("name"); name && !tag.closing) report.context["executable"] = *name;
      continue;
    }
    if (tag.name == "BenchmarkResults") {
      if (tag.closing) {
        if (current != nullptr && !current_has_result) {
          return tl::unexpected(ParseError{where(current_line, current_path), "has neither <mean> nor <failed>"});
        }
        current = nullptr;
        continue;
      }
      current_path = "BenchmarkResults[" + std::to_string(index++) + "]";
      const std::string* name = tag.Attribute("name");
      if (name == nullptr || name->empty()) {
        return tl::unexpected(ParseError{where(tag.line, current_path + ".name"), "missing (a name is required)"});
      }
      if (report.FindBenchmark(*name) != nullptr) {
        return tl::unexpected(ParseError{where(tag.line, current_path), "benchmark '" + *name + "' appears twice"});
      }
      current = &report.BenchmarkNamed(*name);
      current_line = tag.line;
      current_has_result = false;
      continue;
    }
    if (current == nullptr || tag.closing) continue;
    if (tag.name == "failed") {
      const std::string* message = tag.Attribute("message");
      current->error = message != nullptr && !message->empty() ? *message : "failed";
      current_has_result = true;
      continue;
    }
    if (tag.name != "mean" && tag.name != "standardDeviation") continue;
    std::string prefix = tag.name == "mean" ? "mean" : "stddev";
    constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kAttributes{
        {{"value", ""}, {"lowerBound", "_lower_bound"}, {"upperBound", "_upper_bound"}}};
    for (const auto& [attribute, suffix] : kAttributes) {
      std::string path = current_path + "." + tag.name + "." + std::string(attribute);
      const std::string* value = tag.Attribute(attribute);
      if (value == nullptr) {
        if (attribute == "value") return tl::unexpected(ParseError{where(tag.line, path), "missing"});
        continue;
      }
      auto number = text::ParseNumber(*value);
      if (!number) {
        return tl::unexpected(ParseError{where(tag.line, path), "'" + *value + "' is not a number"});
      }
      RealTime(*current).aggregates[prefix + std::string(suffix)] = *number;
    }
    if (tag.name == "mean") current_has_result = true;
  }
  if (report.benchmarks.empty()) return tl::unexpected(NoResults());
  return report;
}

// ---- console ------------------------------------------------------------------

std::optional<double> NanosecondsIn(std::string_view unit) {
  if (unit == "m") return 60e9;  // Catch2 prints minutes as "m"
  return model::NanosecondsPer(unit);
}

// "45.3301 ns    40.7186 ns    60.7289 ns" -> three values in ns. When the name
// column of the line is not blank (a wrapped name continuing beside the mean or
// std dev), `name_part` is that text.
struct Durations {
  std::array<double, 3> values{};
  std::string_view name_part;
};

std::optional<Durations> ReadDurations(std::string_view line) {
  auto fields = text::Fields(line);
  if (fields.size() < 6) return std::nullopt;
  std::size_t first = fields.size() - 6;
  Durations durations;
  for (std::size_t i = 0; i < 3; ++i) {
    auto number = text::ParseNumber(fields[first + 2 * i]);
    auto factor = NanosecondsIn(fields[first + 2 * i + 1]);
    if (!number || !factor) return std::nullopt;
    durations.values[i] = *number * *factor;
  }
  if (first > 0) {
    durations.name_part = text::Trim(line.substr(0, static_cast<std::size_t>(fields[first].data() - line.data())));
  }
  return durations;
}

// Where the first row of a benchmark ends its name: the row ends with
// "<samples> <iterations> <estimated> <unit>". Absent when it does not.
std::optional<std::size_t> RowNameEnd(std::string_view line) {
  auto fields = text::Fields(line);
  if (fields.size() < 5) return std::nullopt;
  std::size_t n = fields.size();
  if (!text::ParseNumber(fields[n - 4]) || !text::ParseNumber(fields[n - 3]) ||
      !text::ParseNumber(fields[n - 2]) || !NanosecondsIn(fields[n - 1])) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(fields[n - 4].data() - line.data());
}

bool IsRule(std::string_view line, char c) {
  std::string_view trimmed = text::Trim(line);
  return trimmed.size() >= 20 && trimmed.find_first_not_of(c) == std::string_view::npos;
}

// Catch2's TextFlow breaks a name after one of these, or before "[({<|", or at
// a space; a word with no such place is cut and its line ends with an added "-".
bool IsBreakableAfter(char c) { return std::string_view("])}>.,:;*+-=&/\\").find(c) != std::string_view::npos; }
bool IsBreakableBefore(char c) { return std::string_view("[({<|").find(c) != std::string_view::npos; }

// The name read so far from a wrapped console name, and its last line.
struct WrappedName {
  std::string text;
  std::string last_line;
};

// Joins the next line of a wrapped console name. The name column is `width`
// characters wide (TextFlow's width: the header's "samples" column less 2). A
// line of exactly `width` characters ending in "-" with no break opportunity
// before it is a word cut mid-way: the "-" is Catch2's and the word goes on. A
// break after a separator (`/`, `.`, `:`, `-`, ...) or before `[` / `<` had no
// space; any other break was a space. (Catch2 drops the space it breaks at, so
// "a, b" and "a,b" wrap alike: a comma, semicolon or "(" is taken as spaced.)
void AppendWrapped(WrappedName& name, std::string_view next, std::size_t width) {
  std::string_view line = next;
  if (name.text.empty()) {
    name.text = std::string(line);
    name.last_line = std::string(line);
    return;
  }
  const std::string& last = name.last_line;
  bool cut = false;
  if (width > 1 && last.size() == width && last.back() == '-') {
    cut = true;
    for (std::size_t i = 0; i + 1 < last.size(); ++i) {
      char c = last[i];
      if (c == ' ' || c == '\t' || IsBreakableAfter(c) || (i > 0 && IsBreakableBefore(c))) cut = false;
    }
  }
  if (cut) {
    name.text.pop_back();
  } else {
    char end = last.back();
    bool joined = (IsBreakableAfter(end) && end != ',' && end != ';') || line.front() == '[' || line.front() == '<';
    if (!joined) name.text += ' ';
  }
  name.text += line;
  name.last_line = std::string(line);
}

bool IsHeader(std::string_view line) {
  std::string_view trimmed = text::Trim(line);
  return text::StartsWith(trimmed, "benchmark name") && trimmed.find("samples") != std::string_view::npos &&
         trimmed.find("iterations") != std::string_view::npos;
}

ParseResult ParseConsole(std::string_view text) {
  model::Results report;
  report.format = "catch2";
  enum class State { kOutside, kHeader, kRows, kMean, kStddev } state = State::kOutside;
  WrappedName pending_name;
  std::size_t name_width = 0;  // TextFlow's width of the name column
  model::Benchmark* current = nullptr;
  std::size_t row_line = 0;

  auto start_benchmark = [&](std::string name, std::size_t line_number) -> tl::expected<void, ParseError> {
    if (name.empty()) return tl::unexpected(ParseError{text::LineWhere(line_number), "the benchmark has no name"});
    if (report.FindBenchmark(name) != nullptr) {
      return tl::unexpected(ParseError{text::LineWhere(line_number), "benchmark '" + name + "' appears twice"});
    }
    current = &report.BenchmarkNamed(name);
    row_line = line_number;
    return {};
  };

  for (const text::Line& line : text::SplitLines(text)) {
    std::string_view content = line.text;
    std::string_view trimmed = text::Trim(content);
    if (IsHeader(content)) {
      std::size_t samples = content.find("samples");
      name_width = samples > 2 ? samples - 2 : 0;
      state = State::kHeader;
      continue;
    }
    switch (state) {
      case State::kOutside:
        continue;
      case State::kHeader:
        // The two header continuation lines, then a rule of dashes.
        if (IsRule(content, '-')) {
          state = State::kRows;
          pending_name = {};
        }
        continue;
      case State::kRows: {
        if (trimmed.empty()) {
          pending_name = {};
          continue;
        }
        if (IsRule(content, '-') || IsRule(content, '=') || IsRule(content, '~') || IsRule(content, '.')) {
          state = State::kOutside;
          continue;
        }
        if (std::size_t failed = content.find("Benchmark failed ("); failed != std::string_view::npos) {
          WrappedName wrapped = pending_name;
          std::string_view own = text::Trim(content.substr(0, failed));
          if (!own.empty()) AppendWrapped(wrapped, own, name_width);
          std::string name = wrapped.text;
          if (auto started = start_benchmark(name, line.number); !started) return tl::unexpected(started.error());
          std::string_view message = content.substr(failed + 18);
          std::size_t close = message.rfind(')');
          current->error = std::string(message.substr(0, close));
          current = nullptr;
          pending_name = {};
          continue;
        }
        if (auto name_end = RowNameEnd(content)) {
          WrappedName wrapped = pending_name;
          std::string_view own = text::Trim(content.substr(0, *name_end));
          if (!own.empty()) AppendWrapped(wrapped, own, name_width);
          std::string name = wrapped.text;
          if (auto started = start_benchmark(name, line.number); !started) return tl::unexpected(started.error());
          pending_name = {};
          state = State::kMean;
          continue;
        }
        // A long name wraps onto lines of its own before its row.
        AppendWrapped(pending_name, trimmed, name_width);
        continue;
      }
      case State::kMean:
      case State::kStddev: {
        bool mean = state == State::kMean;
        if (std::size_t failed = content.find("Benchmark failed ("); failed != std::string_view::npos) {
          // Failed after it started measuring: an error is never stored as a time.
          std::string_view message = content.substr(failed + 18);
          current->error = std::string(message.substr(0, message.rfind(')')));
          current->metrics.clear();
          current = nullptr;
          state = State::kRows;
          continue;
        }
        auto values = ReadDurations(content);
        if (!values) {
          return tl::unexpected(ParseError{
              text::LineWhere(line.number),
              std::string("expected the ") + (mean ? "mean, low mean and high mean" : "std dev, low and high std dev") +
                  " of '" + current->name + "' (from line " + std::to_string(row_line) + "), each a number and a unit"});
        }
        if (!values->name_part.empty()) {
          std::string name = current->name + " " + std::string(values->name_part);
          if (report.FindBenchmark(name) != nullptr) {
            return tl::unexpected(ParseError{text::LineWhere(line.number), "benchmark '" + name + "' appears twice"});
          }
          current->name = name;
        }
        std::string prefix = mean ? "mean" : "stddev";
        model::Metric& real_time = RealTime(*current);
        real_time.aggregates[prefix] = values->values[0];
        real_time.aggregates[prefix + "_lower_bound"] = values->values[1];
        real_time.aggregates[prefix + "_upper_bound"] = values->values[2];
        state = mean ? State::kStddev : State::kRows;
        if (!mean) current = nullptr;
        continue;
      }
    }
  }
  if (state == State::kMean || state == State::kStddev) {
    return tl::unexpected(ParseError{text::LineWhere(row_line), "the results of '" + current->name +
                                                                    "' end early (the file is truncated?)"});
  }
  if (report.benchmarks.empty()) return tl::unexpected(NoResults());
  return report;
}

bool LooksLikeXml(std::string_view text) {
  std::string_view head = text.substr(0, 4096);
  std::size_t first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string_view::npos && head[first] == '<' &&
         (head.find("<Catch ") != std::string_view::npos || head.find("<Catch2TestRun") != std::string_view::npos);
}

}  // namespace

bool LooksLikeCatch2(std::string_view text) {
  if (LooksLikeXml(text)) return true;
  for (const text::Line& line : text::SplitLines(text.substr(0, 256 * 1024))) {
    if (IsHeader(line.text)) return true;
  }
  return false;
}

ParseResult ParseCatch2(std::string_view text) { return LooksLikeXml(text) ? ParseXml(text) : ParseConsole(text); }

}  // namespace perfgate::parse
