"""10,000 predictions in a row through digitpad.reading (the app's and the CLI's path);
memory and speed must stay flat.

    python benchmarks/soak.py [--count 10000]

Each round draws a slightly different digit, rasterizes it, makes the 28x28 image and
asks every net (what the app does after each stroke). Prints resident memory (RSS) and
the median time per prediction for each tenth of the run, then the growth of both.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np

from digitpad import preprocess
from digitpad.reading import read


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def strokes_for(i: int) -> list[list[tuple[float, float]]]:
    t = np.linspace(0, 2 * np.pi, 40)
    r = 60 + (i % 17)
    return [[(140 + r * 0.6 * np.cos(a), 140 + r * np.sin(a)) for a in t]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    tenth = args.count // 10
    rows = []
    for part in range(10):
        times = []
        for i in range(part * tenth, (part + 1) * tenth):
            start = time.perf_counter()
            image = preprocess.to_mnist(preprocess.rasterize(strokes_for(i)))
            read(image)  # the vote of every net, as the app and the CLI read
            times.append(time.perf_counter() - start)
        rows.append((rss_mb(), statistics.median(times) * 1000))
        print(f"{(part + 1) * tenth:>6} predictions: RSS {rows[-1][0]:7.1f} MB, median {rows[-1][1]:.2f} ms")
    print(f"memory growth after the first tenth: {rows[-1][0] - rows[0][0]:+.1f} MB (goal < 5 MB); "
          f"median time first tenth {rows[0][1]:.2f} ms, last {rows[-1][1]:.2f} ms")


if __name__ == "__main__":
    main()
