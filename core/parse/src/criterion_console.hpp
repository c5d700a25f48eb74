#pragma once
// criterion's console output, read by the "criterion" format (criterion.cpp)
// beside its JSON files. Private to core/parse.

#include <string_view>

#include "perfgate/parse/parse.hpp"

namespace perfgate::parse {

// True when a line reads "NAME  time:   [<low> <unit> <estimate> <unit> <high> <unit>]".
bool LooksLikeCriterionConsole(std::string_view text);

// Each benchmark's "time:" line gives "real_time" aggregates mean_lower_bound,
// mean and mean_upper_bound (ns); a "thrpt:" line the same of "bytes_per_second"
// (B/s) or "items_per_second" (/s, from elem/s), higher is better.
ParseResult ParseCriterionConsole(std::string_view text);

}  // namespace perfgate::parse
