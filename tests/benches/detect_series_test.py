#!/usr/bin/env python3
"""benches/detect_series, the tool change_points_vs_otava.py runs perfgate's
detector through: a step is found at its first point, a flat series has none,
REPEAT keeps the answer, and bad input exits 2 with a message naming the file.
  detect_series_test.py DETECT_SERIES"""
import json
import os
import random
import subprocess
import sys
import tempfile


def run(*args):
    return subprocess.run([sys.argv[1], *args], capture_output=True, text=True)


def main():
    generator = random.Random(7)
    step = [1000 * (1 + 0.01 * generator.gauss(0, 1)) * (1.1 if i >= 60 else 1) for i in range(120)]
    flat = [1000 * (1 + 0.01 * generator.gauss(0, 1)) for _ in range(120)]
    with tempfile.TemporaryDirectory() as work:
        good = os.path.join(work, "series.json")
        with open(good, "w") as file:
            json.dump({"series": [step, flat, []]}, file)
        for repeat in ([], ["3"]):
            result = run(good, *repeat)
            assert result.returncode == 0, result.stderr
            answer = json.loads(result.stdout)
            assert answer["change_points"] == [[60], [], []], answer
            assert answer["seconds"] > 0, answer

        missing = os.path.join(work, "missing.json")
        result = run(missing)
        assert result.returncode == 2 and "cannot open" in result.stderr and missing in result.stderr, result
        broken = os.path.join(work, "broken.json")
        for content in ('{"series": [[1, 2,', '{"points": []}', '{"series": [["a"]]}'):
            with open(broken, "w") as file:
                file.write(content)
            result = run(broken)
            assert result.returncode == 2 and broken in result.stderr and result.stdout == "", (content, result)
        for repeat in ("0", "x"):
            result = run(good, repeat)
            assert result.returncode == 2 and "REPEAT" in result.stderr, result
    print("detect_series: ok")


if __name__ == "__main__":
    main()
