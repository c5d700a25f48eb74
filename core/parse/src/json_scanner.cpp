#include "json_scanner.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace perfgate::parse::json_scan {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits at `at` (nlohmann takes either case).
bool Hex4(const char* at, const char* end, unsigned& code_point) {
  if (end - at < 4) return false;
  code_point = 0;
  for (int i = 0; i < 4; ++i) {
    int digit = HexValue(at[i]);
    if (digit < 0) return false;
    code_point = code_point * 16 + static_cast<unsigned>(digit);
  }
  return true;
}

// The length of the well-formed UTF-8 sequence starting at `at` (a byte of 0x80
// or more), 0 when it is ill-formed: the ranges of Unicode's table 3-7, which
// nlohmann's lexer checks the same way.
std::size_t Utf8Length(const char* at, const char* end) {
  auto byte = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(at[i]); };
  auto next = [&](std::ptrdiff_t i, unsigned low = 0x80, unsigned high = 0xBF) {
    return end - at > i && byte(i) >= low && byte(i) <= high;
  };
  unsigned lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return next(1) ? 2 : 0;
  if (lead == 0xE0) return next(1, 0xA0) && next(2) ? 3 : 0;
  if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) return next(1) && next(2) ? 3 : 0;
  if (lead == 0xED) return next(1, 0x80, 0x9F) && next(2) ? 3 : 0;
  if (lead == 0xF0) return next(1, 0x90) && next(2) && next(3) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3) return next(1) && next(2) && next(3) ? 4 : 0;
  if (lead == 0xF4) return next(1, 0x80, 0x8F) && next(2) && next(3) ? 4 : 0;
  return 0;
}

void AppendUtf8(std::string& out, unsigned code_point) {
  auto put = [&](unsigned byte) { out += static_cast<char>(byte); };
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xC0 | (code_point >> 6));
    put(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    put(0xE0 | (code_point >> 12));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  } else {
    put(0xF0 | (code_point >> 18));
    put(0x80 | ((code_point >> 12) & 0x3F));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  }
}

bool IsInteger(std::string_view token) {
  for (char c : token) {
    if (c == '.' || c == 'e' || c == 'E') return false;
  }
  return true;
}

template <typename Integer>
std::optional<Integer> IntegerOf(std::string_view token) {
  Integer value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

// The numbers most files hold, in one pass: an integer of at most 18 digits
// (exact in an int64_t / uint64_t, converted as nlohmann converts those), or a
// decimal of at most 15 digits whose exponent, with the digits after the point,
// scales them by at most 10^22 ("100.0", "1.234560e+05"). The digits as an
// integer and the power of ten are then exact doubles, and one correctly
// rounded multiplication or division gives the correctly rounded value
// (Clinger's fast path), as from_chars would. Absent for any other token.
std::optional<double> ShortNumber(std::string_view token) {
  constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = token.data();
  const char* end = p + token.size();
  bool negative = p != end && *p == '-';
  if (negative) ++p;
  std::uint64_t digits = 0;
  int count = 0, fraction = -1;
  for (; p != end && *p != 'e' && *p != 'E'; ++p) {
    if (IsDigit(*p)) {
      digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
      if (fraction >= 0) ++fraction;
      if (++count > 18) return std::nullopt;
    } else if (*p == '.' && fraction < 0) {
      fraction = 0;
    } else {
      return std::nullopt;
    }
  }
  if (count == 0) return std::nullopt;
  if (p == end && fraction < 0) {
    return negative ? static_cast<double>(-static_cast<std::int64_t>(digits)) : static_cast<double>(digits);
  }
  int exponent = 0;
  if (p != end) {
    ++p;  // the 'e'
    bool negative_exponent = p != end && *p == '-';
    if (p != end && (*p == '-' || *p == '+')) ++p;
    if (p == end || end - p > 3) return std::nullopt;
    for (; p != end; ++p) {
      if (!IsDigit(*p)) return std::nullopt;
      exponent = exponent * 10 + (*p - '0');
    }
    if (negative_exponent) exponent = -exponent;
  }
  int scale = exponent - (fraction < 0 ? 0 : fraction);
  if (count > 15 || scale < -22 || scale > 22) return std::nullopt;
  double value =
      scale < 0 ? static_cast<double>(digits) / kPowers[-scale] : static_cast<double>(digits) * kPowers[scale];
  return negative ? -value : value;
}

}  // namespace

