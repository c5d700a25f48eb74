#include "perfgate/parse/json_text.hpp"

#include <string.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfgate::parse::json_text {

std::size_t LineOf(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

namespace {

// Quotes bare NaN / Infinity / -Infinity tokens outside strings so a strict JSON
// parser accepts them. Adds no newline, so line numbers stay those of the input.
std::string QuoteNonFiniteTokens(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
      continue;
    }
    bool replaced = false;
    for (std::string_view token : {std::string_view("-Infinity"), std::string_view("Infinity"),
                                   std::string_view("NaN")}) {
      if (text.substr(i, token.size()) == token) {
        out += '"';
        out += token;
        out += '"';
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

ParseError SyntaxError(std::string_view text, const nlohmann::json::parse_error& error) {
  // nlohmann's byte is 1-based and points just past the offending character.
  std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
  offset = std::min(offset, text.size());
  std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::string reason = error.what();
  // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: " prefix.
  if (auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  if (offset >= text.size()) reason = "unexpected end of input (the file is truncated?): " + reason;
  return ParseError{"line " + std::to_string(LineOf(text, offset)) + ", column " +
                        std::to_string(offset - line_start + 1),
                    "invalid JSON: " + reason};
}

}  // namespace

tl::expected<nlohmann::json, ParseError> ParseLenient(std::string_view text) { return ParseLenient(text, nullptr); }

tl::expected<nlohmann::json, ParseError> ParseLenient(std::string_view text,
                                                      const nlohmann::json::parser_callback_t& callback) {
  std::string quoted;
  std::string_view input = text;
  if (MayHoldNonFiniteTokens(text)) {
    quoted = QuoteNonFiniteTokens(text);
    input = quoted;
  }
  try {
    return nlohmann::json::parse(input.begin(), input.end(), callback);
  } catch (const nlohmann::json::parse_error& error) {
    return tl::unexpected(SyntaxError(input, error));
  } catch (const nlohmann::json::exception& error) {
    // out_of_range for a number too large for a double ("1e400"): name the
    // line of the offending token when the message quotes it.
    std::string reason = error.what();
    if (auto bracket = reason.find("] "); bracket != std::string::npos) reason = reason.substr(bracket + 2);
    std::string where;
    auto open = reason.find('\''), close = reason.rfind('\'');
    if (open != std::string::npos && close > open + 1) {
      auto at = text.find(std::string_view(reason).substr(open + 1, close - open - 1));
      if (at != std::string_view::npos) where = "line " + std::to_string(LineOf(text, at));
    }
    return tl::unexpected(ParseError{where, "invalid JSON: " + reason});
  }
}

bool MayHoldNonFiniteTokens(std::string_view text) {
  return text.find("NaN") != std::string_view::npos || text.find("Infinity") != std::string_view::npos;
}

bool Contains(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  return memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

Glance::Glance(std::string_view text) : text_(text) {
  pos_ = std::min(text.find_first_not_of(" \t\r\n\xEF\xBB\xBF"), text.size());
}

char Glance::Peek() {
  while (pos_ < text_.size() && std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos) ++pos_;
  return pos_ < text_.size() ? text_[pos_] : '\0';
}

bool Glance::Enter() {
  if (Peek() != '{' && Peek() != '[') return false;
  ++pos_;
  return true;
}

std::optional<std::string_view> Glance::Key() {
  if (Peek() != '"') return std::nullopt;
  auto key = Skip();
  if (!key || Peek() != ':') return std::nullopt;
  ++pos_;
  return key->substr(1, key->size() - 2);
}

std::optional<std::string_view> Glance::Skip() {
  Peek();
  std::size_t start = pos_, depth = 0;
  auto value = [&] { return text_.substr(start, pos_ - start); };
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '"') {
      for (++pos_; pos_ < text_.size() && text_[pos_] != '"'; ++pos_) {
        if (text_[pos_] == '\\') ++pos_;
      }
      if (pos_ >= text_.size()) return std::nullopt;
      ++pos_;
      if (depth == 0) return value();
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) break;  // the end of the enclosing value ends a scalar
      ++pos_;
      if (--depth == 0) return value();
      continue;
    } else if (depth == 0 && std::string_view(", \t\r\n").find(c) != std::string_view::npos) {
      break;
    }
    ++pos_;
  }
  if (depth != 0 || pos_ == start) return std::nullopt;
  return value();
}

bool Glance::Next() {
  if (Peek() != ',') return false;
  ++pos_;
  return true;
}

bool StartsLikeJson(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

std::optional<double> Number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

std::string_view TypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::binary: return "binary data";
    case nlohmann::json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

namespace {
std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}
}  // namespace

tl::expected<std::optional<double>, ParseError> OptionalNumber(const nlohmann::json& object,
                                                               std::string_view key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<double>();
  if (auto number = Number(*it)) return number;
  return tl::unexpected(ParseError{Join(path, key), "expected a number, got " + std::string(TypeName(*it))});
}

tl::expected<double, ParseError> RequireNumber(const nlohmann::json& object, std::string_view key,
                                              const std::string& path) {
  auto number = OptionalNumber(object, key, path);
  if (!number) return tl::unexpected(number.error());
  if (!*number) return tl::unexpected(ParseError{Join(path, key), "missing (a number is required)"});
  return **number;
}

tl::expected<std::optional<std::string>, ParseError> OptionalString(const nlohmann::json& object,
                                                                    std::string_view key,
                                                                    const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<std::string>();
  if (!it->is_string()) {
    return tl::unexpected(ParseError{Join(path, key), "expected a string, got " + std::string(TypeName(*it))});
  }
  return it->get<std::string>();
}

tl::expected<std::string, ParseError> RequireString(const nlohmann::json& object, std::string_view key,
                                                    const std::string& path) {
  auto text = OptionalString(object, key, path);
  if (!text) return tl::unexpected(text.error());
  if (!*text) return tl::unexpected(ParseError{Join(path, key), "missing (a string is required)"});
  return **text;
}

}  // namespace perfgate::parse::json_text

namespace perfgate::parse::json_text {

namespace {

// A forward-only scanner over raw JSON text that can skip values and descend into
// members, so an error can be located without keeping positions in the DOM.
class PathScanner {
 public:
  explicit PathScanner(std::string_view text) : text_(text) {}

  std::optional<std::size_t> Locate(std::string_view path) {
    SkipSpace();
    while (!path.empty()) {
      if (path.front() == '.') path.remove_prefix(1);
      if (path.front() == '[') {
        auto close = path.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        std::size_t index = 0;
        for (char digit : path.substr(1, close - 1)) {
          if (digit < '0' || digit > '9') return std::nullopt;
          index = index * 10 + static_cast<std::size_t>(digit - '0');
        }
        if (!EnterElement(index)) return std::nullopt;
        path.remove_prefix(close + 1);
      } else {
        auto end = path.find_first_of(".[");
        std::string_view key = path.substr(0, end);
        if (!EnterMember(key)) return std::nullopt;
        path.remove_prefix(end == std::string_view::npos ? path.size() : end);
      }
    }
    return pos_;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\n' || Peek() == '\r' || Peek() == '\t')) ++pos_;
  }
  // Skips a string starting at the opening quote; returns its raw contents.
  std::optional<std::string_view> SkipString() {
    std::size_t start = ++pos_;
    while (!AtEnd() && Peek() != '"') pos_ += Peek() == '\\' ? 2 : 1;
    if (AtEnd()) return std::nullopt;
    return text_.substr(start, pos_++ - start);
  }
  bool SkipValue() {
    SkipSpace();
    char c = Peek();
    if (c == '"') return SkipString().has_value();
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++pos_;
      SkipSpace();
      if (Peek() == close) return ++pos_, true;
      while (!AtEnd()) {
        if (c == '{') {
          SkipSpace();
          if (Peek() != '"' || !SkipString()) return false;
          SkipSpace();
          if (Peek() != ':') return false;
          ++pos_;
        }
        if (!SkipValue()) return false;
        SkipSpace();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        if (Peek() == close) return ++pos_, true;
        return false;
      }
      return false;
    }
    std::size_t start = pos_;
    while (!AtEnd() && std::string_view(",}] \n\r\t").find(Peek()) == std::string_view::npos) ++pos_;
    return pos_ > start;
  }
  bool EnterMember(std::string_view key) {
    SkipSpace();
    if (Peek() != '{') return false;
    ++pos_;
    while (true) {
      SkipSpace();
      if (Peek() != '"') return false;
      auto name = SkipString();
      SkipSpace();
      if (!name || Peek() != ':') return false;
      ++pos_;
      SkipSpace();
      if (*name == key) return true;
      if (!SkipValue()) return false;
      SkipSpace();
      if (Peek() != ',') return false;
      ++pos_;
    }
  }
  bool EnterElement(std::size_t index) {
    SkipSpace();
    if (Peek() != '[') return false;
    ++pos_;
    for (std::size_t i = 0;; ++i) {
      SkipSpace();
      if (i == index) return Peek() != ']' && !AtEnd();
      if (!SkipValue()) return false;
      SkipSpace();
      if (Peek() != ',') return false;
      ++pos_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::size_t> LineOfPath(std::string_view text, std::string_view path) {
  auto offset = PathScanner(text).Locate(path);
  if (!offset) return std::nullopt;
  return LineOf(text, *offset);
}

ParseError ErrorAt(std::string_view text, const std::string& path, std::string reason) {
  // A missing member has no line of its own: name the line of its parent instead.
  std::optional<std::size_t> line;
  for (std::string_view prefix = path; !line; ) {
    line = LineOfPath(text, prefix);
    auto cut = prefix.find_last_of(".[");
    if (line || cut == std::string_view::npos) break;
    prefix = prefix.substr(0, cut);
  }
  return ParseError{line ? "line " + std::to_string(*line) + ", " + path : path, std::move(reason)};
}

ParseError WithLine(std::string_view text, ParseError error) {
  return ErrorAt(text, error.where, std::move(error.reason));
}

}  // namespace perfgate::parse::json_text
