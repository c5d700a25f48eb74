"""Descriptive statistics from numpy: mean, median, sample standard deviation
(ddof=1), coefficient of variation and quantiles by numpy's default ("linear"),
and the robust relative spread: scipy's median_abs_deviation(scale="normal") / |median|."""
import numpy as np
from scipy import stats

from reference_common import output_path, sample, write

PROBABILITIES = [0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0, 0.333]


def main():
    rng = np.random.RandomState(777)
    cases = []
    for kind in ("normal", "lognormal", "heavy"):
        for size in (1, 2, 3, 4, 5, 9, 10, 17, 100, 1001):
            for decimals in (None, 0):
                values = sample(rng, kind, size, decimals)
                array = np.array(values)
                case = {"name": "%s n=%d round=%s" % (kind, size, decimals), "values": values,
                        "mean": float(np.mean(array)), "median": float(np.median(array)),
                        "min": float(np.min(array)), "max": float(np.max(array)),
                        "probabilities": PROBABILITIES,
                        "quantiles": [float(q) for q in np.quantile(array, PROBABILITIES)]}
                if np.median(array) != 0:
                    case["relative_mad"] = float(stats.median_abs_deviation(array, scale="normal")
                                                 / abs(np.median(array)))
                if size >= 2:
                    case["stddev"] = float(np.std(array, ddof=1))
                    case["cv"] = float(np.std(array, ddof=1) / np.mean(array))
                cases.append(case)
    write(cases, output_path())


if __name__ == "__main__":
    main()
