"""Student's two-sample t-test (scipy.stats.ttest_ind, equal_var=True), the
significance check of perfgate's change-point detection."""
import numpy as np
from scipy import stats

from reference_common import output_path, sample, write


def main():
    rng = np.random.RandomState(31337)
    cases = []
    for kind in ("normal", "lognormal", "heavy"):
        for (n1, n2) in [(2, 2), (2, 3), (3, 5), (10, 10), (45, 5), (25, 25), (200, 300)]:
            for shift in (0.0, 0.01, 0.05, 0.3):
                x = sample(rng, kind, n1)
                y = [v * (1 + shift) for v in sample(rng, kind, n2)]
                result = stats.ttest_ind(x, y)
                cases.append({"name": "%s n=%d,%d shift=%g" % (kind, n1, n2, shift), "x": x, "y": y,
                              "statistic": float(result.statistic), "p_value": float(result.pvalue)})
    write(cases, output_path())


if __name__ == "__main__":
    main()
