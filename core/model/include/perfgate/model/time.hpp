#pragma once
// ISO 8601 timestamps, as commands take them (--time) and the HTTP API and
// reports write them. Pure arithmetic: no clock, no time zone database.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perfgate::model {

// Seconds since the Unix epoch for "2024-01-05T10:00:00Z", "2024-01-05T10:00:00+02:00",
// "2024-01-05T10:00:00.123Z" (fraction dropped), "2024-01-05 10:00:00Z" or
// "2024-01-05" (midnight UTC); a time without a zone is UTC. Absent when malformed
// or out of range (years 1970-9999).
std::optional<std::int64_t> ParseIsoTime(std::string_view text);

// "2024-01-05T10:00:00Z" for seconds since the epoch.
std::string FormatIsoTime(std::int64_t seconds);

}  // namespace perfgate::model
