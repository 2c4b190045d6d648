"""Drawings that are not digits, made up as strokes: what people draw to test a digit app.

Each maker takes a random generator and returns strokes (lists of (x, y) points on the
280x280 canvas, as :func:`digitpad.preprocess.rasterize` takes them), drawn the way a
hand would: a pen that moves in curves, with a little wobble, at a random size and place.
They serve two jobs: negatives for learning "not a digit" (:mod:`digitpad.notdigit`),
and a check of the shipped rule on shapes no letter file has (benchmarks/not_sure.py).

Shapes that *are* digit-like on purpose are left out: a lone circle is a 0, a lone bar a
1. A "two digits" drawing (two pen digits side by side) is made from real digits by
:func:`two_digits`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from digitpad import preprocess

log = logging.getLogger(__name__)

Strokes = list[np.ndarray]
SIZE = preprocess.CANVAS_SIZE


def _wobble(points: np.ndarray, rng: np.random.Generator, amount: float = 0.015) -> np.ndarray:
    """A hand never draws a perfect line: smooth random drift along the stroke (unit box)."""
    drift = np.cumsum(rng.normal(0, amount, points.shape), axis=0)
    drift -= np.linspace(0, 1, len(points))[:, None] * drift[-1]  # ends stay where aimed
    return points + drift


def _arc(center: tuple[float, float], radius: tuple[float, float], start: float, end: float,
         n: int = 40) -> np.ndarray:
    t = np.linspace(start, end, n)
    return np.stack([center[0] + radius[0] * np.cos(t), center[1] + radius[1] * np.sin(t)], axis=1)


def _line(a: tuple[float, float], b: tuple[float, float], n: int = 12) -> np.ndarray:
    return np.linspace(a, b, n)


def scribble(rng: np.random.Generator) -> Strokes:
    """Back-and-forth zigzags and loops, one stroke: "let's see what it says to this"."""
    turns = int(rng.integers(8, 16))
    corners = rng.uniform(0, 1, (turns, 2))
    t = np.linspace(0, 1, turns * 8)
    points = np.stack([np.interp(t, np.linspace(0, 1, turns), corners[:, k]) for k in (0, 1)], axis=1)
    return [_wobble(points, rng)]


def blob(rng: np.random.Generator) -> Strokes:
    """A filled patch: the pen scrubbed over an area (a colouring-in, a crossed-out mistake)."""
    rows = int(rng.integers(6, 12))
    ys = np.linspace(0.2, 0.8, rows)
    half = 0.3 * np.sqrt(np.maximum(1 - ((ys - 0.5) / 0.32) ** 2, 0.05)) * rng.uniform(0.6, 1.2)
    xs = np.where(np.arange(rows) % 2 == 0, 0.5 - half, 0.5 + half)
    ends = np.stack([xs, ys], axis=1)
    path = np.concatenate([_line(tuple(ends[i]), tuple(ends[i + 1]), 6) for i in range(rows - 1)])
    return [_wobble(path, rng, 0.008)]


def cross(rng: np.random.Generator) -> Strokes:
    """A plus sign or a hash: two or four crossing bars."""
    bars = [_line((0.1, 0.5), (0.9, 0.5)), _line((0.5, 0.1), (0.5, 0.9))]
    if rng.random() < 0.5:  # "#"
        bars = [_line((0.1, 0.35), (0.9, 0.35)), _line((0.1, 0.65), (0.9, 0.65)),
                _line((0.35, 0.1), (0.35, 0.9)), _line((0.65, 0.1), (0.65, 0.9))]
    return [_wobble(b, rng, 0.01) for b in bars]


def circle_with_inside(rng: np.random.Generator) -> Strokes:
    """A ring with something in it: a smiley, a dot, a cross, a bar."""
    ring = _wobble(_arc((0.5, 0.5), (0.4, 0.4 * rng.uniform(0.8, 1.2)), 0, 2 * np.pi * 1.05, 60), rng, 0.008)
    kind = rng.integers(4)
    if kind == 0:  # smiley
        mouth = _arc((0.5, 0.52), (0.18, 0.14), 0.3, np.pi - 0.3)
        inside = [np.array([[0.37, 0.4]]), np.array([[0.63, 0.4]]), mouth]
    elif kind == 1:
        inside = [_arc((0.5, 0.5), (0.04, 0.04), 0, 2 * np.pi, 8)]
    elif kind == 2:
        inside = [_line((0.32, 0.32), (0.68, 0.68)), _line((0.68, 0.32), (0.32, 0.68))]
    else:
        inside = [_line((0.25, 0.5), (0.75, 0.5))]
    return [ring, *(_wobble(s, rng, 0.005) for s in inside)]


def star(rng: np.random.Generator) -> Strokes:
    """A five-pointed star in one stroke, or an asterisk of three bars."""
    if rng.random() < 0.5:
        angles = -np.pi / 2 + np.arange(6) * 4 * np.pi / 5
        corners = np.stack([0.5 + 0.42 * np.cos(angles), 0.5 + 0.42 * np.sin(angles)], axis=1)
        path = np.concatenate([_line(tuple(corners[i]), tuple(corners[i + 1]), 8) for i in range(5)])
        return [_wobble(path, rng, 0.008)]
    return [_wobble(_line((0.5 + 0.4 * np.cos(a), 0.5 + 0.4 * np.sin(a)),
                          (0.5 - 0.4 * np.cos(a), 0.5 - 0.4 * np.sin(a))), rng, 0.008)
            for a in (0, np.pi / 3, 2 * np.pi / 3)]


def spiral(rng: np.random.Generator) -> Strokes:
    """A spiral of two to four turns (a snail, a whirl)."""
    turns = rng.uniform(2, 4)
    t = np.linspace(0, turns * 2 * np.pi, int(turns * 30))
    r = 0.42 * t / t[-1]
    return [_wobble(np.stack([0.5 + r * np.cos(t), 0.5 + r * np.sin(t)], axis=1), rng, 0.006)]


def house(rng: np.random.Generator) -> Strokes:
    """A square with a roof or a triangle with a bar: simple drawings of things."""
    if rng.random() < 0.5:
        path = np.array([[0.2, 0.9], [0.2, 0.45], [0.5, 0.1], [0.8, 0.45], [0.8, 0.9], [0.2, 0.9],
                         [0.8, 0.45]])
    else:
        path = np.array([[0.1, 0.9], [0.5, 0.1], [0.9, 0.9], [0.1, 0.9]])
    dense = np.concatenate([_line(tuple(path[i]), tuple(path[i + 1]), 10) for i in range(len(path) - 1)])
    return [_wobble(dense, rng, 0.006)]


def waves(rng: np.random.Generator) -> Strokes:
    """Two or three wavy lines one under another (water, hair, a signature's flourish)."""
    rows = int(rng.integers(2, 4))
    x = np.linspace(0.05, 0.95, 50)
    phase, freq = rng.uniform(0, 2 * np.pi), rng.uniform(2, 4)
    wave = 0.08 * np.sin(freq * 2 * np.pi * x + phase)
    return [_wobble(np.stack([x, 0.5 + (k - (rows - 1) / 2) * 0.25 + wave], axis=1), rng, 0.005)
            for k in range(rows)]


MAKERS: dict[str, Callable[[np.random.Generator], Strokes]] = {
    "scribble": scribble, "blob": blob, "cross": cross, "circle with inside": circle_with_inside,
    "star": star, "spiral": spiral, "house": house, "waves": waves}


def on_canvas(strokes: Strokes, rng: np.random.Generator, size: int = SIZE) -> Strokes:
    """Unit-box strokes scaled to 40-85% of the canvas, squashed or stretched up to 30%,
    turned up to 15 degrees, at a random place that keeps the ink inside."""
    angle = np.deg2rad(rng.uniform(-15, 15))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    aspect = rng.uniform(0.7, 1.3)
    moved = [((s - 0.5) * [aspect, 1 / aspect]) @ turn.T for s in strokes]
    points = np.concatenate(moved)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = preprocess.pen_width(size) / 2 + 1
    scale = rng.uniform(0.4, 0.85) * size / max(float((high - low).max()), 1e-6)
    scale = min(scale, (size - 2 * margin) / max(float((high - low).max()), 1e-6))
    room = np.maximum(size - 2 * margin - (high - low) * scale, 0)
    offset = margin + rng.uniform(0, 1, 2) * room
    return [(s - low) * scale + offset for s in moved]


def make(kind: str, rng: np.random.Generator) -> Strokes:
    """One drawing of ``kind`` (a key of :data:`MAKERS`) on the canvas."""
    return on_canvas(MAKERS[kind](rng), rng)


def two_digits(first: Strokes, second: Strokes, rng: np.random.Generator, size: int = SIZE) -> Strokes:
    """Two digits' strokes (any units, y down) side by side at the same height, with a gap
    of 10-40% of a digit's height between them, the pair fitted onto the canvas."""
    def unit(strokes: Strokes) -> Strokes:
        points = np.concatenate(strokes)
        low, height = points.min(axis=0), max(float(np.ptp(points[:, 1])), 1e-6)
        return [(s - low) / height for s in strokes]

    left, right = unit(first), unit(second)
    width = float(np.concatenate(left)[:, 0].max())
    shift = width + rng.uniform(0.1, 0.4)
    pair = [*left, *(s + [shift, 0] for s in right)]
    return on_canvas([s / (shift + 1) for s in pair], rng, size)


def render(kinds: list[str], count: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``count`` drawings cycling through ``kinds``, as the app reads them: float32
    (count, 28, 28) from :func:`~digitpad.preprocess.to_mnist`, and each one's kind index."""
    rng = np.random.default_rng(seed)
    which = np.arange(count) % len(kinds)
    images = np.stack([preprocess.to_mnist(preprocess.rasterize(make(kinds[k], rng))) for k in which])
    return images.astype(np.float32), which
