// libFuzzer target: every adapter, and auto-detection, on arbitrary bytes. The
// server hands uploads straight to these, so no input may crash, hang or trip
// a sanitizer; a ParseError is the only acceptable failure.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "perfgate/parse/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto detected = perfgate::parse::ParseAuto(text);
  if (detected) {
    // A successful parse must describe itself consistently.
    if (detected->format.empty()) __builtin_trap();
  } else if (detected.error().reason.empty()) {
    __builtin_trap();
  }
  for (const perfgate::parse::Format& format : perfgate::parse::Formats()) {
    (void)format.sniff(text);
    auto parsed = format.parse(text);
    if (!parsed && parsed.error().reason.empty()) __builtin_trap();
  }
  return 0;
}