std::optional<double> NumberOf(std::string_view token) {
  if (auto value = ShortNumber(token)) return *value;
  // nlohmann reads an integer token as std::int64_t (with a minus) or std::uint64_t,
  // and one too large for those as a double, like any other token.
  if (!token.empty() && IsInteger(token)) {
    if (token.front() == '-') {
      if (auto value = IntegerOf<std::int64_t>(token)) return static_cast<double>(*value);
    } else if (auto value = IntegerOf<std::uint64_t>(token)) {
      return static_cast<double>(*value);
    }
  }
  // from_chars rounds correctly, as strtod (nlohmann's) does, and reports an
  // overflow or underflow as out of range.
  double value = 0;
  auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (error != std::errc() || end != token.data() + token.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> NumberOf(const Value& value) {
  if (value.type == Value::Type::kNumber) return NumberOf(value.text);
  if (value.type != Value::Type::kString) return std::nullopt;
  if (value.text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (value.text == "Infinity") return std::numeric_limits<double>::infinity();
  if (value.text == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

std::string DumpNumber(std::string_view token) {
  if (IsInteger(token)) {
    if (token.front() == '-') {
      if (auto value = IntegerOf<std::int64_t>(token)) return nlohmann::json(*value).dump();
    } else if (auto value = IntegerOf<std::uint64_t>(token)) {
      return nlohmann::json(*value).dump();
    }
  }
  return nlohmann::json(NumberOf(token).value_or(0)).dump();
}

// The string from `p` on, where its plain run ended: at its end, an escape, a
// byte below 0x20 or one of 0x80 and above.
bool Scanner::StringRest(const char* start, const char* p, std::string_view& out, std::string& storage) {
  const char* copied = start;  // the bytes before it are in `storage`
  bool decoded = false;
  while (true) {
    p = SkipPlain(p);
    if (p == end_) return false;
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') break;
    if (c < 0x20) return false;
    if (c >= 0x80) {
      std::size_t length = Utf8Length(p, end_);
      if (length == 0) return false;
      p += length;
      continue;
    }
    // A backslash: from here on the string is decoded into `storage`.
    if (!decoded) storage.clear();
    decoded = true;
    storage.append(copied, p);
    if (end_ - p < 2) return false;
    char escape = p[1];
    p += 2;
    switch (escape) {
      case '"': storage += '"'; break;
      case '\\': storage += '\\'; break;
      case '/': storage += '/'; break;
      case 'b': storage += '\b'; break;
      case 'f': storage += '\f'; break;
      case 'n': storage += '\n'; break;
      case 'r': storage += '\r'; break;
      case 't': storage += '\t'; break;
      case 'u': {
        unsigned code_point = 0;
        if (!Hex4(p, end_, code_point)) return false;
        p += 4;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low one.
          unsigned low = 0;
          if (end_ - p < 6 || p[0] != '\\' || p[1] != 'u' || !Hex4(p + 2, end_, low) || low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
          p += 6;
          code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
        } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
          return false;
        }
        AppendUtf8(storage, code_point);
        break;
      }
      default: return false;
    }
    copied = p;
  }
  if (decoded) {
    storage.append(copied, p);
    out = storage;
  } else {
    out = std::string_view(start, static_cast<std::size_t>(p - start));
  }
  pos_ = p + 1;
  return true;
}

bool Scanner::Number(std::string_view& token) {
  const char* p = pos_;
  if (p != end_ && *p == '-') ++p;
  if (p == end_) return false;
  if (*p == '0') {
    ++p;
  } else if (IsDigit(*p)) {
    while (p != end_ && IsDigit(*p)) ++p;
  } else {
    return false;
  }
  if (p != end_ && *p == '.') {
    ++p;
    if (p == end_ || !IsDigit(*p)) return false;
    while (p != end_ && IsDigit(*p)) ++p;
  }
  bool exponent = p != end_ && (*p == 'e' || *p == 'E');
  if (exponent) {
    ++p;
    if (p != end_ && (*p == '+' || *p == '-')) ++p;
    if (p == end_ || !IsDigit(*p)) return false;
    while (p != end_ && IsDigit(*p)) ++p;
  }
  token = std::string_view(pos_, static_cast<std::size_t>(p - pos_));
  // nlohmann refuses a number a double cannot hold. Without an exponent and
  // under 300 characters a number is below 1e300: only others need reading.
  if ((exponent || token.size() >= 300) && !NumberOf(token)) return false;
  pos_ = p;
  return true;
}

bool Scanner::Literal(std::string_view word) {
  if (static_cast<std::size_t>(end_ - pos_) < word.size() || std::string_view(pos_, word.size()) != word) {
    return false;
  }
  pos_ += word.size();
  return true;
}

// The values Read leaves to this: objects, arrays, literals and bare non-finite tokens.
bool Scanner::ReadOther(Value& out) {
  switch (Peek()) {
    case '{':
    case '[':
      out.type = Value::Type::kNested;
      out.text = {};
      return Skip();
    case 't':
      out.type = Value::Type::kBool;
      out.flag = true;
      return Literal("true");
    case 'f': out.type = Value::Type::kBool; return Literal("false");
    case 'n': out.type = Value::Type::kNull; return Literal("null");
    // Bare non-finite tokens, which ParseLenient turns into strings.
    case 'N':
      out.type = Value::Type::kString;
      out.text = "NaN";
      return Literal(out.text);
    case 'I':
      out.type = Value::Type::kString;
      out.text = "Infinity";
      return Literal(out.text);
    case '-':
      out.type = Value::Type::kString;
      out.text = "-Infinity";
      return Literal(out.text);
    default: return false;
  }
}

bool Scanner::Skip() {
  // Iterative, so deep nesting cannot exhaust the stack: `stack_` holds the
  // closing bracket of every open value.
  stack_.clear();
  Value scalar;
  std::string_view key;
  while (true) {
    char c = Peek();
    if (c == '{' || c == '[') {
      ++pos_;
      char close = c == '{' ? '}' : ']';
      if (Consume(close)) {
        // An empty object or array: a complete value.
      } else {
        stack_ += close;
        if (close == '}' && !(String(key, scratch_) && Consume(':'))) return false;
        continue;
      }
    } else if (!Read(scalar, scratch_)) {
      return false;
    }
    // A value is complete: close what it completes, then find the next one.
    while (true) {
      if (stack_.empty()) return true;
      if (Consume(',')) {
        if (stack_.back() == '}' && !(String(key, scratch_) && Consume(':'))) return false;
        break;
      }
      if (!Consume(stack_.back())) return false;
      stack_.pop_back();
    }
  }
}

}  // namespace perfgate::parse::json_scan
