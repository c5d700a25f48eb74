// libFuzzer target: perfgate.json (core/config ParseConfig), which the server
// reads from request bodies (POST .../check). Never throws, never crashes; a
// refusal always says where and why.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "perfgate/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = perfgate::config::ParseConfig(text);
  if (!config && config.error().reason.empty()) __builtin_trap();
  return 0;
}
