#pragma once
// A single pass over raw JSON text, for readers that build their results straight
// from the text instead of from a DOM (gbench.cpp's fast reader). It accepts what
// json_text::ParseLenient accepts, and reads values as ParseLenient's document
// holds them: strings decoded (escapes, surrogate pairs), bare NaN / Infinity /
// -Infinity tokens as the strings "NaN", "Infinity", "-Infinity" (ParseLenient
// quotes them), numbers as the doubles nlohmann makes of them. It says only
// *whether* text is well formed, never why: on false a reader hands the text to
// its DOM reader, whose message names the line and field.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::parse::json_scan {

// One value as scanned.
struct Value {
  enum class Type : std::uint8_t { kString, kNumber, kBool, kNull, kNested };
  Type type = Type::kNull;
  // kString: the decoded text (into the input, or into the caller's storage when
  // the string had escapes); kNumber: the token as written; kNested: empty.
  std::string_view text;
  bool flag = false;  // kBool's value
};

// The double nlohmann's DOM holds for a number token the scanner accepted: an
// integer that fits std::int64_t / std::uint64_t converted from it ("-0" is +0),
// anything else read as a double. Absent when the token is out of a double's
// range (1e400, and 1e-400 too, which nlohmann reads as 0: the caller declines).
std::optional<double> NumberOf(std::string_view token);

// A value's number as json_text::Number reads it: a number, or one of the strings
// "NaN", "Infinity", "-Infinity". Absent for anything else.
std::optional<double> NumberOf(const Value& value);

// nlohmann::json's dump() of the number token (what a DOM reader stores for a
// number in free text: "2", "2500.0", "18446744073709551615").
std::string DumpNumber(std::string_view token);

class Scanner {
 public:
  explicit Scanner(std::string_view text) : pos_(text.data()), end_(text.data() + text.size()) {}

  // Peek, Consume, String, Read and SkipPlain run for every field a reader
  // reads: they are always inlined into its loops (GCC leaves them calls
  // otherwise, some 5 % of the instructions of a large file's parse).

  // The next byte that is not JSON whitespace, without taking it; '\0' at the end.
  [[gnu::always_inline]] char Peek() {
    // Every byte that matters is above the space, and is preceded by one space
    // at most in the files most often read.
    if (pos_ != end_ && *pos_ == ' ') ++pos_;
    if (pos_ != end_ && static_cast<unsigned char>(*pos_) > ' ') return *pos_;
    while (pos_ != end_ && (*pos_ == ' ' || *pos_ == '\n' || *pos_ == '\r' || *pos_ == '\t')) ++pos_;
    return pos_ == end_ ? '\0' : *pos_;
  }
  // Takes `c` when it is the next byte that is not whitespace.
  [[gnu::always_inline]] bool Consume(char c) {
    if (pos_ != end_ && *pos_ == c) {
      ++pos_;
      return true;
    }
    if (Peek() != c || pos_ == end_) return false;
    ++pos_;
    return true;
  }
  // True when only whitespace is left.
  bool AtEnd() {
    Peek();
    return pos_ == end_;
  }

  // Reads the string at the cursor (after whitespace). `out` views the input, or
  // `storage` when the string had escapes. False for a malformed string:
  // unescaped control characters, bad escapes, lone surrogates, ill-formed UTF-8.
  [[gnu::always_inline]] bool String(std::string_view& out, std::string& storage) {
    if (Peek() != '"') return false;
    const char* start = pos_ + 1;
    const char* p = SkipPlain(start);
    if (p != end_ && *p == '"') {
      out = std::string_view(start, static_cast<std::size_t>(p - start));
      pos_ = p + 1;
      return true;
    }
    return StringRest(start, p, out, storage);
  }
  // Reads the value at the cursor: scalars into `out`; an object or array is
  // checked and skipped (kNested).
  [[gnu::always_inline]] bool Read(Value& out, std::string& storage) {
    out.flag = false;
    char c = Peek();
    if (c == '"') {
      out.type = Value::Type::kString;
      return String(out.text, storage);
    }
    if ((c >= '0' && c <= '9') || (c == '-' && !(end_ - pos_ > 1 && pos_[1] == 'I'))) {
      out.type = Value::Type::kNumber;
      return Number(out.text);
    }
    return ReadOther(out);
  }
  // Checks and skips the value at the cursor.
  bool Skip();

 private:
  // The end of the run of printable ASCII other than '"' and '\\' at `p`,
  // eight bytes at a time.
  [[gnu::always_inline]] const char* SkipPlain(const char* p) const {
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
    while (end_ - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      // A high bit in `special` for a byte of `word` below 0x20, '"', '\\' or 0x80
      // and above (borrows may set more above the first; the loop below finds it).
      std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
      std::uint64_t special =
          ((((word - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~word) | word) & kHigh;
      if (special != 0) {
        // The lowest flagged byte is a real one: borrows only flag bytes above it.
        if constexpr (std::endian::native == std::endian::little) return p + std::countr_zero(special) / 8;
        break;
      }
      p += 8;
    }
    while (p != end_ && IsPlain(*p)) ++p;
    return p;
  }
  static bool IsPlain(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x80 && c != '"' && c != '\\';
  }
  bool StringRest(const char* start, const char* p, std::string_view& out, std::string& storage);
  bool Number(std::string_view& token);
  bool ReadOther(Value& out);
  bool Literal(std::string_view word);

  const char* pos_;
  const char* end_;
  std::string scratch_;  // keys of skipped objects
  std::string stack_;    // closing brackets of the values being skipped
};

}  // namespace perfgate::parse::json_scan
