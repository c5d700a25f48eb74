"""Draws the pictures of docs/statistics.md from the CSV files the full
evaluation writes (scripts/statistics-figures.sh runs both steps).

usage: figures.py AA.csv POWER.csv OUTPUT_DIRECTORY
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NOISES = ["gaussian", "log-normal", "student-t(3)"]


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def power_figure(rows, output):
    ns = sorted({int(r["n"]) for r in rows})
    cvs = sorted({float(r["cv"]) for r in rows})
    figure, axes = plt.subplots(len(NOISES), len(ns), figsize=(3.2 * len(ns), 2.6 * len(NOISES)),
                                sharex=True, sharey=True)
    for i, noise in enumerate(NOISES):
        for j, n in enumerate(ns):
            axis = axes[i][j]
            for cv in cvs:
                points = sorted((float(r["effect"]), float(r["power"])) for r in rows
                                if r["noise"] == noise and int(r["n"]) == n and float(r["cv"]) == cv
                                and r["changed"] == "1")
                if points:
                    axis.plot([100 * p[0] for p in points], [100 * p[1] for p in points], marker="o",
                              markersize=3, label="CV %g%%" % (100 * cv))
            axis.axhline(95, color="grey", linewidth=0.6, linestyle=":")
            axis.axvline(5, color="grey", linewidth=0.6, linestyle="--")
            axis.set_ylim(-3, 103)
            if i == 0:
                axis.set_title("n = %d per side" % n)
            if j == 0:
                axis.set_ylabel("%s\nfound (%%)" % noise)
            if i == len(NOISES) - 1:
                axis.set_xlabel("slowdown (%)")
    axes[0][0].legend(fontsize=7, loc="lower right")
    figure.suptitle("Power: a lone slowdown among 50 benchmarks called regressed (threshold 5 %, alpha 0.05)",
                    fontsize=10)
    figure.tight_layout()
    figure.savefig(output, dpi=110)


def aa_figure(rows, output):
    ns = sorted({int(r["n"]) for r in rows})
    cvs = sorted({float(r["cv"]) for r in rows})
    figure, axes = plt.subplots(1, len(NOISES), figsize=(3.4 * len(NOISES), 2.8), sharey=True)
    width = 0.8 / len(cvs)
    for i, noise in enumerate(NOISES):
        axis = axes[i]
        for k, cv in enumerate(cvs):
            values = defaultdict(float)
            for r in rows:
                if r["noise"] == noise and float(r["cv"]) == cv:
                    values[int(r["n"])] = 100 * float(r["false_rate"])
            axis.bar([j + k * width for j in range(len(ns))], [values[n] for n in ns], width,
                     label="CV %g%%" % (100 * cv))
        axis.axhline(1, color="red", linewidth=0.8, linestyle="--")
        axis.text(0, 1.05, "goal: <= 1 %", color="red", fontsize=7)
        axis.set_xticks([j + 0.4 - width / 2 for j in range(len(ns))])
        axis.set_xticklabels(["n=%d" % n for n in ns])
        axis.set_ylim(0, 1.5)
        axis.set_title(noise)
        if i == 0:
            axis.set_ylabel("false verdicts per benchmark (%)")
    axes[-1].legend(fontsize=7)
    figure.suptitle("A/A pairs of 50-benchmark files: regressed or improved verdicts", fontsize=10)
    figure.tight_layout()
    figure.savefig(output, dpi=110)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    aa_path, power_path, directory = sys.argv[1:]
    aa_figure(read(aa_path), directory + "/aa_rates.png")
    power_figure(read(power_path), directory + "/power.png")


if __name__ == "__main__":
    main()
