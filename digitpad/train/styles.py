"""Writing styles some people use and MNIST's writers rarely did, added to pen digits'
strokes (issue #13): a slash through a 0, a crossbar on a 7, a flag on a 1.

Each is a style the dev file's own training writers show (slashed 0s by about ten of them,
crossed 7s by several, 1s with a short flag by a few), but too few times for the nets to
read it in a writer they never saw: a slashed 0 is read as an 8, a flagged 1 as a 7.
So a training 0, 1 or 7 drawn plainly (one stroke) is given the style and drawn again.
Measured on five writer folds, training with them did not help (README, "Other writers'
styles"); no shipped net uses them.

The transforms work on float (P, 2) point arrays ``(x, y)``, y down, any unit (the dev
file's millimetres), lengths as shares of the digit's height, so they are pure functions
of the strokes and one ``np.random.Generator``. Numpy only, no Tk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from digitpad import drawn, preprocess

log = logging.getLogger(__name__)

VERSION = 1  # recorded in a trained net's description; bump when a style changes
Strokes = list[np.ndarray]


def segment(start: np.ndarray, end: np.ndarray, points: int = 16) -> np.ndarray:
    """A straight pen stroke from ``start`` to ``end``, sampled like the source (many points)."""
    t = np.linspace(0.0, 1.0, points)[:, None]
    return (1 - t) * np.asarray(start, np.float64) + t * np.asarray(end, np.float64)


def _box(strokes: Strokes) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(strokes)
    return points.min(axis=0), points.max(axis=0)


def slash_zero(strokes: Strokes, rng: np.random.Generator) -> Strokes:
    """A 0 with a slash: a straight stroke from below its bottom left to above its top right,
    past the oval by 5-25% of the height at each end, as the dev writers draw Ø."""
    low, high = _box(strokes)
    height = float(high[1] - low[1])
    past = rng.uniform(0.05, 0.25, 2) * height
    start = np.array([low[0] + rng.uniform(-0.1, 0.2) * height, high[1] + past[0]])
    end = np.array([high[0] + rng.uniform(-0.2, 0.1) * height, low[1] - past[1]])
    return [*strokes, segment(start, end)]


def _stem_x(strokes: Strokes, y: float, band: float) -> float:
    """Where the ink crosses height ``y`` (mean x of the points within ``band`` of it): a 7's
    stem below its bar."""
    points = np.concatenate(strokes)
    near = np.abs(points[:, 1] - y) <= band
    return float(points[near, 0].mean()) if near.any() else float(points[:, 0].mean())


def cross_seven(strokes: Strokes, rng: np.random.Generator) -> Strokes:
    """A 7 with a crossbar: a short stroke across the stem at 45-65% of the height down,
    35-60% of the height wide, tilted up to about 8 degrees."""
    low, high = _box(strokes)
    height = float(high[1] - low[1])
    y = low[1] + rng.uniform(0.45, 0.65) * height
    x = _stem_x(strokes, y, 0.06 * height)
    half = rng.uniform(0.175, 0.3) * height
    tilt = rng.uniform(-0.14, 0.14) * half
    return [*strokes, segment(np.array([x - half, y + tilt]), np.array([x + half, y - tilt]))]


def flag_one(strokes: Strokes, rng: np.random.Generator) -> Strokes:
    """A 1 with a flag, in the same stroke as the pen draws it: first up from the left to
    the top, 20-45% of the height long at 30-60 degrees from the vertical, then down."""
    stroke = strokes[0]
    top = stroke[int(np.argmin(stroke[:, 1]))]
    low, high = _box(strokes)
    height = float(high[1] - low[1])
    length = rng.uniform(0.2, 0.45) * height
    angle = np.radians(rng.uniform(30, 60))
    start = top + length * np.array([-np.sin(angle), np.cos(angle)])
    down = stroke if stroke[0, 1] <= stroke[-1, 1] else stroke[::-1]
    return [np.concatenate([segment(start, top)[:-1], down]), *strokes[1:]]


Style = Callable[[Strokes, np.random.Generator], Strokes]
STYLES: dict[int, Style] = {0: slash_zero, 1: flag_one, 7: cross_seven}


def plain(data: drawn.PenDigits, indices: list[int]) -> list[int]:
    """Those of ``indices`` that are a 0, 1 or 7 drawn in one stroke (without the style)."""
    return [i for i in indices if int(data.labels[i]) in STYLES
            and data.sample_offsets[i + 1] - data.sample_offsets[i] == 1]


def render_styled(data: drawn.PenDigits, indices: list[int], copies: int,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Every plain 0, 1 and 7 of ``indices`` (:func:`plain`) given its style ``copies``
    times, each placed as :func:`drawn.place` does and drawn through the app's rasterize and
    to_mnist: images float32 (copies * n, 28, 28) and labels int64 (copies * n,)."""
    chosen = plain(data, indices)
    images = np.zeros((copies * len(chosen), 28, 28), np.float32)
    for copy in range(copies):
        rng = np.random.default_rng([seed, copy, 13])
        for k, i in enumerate(chosen):
            styled = STYLES[int(data.labels[i])](data.strokes(i), rng)
            placed = drawn.place(styled, rng)
            images[copy * len(chosen) + k] = preprocess.to_mnist(preprocess.rasterize(placed))
    log.debug("drew %d plain 0s, 1s and 7s x%d in the other style (v%d)", len(chosen), copies, VERSION)
    return images, np.tile(data.labels[chosen].astype(np.int64), copies)
