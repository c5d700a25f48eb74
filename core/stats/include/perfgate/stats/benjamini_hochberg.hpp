#pragma once
// Benjamini-Hochberg false-discovery-rate adjustment.

#include <span>
#include <vector>

namespace perfgate::stats {

// Adjusted p-values in the input's order, as scipy.stats.false_discovery_control
// (method "bh") and statsmodels' fdr_bh compute them: sort ascending, scale the
// i-th smallest (1-based) by m / i, take the running minimum from the largest
// down, cap at 1. Compare each against alpha to decide at FDR alpha. Empty input
// gives an empty result. Inputs must be in [0, 1] (NaN gives unspecified output).
std::vector<double> BenjaminiHochberg(std::span<const double> p_values);

}  // namespace perfgate::stats
