"""Two-sided Mann-Whitney U p-values from scipy.stats.mannwhitneyu's defaults.

Covers scipy's exact branch (a side of at most 8 values, no ties) and its normal
approximation (both sides above 8, or ties) with tie and continuity corrections.
"""
import numpy as np
from scipy import stats

from reference_common import output_path, sample, write


def main():
    rng = np.random.RandomState(20240603)
    cases = []

    def add(name, x, y):
        result = stats.mannwhitneyu(x, y)
        cases.append({"name": name, "x": x, "y": y,
                      "statistic": float(result.statistic), "p_value": float(result.pvalue)})

    sizes = [(1, 1), (1, 5), (2, 3), (3, 3), (4, 7), (5, 5), (7, 7), (8, 8), (8, 20), (3, 40),
             (8, 9), (9, 9), (12, 10), (20, 30), (50, 50), (100, 80), (300, 500)]
    for kind in ("normal", "lognormal", "heavy"):
        for (n1, n2) in sizes:
            for shift in (0.0, 0.03, 0.15):
                x = sample(rng, kind, n1)
                y = [v * (1.0 + shift) for v in sample(rng, kind, n2)]
                add("%s n=%d,%d shift=%g" % (kind, n1, n2, shift), x, y)
    for (n1, n2) in sizes:
        for decimals in (0, -1):
            x = sample(rng, "normal", n1, decimals)
            y = sample(rng, "normal", n2, decimals)
            add("ties(round %d) n=%d,%d" % (decimals, n1, n2), x, y)
    for (n1, n2) in [(3, 3), (5, 5), (8, 8), (2, 8), (8, 2), (9, 9), (50, 50)]:
        x = [float(i) for i in range(n1)]
        y = [float(100 + i) for i in range(n2)]
        add("separated n=%d,%d" % (n1, n2), x, y)
        add("separated reversed n=%d,%d" % (n1, n2), y, x)
    add("all tied", [5.0] * 6, [5.0] * 4)
    add("all tied large", [5.0] * 12, [5.0] * 10)
    add("one tie across", [1.0, 2.0, 3.0], [3.0, 4.0, 5.0])
    add("interleaved", [1.0, 3.0, 5.0, 7.0], [2.0, 4.0, 6.0, 8.0])
    write(cases, output_path())


if __name__ == "__main__":
    main()
