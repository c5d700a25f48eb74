#!/usr/bin/env python3
"""Draws the growth charts of docs/performance.md from Google Benchmark JSON
(--benchmark_out of benches/*_bench): one PNG per family whose names end in a
size argument, CPU time against size on log-log axes (CPU time: the
shared machine's other load inflates wall time), titled with the growth
Google Benchmark's Complexity() fitted (its _BigO row) when there is one.
  growth-charts.py OUT_DIR BENCH.json...
Needs python3-matplotlib (scripts/install-deps.sh --docs)."""
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FAMILIES = {
    "BM_IngestIntoStoreOf": ("ingest of 3,000 samples vs samples already stored", "samples stored"),
    "BM_LoadSeriesOfLength": ("series read vs history length", "commits in the series"),
    "BM_DetectChangePoints": ("change-point detection vs points", "points"),
    "BM_CompareReportsOneThread": ("compare (one thread) vs benchmarks", "benchmarks x 9 repetitions"),
    "BM_ProjectOverview": ("project overview, computed afresh, vs benchmarks", "benchmarks (12 commits each)"),
}
TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    points, fits = {}, {}
    for path in paths:
        for row in json.load(open(path))["benchmarks"]:
            name = row["name"]
            family = name.split("/")[0]
            if name.endswith("_BigO"):  # BM_X_BigO, or BM_X/real_time_BigO
                fits[name[: -len("_BigO")].split("/")[0]] = row
                continue
            if family not in FAMILIES or row.get("run_type") == "aggregate" and row.get("aggregate_name") != "median":
                continue
            match = re.match(r"[^/]+/(\d+)", name)
            if match:
                ms = row["cpu_time"] * TO_MS[row["time_unit"]]
                points.setdefault(family, {})[int(match.group(1))] = ms
    os.makedirs(out_dir, exist_ok=True)
    for family, by_size in sorted(points.items()):
        title, xlabel = FAMILIES[family]
        sizes = sorted(by_size)
        figure, axes = plt.subplots(figsize=(6, 4))
        axes.loglog(sizes, [by_size[s] for s in sizes], "o-", label="measured (CPU time)")
        fit = fits.get(family)
        if fit is not None:
            big_o = fit["big_o"].replace("lgN", "log N")
            axes.set_title(f"{title}\nfit: {fit['cpu_coefficient']:.3g} {fit['time_unit']} x {big_o}", fontsize=10)
        else:
            axes.set_title(title, fontsize=10)
        axes.set_xlabel(xlabel)
        axes.set_ylabel("ms")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        figure.tight_layout()
        target = os.path.join(out_dir, family.removeprefix("BM_").lower() + ".png")
        figure.savefig(target, dpi=100)
        plt.close(figure)
        print(f"growth-charts: {target}")


if __name__ == "__main__":
    main()
