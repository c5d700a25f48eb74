"""Shared helpers of the reference scripts: seeded inputs and stable JSON output."""
import json
import sys

import numpy as np


def sample(rng, kind, size, tie_decimals=None):
    """A seeded sample of `size` values of a noise `kind`, rounded when ties are wanted."""
    if kind == "normal":
        values = 100.0 + 3.0 * rng.standard_normal(size)
    elif kind == "lognormal":
        values = 50.0 * rng.lognormal(0.0, 0.2, size)
    elif kind == "heavy":
        values = 10.0 + rng.standard_t(2, size)
    else:
        raise ValueError(kind)
    if tie_decimals is not None:
        values = np.round(values, tie_decimals)
    return [float(v) for v in values]


def write(cases, path):
    """Writes {"cases": [...]} with round-trip float formatting, one case per line."""
    lines = [json.dumps(case, sort_keys=True) for case in cases]
    text = '{"cases": [\n' + ",\n".join(lines) + "\n]}\n"
    with open(path, "w", encoding="utf-8") as out:
        out.write(text)


def output_path():
    if len(sys.argv) != 2:
        sys.exit("usage: %s OUTPUT.json" % sys.argv[0])
    return sys.argv[1]
