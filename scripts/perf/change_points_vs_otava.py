#!/usr/bin/env python3
"""perfgate's change-point detection beside Apache Otava's on the same series:
time and quality. Otava must be importable (`pip install apache-otava==0.8.0`,
or OTAVA_PATH=<a source checkout holding otava/>); numpy and scipy come from
Debian (python3-numpy, python3-scipy). Both run with their defaults: window 50,
p < 0.001, no minimum magnitude.

  change_points_vs_otava.py time DETECT_SERIES POINTS
      prints "OTAVA_MS_PER_1000 PERFGATE_MS_PER_1000 OTAVA_CHANGES PERFGATE_CHANGES"
      on the series benches/detect_bench.cpp times (1 % noise, a level shift
      every 250 points, a spike every 97).
  change_points_vs_otava.py quality DETECT_SERIES SEED...
      precision, recall and false alarms of both on seeded synthetic series like
      tests/core/detect/change_points_evaluation_test.cpp's: 1,000 points, level
      steps of 1-50 % about every 100 points, Gaussian, log-normal and Student-t(3)
      noise at CV 0.5 %, 1 % and 5 %, 1 % single-point spikes; and series without
      a step but with a slow drift for the false alarms.

DETECT_SERIES is perfgate's benches/detect_series (DetectChangePoints with
default options over series in a JSON file). Both are timed warm: Otava after a
warm-up call, perfgate as the faster of two passes over the same series. A detection counts as true within
+-1 point of a step (each step matched once); an alert within +-5 of a step
smaller than 3 x CV is counted apart (a real but imprecisely placed change), as
the C++ evaluation does; recall is over steps of at least 3 x CV. Otava sees the
whole series at once, so location alone is scored (perfgate's detection delay is
not).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from change_points_numpy import history as bench_history  # the series benches/detect_bench.cpp times

if os.environ.get("OTAVA_PATH"):
    sys.path.insert(0, os.environ["OTAVA_PATH"])
try:
    from otava.analysis import compute_change_points
except ImportError as error:
    sys.exit(f"change_points_vs_otava: Apache Otava is not importable ({error}); "
             "pip install apache-otava==0.8.0, or set OTAVA_PATH to a source checkout")

WINDOW, MAX_P, MIN_MAGNITUDE = 50, 0.001, 0.0  # Otava's defaults (otava/series.py AnalysisOptions)


def otava(values):
    # A list, as Otava's own Series.analyze() passes it.
    points, _weak = compute_change_points([float(v) for v in values], window_len=WINDOW, max_pvalue=MAX_P,
                                          min_magnitude=MIN_MAGNITUDE)
    return [int(point.index) for point in points]


def perfgate(detect_series, all_values, repeat):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({"series": [list(map(float, values)) for values in all_values]}, file)
    try:
        out = subprocess.run([detect_series, file.name, str(repeat)], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(file.name)
    answer = json.loads(out)
    return answer["change_points"], answer["seconds"]


def noise_factor(kind, cv, generator):
    if kind == "gaussian":
        return 1 + cv * generator.standard_normal()
    if kind == "log-normal":
        return float(np.exp(cv * generator.standard_normal() - cv * cv / 2))
    chi_square = sum(generator.standard_normal() ** 2 for _ in range(3))
    t = generator.standard_normal() / np.sqrt(chi_square / 3)
    return max(0.05, 1 + cv * t / np.sqrt(3.0))


def synthetic(length, kind, cv, with_steps, generator):
    level = np.full(length, 1000.0)
    steps = []
    if with_steps:
        count = length // 100
        gap = length // (count + 1)
        factor, positions = 1.0, [i * gap - 10 + int(generator.integers(21)) for i in range(1, count + 1)]
        for i in range(length):
            if positions and i == positions[0]:
                positions.pop(0)
                magnitude = 0.01 * 50.0 ** generator.uniform()
                factor *= 1 + magnitude if generator.uniform() < 0.5 else 1 - magnitude
                steps.append((i, magnitude))
            level[i] *= factor
    else:
        drift = (5.0 if generator.uniform() < 0.5 else -5.0) * cv / 1000.0
        level *= np.exp(drift * np.arange(length))
    values = []
    for i in range(length):
        value = level[i] * noise_factor(kind, cv, generator)
        if generator.uniform() < 0.01:
            value *= 1 + cv * (5 + 25 * generator.uniform())
        values.append(float(value))
    return values, steps


class Tally:
    def __init__(self):
        self.true = self.false = self.small_alerts = 0
        self.required = self.required_found = 0
        self.null_points = self.null_alerts = 0

    def score(self, detected, steps, cv, length):
        if not steps:
            self.null_points += length
            self.null_alerts += len(detected)
            return
        matched = [False] * len(steps)
        for index in detected:
            hit = next((s for s, (at, _) in enumerate(steps) if not matched[s] and abs(index - at) <= 1), None)
            if hit is not None:
                matched[hit] = True
                self.true += 1
                if steps[hit][1] >= 3 * cv:
                    self.required_found += 1
            elif any(abs(index - at) <= 5 and magnitude < 3 * cv for at, magnitude in steps):
                self.small_alerts += 1
            else:
                self.false += 1
        self.required += sum(1 for _, magnitude in steps if magnitude >= 3 * cv)

    def row(self, name, seconds, points):
        alerts = self.true + self.false
        precision = self.true / alerts if alerts else 1.0
        strict = self.true / (alerts + self.small_alerts) if alerts + self.small_alerts else 1.0
        recall = self.required_found / self.required if self.required else 1.0
        false_rate = 1000 * self.null_alerts / self.null_points if self.null_points else 0.0
        return (f"| {name} | {precision:.3f} | {strict:.3f} | {recall:.3f} ({self.required_found}/{self.required}) "
                f"| {false_rate:.2f} | {1000 * seconds * 1000 / points:.2f} ms |")


def time_command(detect_series, points):
    values = bench_history(points)
    otava(values)  # warm-up
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        found = otava(values)
        best = min(best, time.perf_counter() - began)
    perfgate_found, perfgate_best = perfgate(detect_series, [values], 6)  # the fastest of 6: a warm-up and 5
    print(f"{best * 1e6 / points:.3f} {perfgate_best * 1e6 / points:.3f} {len(found)} {len(perfgate_found[0])}")


def quality_command(detect_series, seeds):
    cases = []
    for seed in seeds:
        generator = np.random.default_rng(seed)
        for kind in ("gaussian", "log-normal", "student-t(3)"):
            for cv in (0.005, 0.01, 0.05):
                for with_steps in (True, True, True, False):
                    cases.append((cv, synthetic(1000, kind, cv, with_steps, generator)))
    otava_tally, perfgate_tally = Tally(), Tally()
    otava_seconds = 0.0
    otava(cases[0][1][0])  # warm-up
    for cv, (values, steps) in cases:
        began = time.perf_counter()
        found = otava(values)
        otava_seconds += time.perf_counter() - began
        otava_tally.score(found, steps, cv, len(values))
    perfgate_found, perfgate_seconds = perfgate(detect_series, [values for _, (values, _) in cases], 2)
    for (cv, (values, steps)), found in zip(cases, perfgate_found):
        perfgate_tally.score(found, steps, cv, len(values))
    points = sum(len(values) for _, (values, _) in cases)
    print(f"seeds {' '.join(map(str, seeds))}: {len(cases)} series, {points} points")
    print()
    print("| detector | precision | strict precision | recall, steps >= 3 x CV | false alarms / 1,000 points "
          "(no step, drift) | time per 1,000 points |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(otava_tally.row("Apache Otava 0.8 (defaults)", otava_seconds, points))
    print(perfgate_tally.row("perfgate (defaults)", perfgate_seconds, points))


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("time", "quality"):
        sys.exit(__doc__)
    if sys.argv[1] == "time":
        time_command(sys.argv[2], int(sys.argv[3]))
    else:
        quality_command(sys.argv[2], [int(seed) for seed in sys.argv[3:]])


if __name__ == "__main__":
    main()
