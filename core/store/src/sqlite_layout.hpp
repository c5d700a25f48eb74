#pragma once
// The two BLOBs of SQLite's results layout (migrations/0003_results_per_benchmark.sql):
//
// - a benchmark's catalog (metric_sets.metrics, shared by benchmarks with the
//   same metrics): its metrics, in the order they were first stored. The first
//   upload fixes a metric's unit and direction, and a metric keeps its
//   position for good, so a result names it by position.
//   Per metric: u8 direction (0 lower, 1 higher is better), name length,
//   name, unit length, unit.
// - one run's results of one benchmark (results.data): per metric measured,
//   its catalog position, sample count and aggregate count, the samples as
//   IEEE-754 doubles in measured order (NaN kept as such), then per aggregate
//   name length, name, double value.
//
// Counts, lengths and positions are unsigned LEB128 varints (one byte below
// 128), so that the common row is mostly its samples. Doubles are
// little-endian, as on every machine perfgate builds for (static_assert
// below). A BLOB that does not decode is reported as a corrupt database, never
// read past its end.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/model/results.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::store::sqlite_layout {

static_assert(std::endian::native == std::endian::little, "the stored BLOBs are little-endian");

namespace detail {

inline void PutVarint(std::string& out, std::size_t value) {
  auto word = static_cast<std::uint32_t>(value);
  do {
    auto low = static_cast<char>(word & 0x7f);
    word >>= 7;
    out.push_back(word != 0 ? static_cast<char>(low | 0x80) : low);
  } while (word != 0);
}

inline void PutText(std::string& out, std::string_view text) {
  PutVarint(out, text.size());
  out.append(text);
}

// Reads a BLOB front to back; any read past its end throws.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool AtEnd() const { return offset_ == bytes_.size(); }
  std::size_t Offset() const { return offset_; }
  std::uint32_t Varint() {
    std::uint32_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 28) throw StoreError("corrupt results BLOB in the database (varint)");
      auto byte = static_cast<std::uint32_t>(U8());
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
  }
  std::uint8_t U8() { return static_cast<std::uint8_t>(Take(1)[0]); }
  double Double() {
    double value = 0;
    std::memcpy(&value, Take(sizeof value).data(), sizeof value);
    return value;
  }
  std::string_view Text() {
    std::span<const std::byte> text = Take(Varint());
    return {reinterpret_cast<const char*>(text.data()), text.size()};
  }
  std::span<const std::byte> Take(std::size_t size) {
    if (size > bytes_.size() - offset_) throw StoreError("corrupt results BLOB in the database (truncated)");
    std::span<const std::byte> part = bytes_.subspan(offset_, size);
    offset_ += size;
    return part;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace detail

inline void AppendToCatalog(std::string& catalog, const MetricInfo& metric) {
  catalog.push_back(metric.direction == model::Direction::kHigherIsBetter ? '\1' : '\0');
  detail::PutText(catalog, metric.name);
  detail::PutText(catalog, metric.unit);
}

// The position of `metric` in a catalog; none when it is not there.
inline std::optional<std::size_t> FindInCatalog(std::span<const std::byte> catalog, std::string_view metric) {
  detail::Reader reader(catalog);
  for (std::size_t position = 0; !reader.AtEnd(); ++position) {
    reader.U8();
    std::string_view name = reader.Text();
    reader.Text();
    if (name == metric) return position;
  }
  return std::nullopt;
}

inline std::span<const std::byte> Bytes(std::string_view text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

inline std::vector<MetricInfo> DecodeCatalog(std::span<const std::byte> catalog) {
  std::vector<MetricInfo> metrics;
  detail::Reader reader(catalog);
  while (!reader.AtEnd()) {
    auto direction = reader.U8() == 1 ? model::Direction::kHigherIsBetter : model::Direction::kLowerIsBetter;
    std::string name(reader.Text());
    metrics.push_back(MetricInfo{.name = std::move(name), .unit = std::string(reader.Text()), .direction = direction});
  }
  return metrics;
}

// One metric's part of a results BLOB, as stored.
struct StoredMetric {
  std::uint32_t position = 0;                // in the benchmark's catalog
  std::span<const std::byte> samples;        // sample count doubles
  std::uint32_t aggregate_count = 0;
  std::span<const std::byte> aggregates;     // encoded as above

  std::size_t SampleCount() const { return samples.size() / sizeof(double); }

  void AppendSamples(std::vector<double>& out) const {
    std::size_t first = out.size();
    out.resize(first + SampleCount());
    if (!samples.empty()) std::memcpy(out.data() + first, samples.data(), samples.size());
  }

  template <class Visit>
  void ForEachAggregate(Visit&& visit) const {
    detail::Reader reader(aggregates);
    for (std::uint32_t i = 0; i < aggregate_count; ++i) {
      std::string_view name = reader.Text();
      visit(name, reader.Double());
    }
  }

  // For a result without raw samples: the harness's median, else its mean;
  // none when that one was not a number.
  std::optional<double> AggregateForValue() const {
    std::optional<double> median, mean;
    ForEachAggregate([&](std::string_view name, double value) {
      if (name == "median") median = value;
      if (name == "mean") mean = value;
    });
    std::optional<double> chosen = median ? median : mean;
    if (chosen && std::isnan(*chosen)) return std::nullopt;
    return chosen;
  }
};

inline void AppendMetric(std::string& data, std::size_t position, const model::Metric& metric) {
  detail::PutVarint(data, position);
  detail::PutVarint(data, metric.samples.size());
  detail::PutVarint(data, metric.aggregates.size());
  data.append(reinterpret_cast<const char*>(metric.samples.data()), metric.samples.size() * sizeof(double));
  for (const auto& [name, value] : metric.aggregates) {
    detail::PutText(data, name);
    data.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
}

template <class Visit>
void ForEachMetric(std::span<const std::byte> data, Visit&& visit) {
  detail::Reader reader(data);
  while (!reader.AtEnd()) {
    StoredMetric metric{.position = reader.Varint()};
    std::uint32_t samples = reader.Varint();
    metric.aggregate_count = reader.Varint();
    if (samples > data.size() / sizeof(double)) throw StoreError("corrupt results BLOB in the database (sample count)");
    metric.samples = reader.Take(std::size_t{samples} * sizeof(double));
    std::size_t aggregates_start = reader.Offset();
    for (std::uint32_t i = 0; i < metric.aggregate_count; ++i) {
      reader.Text();
      reader.Double();
    }
    metric.aggregates = data.subspan(aggregates_start, reader.Offset() - aggregates_start);
    visit(metric);
  }
}

}  // namespace perfgate::store::sqlite_layout
