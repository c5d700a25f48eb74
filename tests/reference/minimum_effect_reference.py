"""The minimum-effect test behind perfgate's compare verdicts, from scipy.

On the logarithms of the samples, Student's pooled-variance t-test of
H0: log(head) - log(base) <= log(1 + threshold) against "greater" (slower than the
threshold allows) and of H0: ... >= log(1 - threshold) against "less" (faster),
each as scipy.stats.ttest_ind(log(head) - shift, log(base), alternative=...). The
effect p-value of a compare row is min(1, 2 * min(p_slower, p_faster)).
Also plain shifted one-sided t-tests on raw values, for the stats function.
"""
import numpy as np
from scipy import stats

from reference_common import output_path, sample, write


def main():
    rng = np.random.RandomState(424242)
    cases = []
    for kind in ("normal", "lognormal", "heavy"):
        for (n1, n2) in [(2, 2), (3, 3), (3, 5), (5, 5), (9, 9), (15, 15), (40, 30)]:
            for shift in (0.0, 0.04, 0.1, 0.3, -0.3):
                for threshold in (0.05, 0.02):
                    base = [abs(v) + 1.0 for v in sample(rng, kind, n1)]
                    head = [(abs(v) + 1.0) * (1 + shift) for v in sample(rng, kind, n2)]
                    log_base = np.log(base)
                    log_head = np.log(head)
                    slower = stats.ttest_ind(log_head - np.log1p(threshold), log_base, alternative="greater")
                    faster = stats.ttest_ind(log_head - np.log1p(-threshold), log_base, alternative="less")
                    two_sided = stats.ttest_ind(np.array(base) - 0.5, head)
                    cases.append({"name": "%s n=%d,%d shift=%g threshold=%g" % (kind, n1, n2, shift, threshold),
                                  "base": base, "head": head, "threshold": threshold,
                                  "p_slower": float(slower.pvalue), "p_faster": float(faster.pvalue),
                                  "effect_p_value": float(min(1.0, 2 * min(slower.pvalue, faster.pvalue))),
                                  "two_sided_base_minus_half": float(two_sided.pvalue)})
    write(cases, output_path())


if __name__ == "__main__":
    main()
