"""Benjamini-Hochberg adjusted p-values.

Debian 12's scipy (1.10) predates scipy.stats.false_discovery_control (1.11) and
statsmodels is not packaged beside it, so this computes the adjustment with
exactly the numpy steps of scipy 1.11's false_discovery_control(method="bh"):
sort, multiply the i-th smallest by m / i, running minimum from the top, clip.
The p-values themselves come from scipy's tests on seeded samples plus uniform
and hand-written edge cases (ties, ones, zeros).
"""
import numpy as np
from scipy import stats

from reference_common import output_path, sample, write


def false_discovery_control_bh(ps):
    ps = np.asarray(ps, dtype=float)
    order = np.argsort(ps, kind="stable")
    sorted_ps = ps[order]
    m = sorted_ps.shape[-1]
    i = np.arange(1, m + 1)
    sorted_ps = sorted_ps * (m / i)
    sorted_ps = np.minimum.accumulate(sorted_ps[::-1])[::-1]
    adjusted = np.empty_like(sorted_ps)
    adjusted[order] = sorted_ps
    return np.clip(adjusted, 0, 1)


def main():
    rng = np.random.RandomState(4242)
    cases = []

    def add(name, ps):
        cases.append({"name": name, "p_values": ps,
                      "adjusted": [float(v) for v in false_discovery_control_bh(ps)]})

    for count in (1, 2, 5, 20, 200):
        add("uniform m=%d" % count, [float(v) for v in rng.uniform(size=count)])
        add("small m=%d" % count, [float(v) for v in rng.uniform(size=count) ** 4 * 0.1])
    ps = []
    for i in range(40):
        shift = 0.0 if i % 3 else 0.05
        x = sample(rng, "normal", 9)
        y = [v * (1 + shift) for v in sample(rng, "normal", 9)]
        ps.append(float(stats.mannwhitneyu(x, y).pvalue))
    add("mann-whitney p-values m=40", ps)
    add("ties and extremes", [0.01, 0.01, 0.5, 1.0, 0.0, 0.04, 0.04, 0.03])
    write(cases, output_path())


if __name__ == "__main__":
    main()
