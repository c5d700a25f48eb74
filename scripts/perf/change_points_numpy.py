#!/usr/bin/env python3
"""The core of perfgate's change-point scan written with numpy/scipy, as the
peer figure for docs/performance.md while Apache Otava cannot be installed here
(PyPI is unreachable): at every new point, the E-divisive split of the newest
50 points since the last change (energy statistic, alpha = 1, pairwise
distances as one numpy matrix) and Student's t-test on the split (scipy),
confirmed at 3 consecutive lengths (answers reused, as perfgate does). No spike removal, relocation or rank check:
it does less than perfgate, so the ratio understates perfgate's lead.
  change_points_numpy.py POINTS     prints "MILLISECONDS_PER_1000_POINTS CHANGES"
The series is the one benches/detect_bench.cpp uses (1 % noise, a level shift
every 250 points, a spike every 97), from numpy's seeded generator."""
import sys
import time

import numpy as np
from scipy import stats

WINDOW, MIN_SEGMENT, MAX_P = 50, 5, 0.001


def history(length):
    generator = np.random.default_rng(11)
    values, level = [], 1000.0
    for i in range(length):
        if i > 0 and i % 250 == 0:
            level *= 1.1 if (i // 250) % 2 == 0 else 0.92
        value = level * (1 + 0.01 * generator.standard_normal())
        values.append(value * 1.3 if i % 97 == 50 else value)
    return np.array(values)


def best_split(window):
    w = len(window)
    distances = np.abs(window[:, None] - window[None, :])
    within_left = np.concatenate(([0.0], np.cumsum(np.tril(distances, -1).sum(axis=1))))
    within_right = np.concatenate((np.cumsum(np.triu(distances, 1).sum(axis=1)[::-1])[::-1], [0.0]))
    k = np.arange(MIN_SEGMENT, w - MIN_SEGMENT + 1)
    left, right = k.astype(float), (w - k).astype(float)
    cross = within_left[w] - within_left[k] - within_right[k]
    q = (left * right / w) * (2 * cross / (left * right) - within_left[k] / (left * (left - 1) / 2)
                              - within_right[k] / (right * (right - 1) / 2))
    return int(k[np.argmax(q)])


def find(series, start, end):
    window = series[max(start, end - WINDOW):end]
    if len(window) < 2 * MIN_SEGMENT:
        return None
    split = best_split(window)
    p = stats.ttest_ind(window[:split], window[split:]).pvalue
    candidates = len(window) - 2 * MIN_SEGMENT + 1
    return max(start, end - WINDOW) + split if p * candidates < MAX_P else None


def detect(series):
    changes, start, memo = [], 0, {}

    def cached(start, end):  # the confirmation re-asks the two previous lengths
        if (start, end) not in memo:
            memo[(start, end)] = find(series, start, end)
        return memo[(start, end)]

    for end in range(1, len(series) + 1):
        found = [cached(start, end - back) for back in range(3) if end - back > start]
        if len(found) == 3 and None not in found and max(found) - min(found) <= 1:
            changes.append(found[0])
            start = found[0]
    return changes


def main():
    points = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    series = history(points)
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        changes = detect(series)
        best = min(best, time.perf_counter() - began)
    print(f"{best * 1000 * 1000 / points:.2f} {len(changes)}")


if __name__ == "__main__":
    main()
