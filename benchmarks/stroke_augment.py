"""Do the stroke distortions of ``train --stroke-augment`` keep a digit the digit, and which
of them, and of the writing styles of ``train --styles``, do the shipped nets not already handle?

    python benchmarks/stroke_augment.py [--copies 2] [--seed 0]

The held-out writers of the dev pen digits are drawn as in the app, once plainly
(``drawn.render``) and ``--copies`` times through :func:`digitpad.train.strokes.render_copies`,
with every distortion and then with each one alone, and read by the shipped nets through
:mod:`digitpad.reading` (via :func:`digitpad.evaluate.evaluate`). A distortion the vote
still reads nearly as well as the plain digits keeps the digit recognisable; one that
costs it points is one the nets have not learned, which is what training with it is for.
It also times the drawing (ms per distorted digit; training draws each copy once).
Last, the held-out writers' 0s, 1s and 7s drawn in one stroke, plainly and given each style
of :mod:`digitpad.train.styles` (a slashed 0, a flagged 1, a crossed 7).
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import replace

import numpy as np

from digitpad import dirs, drawn
from digitpad.evaluate import Report, evaluate
from digitpad.nets import registry
from digitpad.nets.base import Classifier
from digitpad.train import strokes, styles

log = logging.getLogger(__name__)

STILL = strokes.StrokeAugment(p_join=0.0, p_jitter=0.0, slant=0.0, p_end=0.0, p_coarsen=0.0, width=(1.0, 1.0))
FULL = strokes.StrokeAugment()
ALONE = {  # each distortion as often as it can be, at the default strength, the others off
    "jitter": replace(STILL, p_jitter=1.0),
    "slant": replace(STILL, slant=FULL.slant),
    "ends": replace(STILL, p_end=0.5),
    "coarse sampling": replace(STILL, p_coarsen=1.0),
    "pen width": replace(STILL, width=FULL.width),
    "joined strokes": replace(STILL, p_join=1.0),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pen = drawn.load(dirs.data_dir() / "unipen-digits-dev.npz")
    indices = pen.subset(drawn.held_out_writers(pen.writers))
    nets = {name: registry.load(name) for name in registry.SPECS}
    labels = pen.labels[indices].astype(np.int64)
    plain = evaluate(nets, drawn.render(pen, indices, seed=args.seed), labels)
    print(f"{len(indices)} digits by held-out writers, x{args.copies} copies; accuracy of vote / K1 / B1")
    print(f"{'undistorted':<22}{_row(plain)}")
    start = time.perf_counter()
    images, copied = strokes.render_copies(pen, indices, args.copies, seed=args.seed)
    per_digit = (time.perf_counter() - start) / len(copied) * 1000
    print(f"{'all (the default)':<22}{_row(evaluate(nets, images, copied))}   {per_digit:.2f} ms per digit")
    for name, params in ALONE.items():
        images, copied = strokes.render_copies(pen, indices, args.copies, seed=args.seed, params=params)
        print(f"{name + ' alone':<22}{_row(evaluate(nets, images, copied))}")
    _styles(pen, indices, nets, args.copies, args.seed)


def _styles(pen: drawn.PenDigits, indices: list[int], nets: dict[str, Classifier], copies: int,
            seed: int) -> None:
    """The one-stroke 0s, 1s and 7s of ``indices``, plainly and given their style."""
    for digit, style in styles.STYLES.items():
        chosen = [i for i in styles.plain(pen, indices) if pen.labels[i] == digit]
        plain = evaluate(nets, drawn.render(pen, chosen, seed=seed), pen.labels[chosen].astype(np.int64))
        print(f"{f'{len(chosen)} plain {digit}s':<22}{_row(plain)}")
        images, labels = styles.render_styled(pen, chosen, copies, seed=seed)
        print(f"{'  ' + style.__name__:<22}{_row(evaluate(nets, images, labels))}")


def _row(reports: dict[str, Report]) -> str:
    return "  ".join(f"{reports[n].accuracy * 100:6.2f}%" for n in ("vote", "K1", "B1"))


if __name__ == "__main__":
    main()
