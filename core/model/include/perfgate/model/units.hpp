#pragma once
// Units and quantities: converting a harness's unit to perfgate's canonical one,
// and parsing user-written quantities such as "50ms", "100MB/s", "5%".

#include <optional>
#include <string>
#include <string_view>

#include "perfgate/model/results.hpp"

namespace perfgate::model {

// A value in a canonical unit: "ns", "B", "/s", "B/s", "%" or "" (a plain number).
struct Quantity {
  double value = 0;
  std::string unit;
};

// Multiplier that turns a value in a time unit into nanoseconds. Accepts "ns",
// "us", "µs", "μs", "ms", "s", "min", "h". Absent for an unknown unit.
std::optional<double> NanosecondsPer(std::string_view time_unit);

// Parses a user-written quantity: a number followed by an optional unit.
// Times (ns, us, µs, ms, s) become "ns"; sizes (B, KB, MB, GB, TB decimal; KiB,
// MiB, GiB, TiB binary) become "B"; rates ("/s", "ops/s", "MB/s", "GiB/s") become
// "/s" or "B/s"; "5%" becomes {5, "%"}. Absent when the text is not a number with
// a known unit.
std::optional<Quantity> ParseQuantity(std::string_view text);

// The direction a metric has unless configured: rates ("/s", "*_per_second",
// ops, throughput) are higher-is-better, everything else lower-is-better.
Direction DefaultDirection(std::string_view metric_name, std::string_view unit);

// Human formatting in the largest unit that keeps the value >= 1:
// 1532.0 "ns" -> "1.53 us"; 2.5e9 "B/s" -> "2.50 GB/s".
std::string FormatQuantity(double value, std::string_view unit);

}  // namespace perfgate::model
