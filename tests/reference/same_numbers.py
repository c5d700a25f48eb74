"""Exits 0 when two JSON files hold the same structure and the same numbers to
within a relative 1e-9, else prints the first difference (its path) and exits 1.

scipy's last digits differ between machines (numpy picks SIMD kernels by CPU),
so a byte-for-byte comparison would call a fixture stale on a new machine.
"""
import json
import math
import sys


def first_difference(a, b, path="$"):
    if isinstance(a, bool) or isinstance(b, bool) or not (
        isinstance(a, (int, float)) and isinstance(b, (int, float))
    ):
        if type(a) is not type(b):
            return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a)} vs {sorted(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b)):
            return None
        return f"{path}: {a!r} vs {b!r}"
    return None if a == b else f"{path}: {a!r} vs {b!r}"


def main():
    with open(sys.argv[1]) as left, open(sys.argv[2]) as right:
        found = first_difference(json.load(left), json.load(right))
    if found:
        print(found)
        sys.exit(1)


if __name__ == "__main__":
    main()
