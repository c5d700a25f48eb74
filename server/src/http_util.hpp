#pragma once
// Small HTTP helpers with no dependency on cpp-httplib: percent-decoding of raw
// targets and the JSON error body of DESIGN.md.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace perfgate::server {

// Decodes %XX escapes; with `plus_is_space` (query strings) '+' becomes ' '.
// Absent when a '%' is not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// The raw request target split into its path and query ("/a/b?x=1" -> "/a/b", "x=1").
struct Target {
  std::string_view path;
  std::string_view query;
};
Target SplitTarget(std::string_view target);

// Splits the raw (still encoded) path on '/' and decodes each segment, so an
// encoded slash ("%2F") stays inside its segment. Empty segments are dropped
// except that a trailing '/' is kept as a final "" (so "/a/" differs from "/a").
// Absent when a segment is malformed.
std::optional<std::vector<std::string>> DecodePathSegments(std::string_view raw_path);

// Parses "a=1&b=x%20y" (the last value wins for a repeated key). Absent when a
// key or value is malformed; `bad_key` then names it.
std::optional<std::map<std::string, std::string>> ParseQuery(std::string_view query, std::string* bad_key);

// {"error":{"code":code,"message":message[,"where":where]}}
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view where = {});

// Serialises JSON for the wire; invalid UTF-8 in strings is replaced, never thrown.
std::string Dump(const nlohmann::json& value);

// Escapes a string for a Prometheus label value or a JSON log field.
std::string EscapeLabel(std::string_view text);

}  // namespace perfgate::server
