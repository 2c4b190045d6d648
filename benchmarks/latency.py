"""How long one prediction takes, as the app does it: one drawn digit at a time.

Prints the median milliseconds of ``digitpad.reading.read`` on one (28, 28) image for every
net whose weights load (missing ones are listed as skipped) and for the vote of them all,
and of the preprocessing (``rasterize`` and ``to_mnist``) of a typical drawn digit.
Goals: ``to_mnist`` <= 0.2 ms, K1 <= 1 ms, ``to_mnist`` + the vote of five <= 1 ms.

    python benchmarks/latency.py [--repeats 300] [--threads 1]

``--threads N`` caps the BLAS thread pool (OpenBLAS/MKL/OpenMP) *before* numpy loads.
Without it the library's own choice is measured: small batches run on one BLAS thread
(``digitpad/nets/threads.py``), since on a busy machine waking a pool of BLAS threads
costs far more than a single image's arithmetic.
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
GOALS_MS = {"to_mnist": 0.2, "K1": 1.0, "to_mnist + vote": 1.0}
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

    from digitpad.nets import SPECS
    from digitpad.preprocess import rasterize, to_mnist
    from digitpad.reading import default_reader, read

    threads = {n: os.environ[n] for n in THREAD_VARIABLES if n in os.environ} or "library default"
    print(f"one-image latency, median of {repeats} calls; BLAS threads: {threads}; numpy {np.__version__}")
    canvas = rasterize(TYPICAL_STROKES)
    image = to_mnist(canvas)
    reader = default_reader()
    for name, reason in reader.missing.items():
        print(f"  {name}: skipped ({reason})")
    rows = [("rasterize(strokes)", median_ms(lambda: rasterize(TYPICAL_STROKES), repeats), None),
            ("to_mnist(canvas)", median_ms(lambda: to_mnist(canvas), repeats), GOALS_MS["to_mnist"])]
    for name in SPECS:
        if name in reader.nets:
            rows.append((f"read(image, {name!r}): {reader.nets[name].meta.get('architecture', '?')}",
                         median_ms(partial(read, image, name), repeats), GOALS_MS.get(name)))
    vote = f"read(image): the vote of {', '.join(reader.nets)}"
    rows.append((vote, median_ms(partial(read, image), repeats), None))
    rows.append(("to_mnist(canvas) + read(image): vote", median_ms(lambda: read(to_mnist(canvas)), repeats),
                 GOALS_MS["to_mnist + vote"]))
    width = max(len(label) for label, _, _ in rows)
    for label, ms, goal in rows:
        verdict = "" if goal is None else f"  goal <= {goal} ms: {'met' if ms <= goal else 'MISSED'}"
        print(f"  {label:<{width}}  {ms:8.3f} ms{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
