"""How long one prediction takes, as the app does it: one drawn digit at a time.

Prints the median milliseconds of ``predict_proba`` on one (28, 28) image for every net
whose weights load (missing ones are listed as skipped), for the vote of them all, and
for the preprocessing ``to_mnist(rasterize(strokes))`` of a typical drawn digit.

    python benchmarks/latency.py [--repeats 300] [--threads 1]

``--threads N`` caps the BLAS thread pool (OpenBLAS/MKL/OpenMP) *before* numpy loads.
Why it matters: a single image's matmuls are small, and on a busy machine waking a pool
of BLAS threads can cost far more than the arithmetic (K1 goal: <= 1 ms median).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# A "2" as a person draws it on the 280x280 canvas: an arc, a diagonal, a base line.
TYPICAL_STROKES = [
    [(95, 90), (110, 70), (140, 60), (170, 68), (185, 92), (180, 120), (160, 150), (130, 180),
     (100, 210), (88, 222)],
    [(88, 222), (130, 220), (170, 218), (195, 220)],
]


def median_ms(function: Callable[[], Any], repeats: int, warmup: int = 10) -> float:
    """Median wall time of ``function()`` in milliseconds (median: robust to other load)."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=300, help="timed calls per item")
    parser.add_argument("--threads", type=int, help="cap BLAS threads (set before numpy loads)")
    args = parser.parse_args(argv)
    if args.threads:
        for name in THREAD_VARIABLES:
            os.environ[name] = str(args.threads)
    return run(args.repeats)


def run(repeats: int) -> int:
    import numpy as np

    from digitpad.nets import SPECS, Vote, WeightsError, load_network
    from digitpad.preprocess import rasterize, to_mnist

    threads = {n: os.environ[n] for n in THREAD_VARIABLES if n in os.environ} or "library default"
    print(f"one-image latency, median of {repeats} calls; BLAS threads: {threads}; numpy {np.__version__}")
    image = to_mnist(rasterize(TYPICAL_STROKES))
    rows = [("preprocess: to_mnist(rasterize(strokes))",
             median_ms(lambda: to_mnist(rasterize(TYPICAL_STROKES)), repeats))]
    nets = []
    for name in SPECS:
        try:
            net = load_network(name)
        except WeightsError as exc:
            print(f"  {name}: skipped ({exc})")
            continue
        nets.append(net)
        rows.append((f"{name}: {net.meta.get('architecture', '?')}",
                     median_ms(partial(net.predict_proba, image), repeats)))
    if nets:
        vote = Vote(nets)
        rows.append((f"vote of {', '.join(n.name for n in nets)}",
                     median_ms(lambda: vote.predict_proba(image), repeats)))
    width = max(len(label) for label, _ in rows)
    for label, ms in rows:
        print(f"  {label:<{width}}  {ms:8.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
