#pragma once
// ParseLenient, made total: nlohmann throws out_of_range (not parse_error) for a
// number too large for a double ("1e400"), which ParseLenient lets escape. The
// adapters in this directory parse through here so that bad input never throws.

#include <string>
#include <string_view>

#include "perfgate/parse/json_text.hpp"

namespace perfgate::parse::json_text {

inline tl::expected<nlohmann::json, ParseError> ParseDocument(std::string_view text) {
  try {
    return ParseLenient(text);
  } catch (const nlohmann::json::exception& error) {
    std::string reason = error.what();
    if (auto colon = reason.find("] "); colon != std::string::npos) reason = reason.substr(colon + 2);
    // "number overflow parsing '1e400'": name the line of that token when it is found.
    std::string where;
    if (auto open = reason.find('\''), close = reason.rfind('\'');
        open != std::string::npos && close > open + 1) {
      auto at = text.find(std::string_view(reason).substr(open + 1, close - open - 1));
      if (at != std::string_view::npos) where = "line " + std::to_string(LineOf(text, at));
    }
    return tl::unexpected(ParseError{where, "invalid JSON: " + reason});
  }
}

}  // namespace perfgate::parse::json_text
