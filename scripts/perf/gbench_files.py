#!/usr/bin/env python3
"""Writes Google Benchmark JSON files shaped as the library writes them with
--benchmark_repetitions=R (R iteration rows per benchmark, then its _mean,
_median, _stddev and _cv aggregate rows), for the side-by-side measurements.

  gbench_files.py compare BENCHMARKS REPETITIONS BASE.json HEAD.json
      two files; head has every 20th benchmark 10 % slower (1 % CV noise)
  gbench_files.py ingest ROWS OUT.json
      one file of ROWS iteration rows, 10 per family, each with real_time and
      cpu_time: 2 samples a row
"""
import json
import random
import statistics
import sys

CONTEXT = {"date": "2026-01-01T00:00:00+00:00", "host_name": "bench", "executable": "./bench",
           "num_cpus": 2, "mhz_per_cpu": 2000, "cpu_scaling_enabled": False,
           "caches": [], "load_avg": [0.0], "library_build_type": "release"}


def row(name, family, instance, repetitions, index, real, cpu, run_type="iteration", aggregate=None):
    entry = {"name": name if aggregate is None else f"{name}_{aggregate}", "family_index": family,
             "per_family_instance_index": instance, "run_name": name, "run_type": run_type,
             "repetitions": repetitions, "repetition_index": index, "threads": 1,
             "iterations": 1000, "real_time": real, "cpu_time": cpu, "time_unit": "ns"}
    if aggregate is not None:
        del entry["repetition_index"]
        entry["aggregate_name"] = aggregate
        if aggregate == "cv":
            entry["aggregate_unit"] = "percentage"
    return entry


def suite(benchmarks, repetitions, slower, seed):
    generator = random.Random(seed)
    rows = []
    for b in range(benchmarks):
        name = f"BM_Case/{b}"
        level = 100.0 + b
        if slower and b % 20 == 0:
            level *= 1.1
        reals = [level * (1 + 0.01 * generator.gauss(0, 1)) for _ in range(repetitions)]
        cpus = [value * 0.99 for value in reals]
        for i in range(repetitions):
            rows.append(row(name, b, 0, repetitions, i, reals[i], cpus[i]))
        if repetitions > 1:
            for aggregate, function in (("mean", statistics.mean), ("median", statistics.median),
                                        ("stddev", statistics.stdev)):
                rows.append(row(name, b, 0, repetitions, 0, function(reals), function(cpus), "aggregate",
                                aggregate))
            rows.append(row(name, b, 0, repetitions, 0, statistics.stdev(reals) / statistics.mean(reals),
                            statistics.stdev(cpus) / statistics.mean(cpus), "aggregate", "cv"))
    return {"context": CONTEXT, "benchmarks": rows}


def ingest_file(rows_count):
    rows = []
    for i in range(rows_count):
        family, instance = divmod(i, 10)
        rows.append(row(f"BM_Family{family}/{instance}", family, instance, 1, 0, 100.0 + i, 99.0 + i))
    return {"context": CONTEXT, "benchmarks": rows}


def main():
    if sys.argv[1:2] == ["compare"] and len(sys.argv) == 6:
        benchmarks, repetitions = int(sys.argv[2]), int(sys.argv[3])
        for path, slower, seed in ((sys.argv[4], False, 1), (sys.argv[5], True, 2)):
            with open(path, "w") as out:
                json.dump(suite(benchmarks, repetitions, slower, seed), out)
    elif sys.argv[1:2] == ["ingest"] and len(sys.argv) == 4:
        with open(sys.argv[3], "w") as out:
            json.dump(ingest_file(int(sys.argv[2])), out)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
