#include "perfgate/stats/benjamini_hochberg.hpp"

#include <algorithm>
#include <numeric>

namespace perfgate::stats {

std::vector<double> BenjaminiHochberg(std::span<const double> p_values) {
  const std::size_t count = p_values.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p_values[a] < p_values[b]; });
  std::vector<double> adjusted(count);
  double running_min = 1.0;
  for (std::size_t position = count; position-- > 0;) {
    const std::size_t index = order[position];
    const double scaled =
        p_values[index] * static_cast<double>(count) / static_cast<double>(position + 1);
    running_min = std::min(running_min, scaled);
    adjusted[index] = running_min;
  }
  return adjusted;
}

}  // namespace perfgate::stats
