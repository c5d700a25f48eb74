// Catch2 benchmark results, from either reporter:
// - XML (`-r xml`): <BenchmarkResults name=...> holding <mean value lowerBound
//   upperBound/> and <standardDeviation .../> in nanoseconds, or <failed message/>.
// - console: a table whose rows take three lines (name, samples, iterations,
//   estimated / mean, low mean, high mean / std dev, low, high), values with units;
//   long names wrap onto extra lines before the row, or continue in the name
//   column beside the mean and std dev.
// Catch2 keeps no raw samples in either, so every value is an aggregate.

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

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

std::string DecodeEntities(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '&') {
      out += value[i];
      continue;
    }
    std::size_t semicolon = value.find(';', i);
    if (semicolon == std::string_view::npos) {
      out += value[i];
      continue;
    }
    std::string_view entity = value.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (!entity.empty() && entity[0] == '#') {
      bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
      auto code = text::ParseNumber(entity.substr(hex ? 2 : 1));
      unsigned long point = 0;
      if (hex) point = std::strtoul(std::string(entity.substr(2)).c_str(), nullptr, 16);
      else if (code) point = static_cast<unsigned long>(*code);
      // Encode the code point as UTF-8.
      if (point < 0x80) {
        out += static_cast<char>(point);
      } else if (point < 0x800) {
        out += static_cast<char>(0xC0 | (point >> 6));
        out += static_cast<char>(0x80 | (point & 0x3F));
      } else if (point < 0x10000) {
        out += static_cast<char>(0xE0 | (point >> 12));
        out += static_cast<char>(0x80 | ((point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (point & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | ((point >> 18) & 0x07));
        out += static_cast<char>(0x80 | ((point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (point & 0x3F));
      }
    } else {
      out.append(value.substr(i, semicolon - i + 1));
    }
    i = semicolon;
  }
  return out;
}

// One start tag: its name, attributes, where it ends and whether it closed itself.
struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::size_t begin = 0;
  std::size_t end = 0;  // just past '>'
  bool closing = false;       // </name>
  bool self_closing = false;  // <name/>

  const std::string* Attribute(std::string_view key) const {
    for (const auto& [attribute, value] : attributes) {
      if (attribute == key) return &value;
    }
    return nullptr;
  }
};

// Reads the tag starting at text[at] == '<'. Quoted attribute values may hold a
// raw '>' (Catch2 escapes only '<', '&' and '"'). Absent when truncated.
std::optional<Tag> ReadTag(std::string_view text, std::size_t at) {
  Tag tag;
  tag.begin = at;
  std::size_t i = at + 1;
  if (i < text.size() && text[i] == '/') {
    tag.closing = true;
    ++i;
  }
  std::size_t name_end = text.find_first_of(" \t\r\n/>", i);
  if (name_end == std::string_view::npos) return std::nullopt;
  tag.name = std::string(text.substr(i, name_end - i));
  i = name_end;
  while (i < text.size()) {
    char c = text[i];
    if (c == '>') {
      tag.end = i + 1;
      return tag;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '>') {
      tag.self_closing = true;
      tag.end = i + 2;
      return tag;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    std::size_t equals = text.find('=', i);
    if (equals == std::string_view::npos || equals + 1 >= text.size() || text[equals + 1] != '"') return std::nullopt;
    std::size_t close = text.find('"', equals + 2);
    if (close == std::string_view::npos) return std::nullopt;
    tag.attributes.emplace_back(std::string(text::Trim(text.substr(i, equals - i))),
                                DecodeEntities(text.substr(equals + 2, close - equals - 2)));
    i = close + 1;
  }
  return std::nullopt;
}

ParseResult ParseXml(std::string_view text) {
  model::Report report;
  report.format = "catch2";
  auto where = [&](std::size_t offset, const std::string& path) {
    return "line " + std::to_string(json_text::LineOf(text, offset)) + ", " + path;
  };
  std::size_t at = 0;
  std::size_t index = 0;
  model::Benchmark* current = nullptr;
  std::string current_path;
  std::size_t current_offset = 0;
  bool current_has_result = false;
  while ((at = text.find('<', at)) != std::string_view::npos) {
    if (text.substr(at, 4) == "<!--") {
      std::size_t close = text.find("-->", at);
      if (close == std::string_view::npos) break;
      at = close + 3;
      continue;
    }
    if (text.substr(at, 2) == "<?") {
      at += 2;
      continue;
    }
    auto tag = ReadTag(text, at);
    if (!tag) {
      return tl::unexpected(ParseError{where(at, "tag"), "unterminated XML tag (the file is truncated?)"});
    }
    at = tag->end;
    if (tag->name == "Catch" || tag->name == "Catch2TestRun") {
      if (const std::string* version = tag->Attribute("catch2-version")) report.context["catch2_version"] = *version;
      if (const std::string* name = tag->Attribute("name"); name && !tag->closing) report.context["executable"] = *name;
      continue;
    }
    if (tag->name == "BenchmarkResults") {
      if (tag->closing) {
        if (current != nullptr && !current_has_result) {
          return tl::unexpected(ParseError{where(current_offset, current_path),
                                           "has neither <mean> nor <failed> (the file is truncated?)"});
        }
        current = nullptr;
        continue;
      }
      current_path = "BenchmarkResults[" + std::to_string(index++) + "]";
      const std::string* name = tag->Attribute("name");
      if (name == nullptr || name->empty()) {
        return tl::unexpected(ParseError{where(at, current_path + ".name"), "missing (a name is required)"});
      }
      if (report.FindBenchmark(*name) != nullptr) {
        return tl::unexpected(ParseError{where(tag->begin, current_path), "benchmark '" + *name + "' appears twice"});
      }
      current = &report.BenchmarkNamed(*name);
      current_offset = tag->begin;
      current_has_result = false;
      if (tag->self_closing) {
        return tl::unexpected(ParseError{where(tag->begin, current_path), "has neither <mean> nor <failed>"});
      }
      continue;
    }
    if (current == nullptr || tag->closing) continue;
    if (tag->name == "failed") {
      const std::string* message = tag->Attribute("message");
      current->error = message != nullptr && !message->empty() ? *message : "failed";
      current_has_result = true;
      continue;
    }
    if (tag->name != "mean" && tag->name != "standardDeviation") continue;
    std::string prefix = tag->name == "mean" ? "mean" : "stddev";
    constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kAttributes{
        {{"value", ""}, {"lowerBound", "_lower_bound"}, {"upperBound", "_upper_bound"}}};
    for (const auto& [attribute, suffix] : kAttributes) {
      std::string path = current_path + "." + tag->name + "." + std::string(attribute);
      const std::string* value = tag->Attribute(attribute);
      if (value == nullptr) {
        if (attribute == "value") return tl::unexpected(ParseError{where(tag->begin, path), "missing"});
        continue;
      }
      auto number = text::ParseNumber(*value);
      if (!number) {
        return tl::unexpected(ParseError{where(tag->begin, path), "'" + *value + "' is not a number"});
      }
      RealTime(*current).aggregates[prefix + std::string(suffix)] = *number;
    }
    if (tag->name == "mean") current_has_result = true;
  }
  if (current != nullptr) {
    return tl::unexpected(ParseError{where(current_offset, current_path),
                                     "<BenchmarkResults> is never closed (the file is truncated?)"});
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

bool IsHeader(std::string_view line) {
  std::string_view trimmed = text::Trim(line);
  return text::StartsWith(trimmed, "benchmark name") && trimmed.find("samples") != std::string_view::npos &&
         trimmed.find("iterations") != std::string_view::npos;
}

ParseResult ParseConsole(std::string_view text) {
  model::Report report;
  report.format = "catch2";
  enum class State { kOutside, kHeader, kRows, kMean, kStddev } state = State::kOutside;
  std::string pending_name;
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
          pending_name.clear();
        }
        continue;
      case State::kRows: {
        if (trimmed.empty()) {
          pending_name.clear();
          continue;
        }
        if (IsRule(content, '-') || IsRule(content, '=') || IsRule(content, '~') || IsRule(content, '.')) {
          state = State::kOutside;
          continue;
        }
        if (std::size_t failed = content.find("Benchmark failed ("); failed != std::string_view::npos) {
          std::string name = pending_name;
          std::string_view own = text::Trim(content.substr(0, failed));
          if (!own.empty()) name += (name.empty() ? "" : " ") + std::string(own);
          if (auto started = start_benchmark(name, line.number); !started) return tl::unexpected(started.error());
          std::string_view message = content.substr(failed + 18);
          std::size_t close = message.rfind(')');
          current->error = std::string(message.substr(0, close));
          current = nullptr;
          pending_name.clear();
          continue;
        }
        if (auto name_end = RowNameEnd(content)) {
          std::string name = pending_name;
          std::string_view own = text::Trim(content.substr(0, *name_end));
          if (!own.empty()) name += (name.empty() ? "" : " ") + std::string(own);
          if (auto started = start_benchmark(name, line.number); !started) return tl::unexpected(started.error());
          pending_name.clear();
          state = State::kMean;
          continue;
        }
        // A long name wraps onto lines of its own before its row.
        pending_name += (pending_name.empty() ? "" : " ") + std::string(trimmed);
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
