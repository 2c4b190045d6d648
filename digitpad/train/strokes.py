"""Stroke-level augmentation: distort a pen-drawn digit's strokes the way real writing
varies, before the app's own rasterize and to_mnist draw it (issue #13).

Pen data are strokes, so some of what differs between writers and devices is easiest to
imitate there rather than on the 28x28 image: where each stroke is put down, the slant,
how often the device samples, where a stroke starts and stops, how thick the pen is,
and whether the writer lifts the pen between strokes. Every transform is a small pure
function of float (P, 2) point arrays (``(x, y)``, y down, any unit); lengths are given
as a share of the digit's size (its longer side), so they mean the same on a tablet's
millimetres and on the canvas's pixels. :func:`augment` draws random parameters for all
of them from one ``np.random.Generator``: the same seed gives the same strokes.
Numpy only, no Tk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from digitpad import drawn, preprocess

log = logging.getLogger(__name__)

VERSION = 1  # recorded in a trained net's description; bump when the distortions change


def digit_size(strokes: list[np.ndarray]) -> float:
    """The longer side of the strokes' bounding box (at least 1e-6, so shares of it are finite)."""
    points = np.concatenate(strokes)
    return float(max(np.ptp(points, axis=0).max(), 1e-6))


def affine_stroke(stroke: np.ndarray, angle: float = 0.0, scale: float = 1.0, shear: float = 0.0,
                  shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """One stroke turned by ``angle`` (radians), scaled and sheared about its own centre, then
    moved by ``shift``. Imitates where and how a writer puts each stroke down: a 7's
    crossbar a little higher or tilted, a 4's second stroke a little off the first. The
    identity parameters give the stroke back."""
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = scale * np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]])
    centre = (stroke.min(axis=0) + stroke.max(axis=0)) / 2
    return (stroke - centre) @ matrix.T + centre + np.asarray(shift)


def slant(strokes: list[np.ndarray], angle: float) -> list[np.ndarray]:
    """The whole digit sheared so that its verticals lean right by ``angle`` radians (left
    when negative), about its vertical centre. Imitates a writer's slant, which MNIST's
    writers had and a pad's users have each their own of."""
    points = np.concatenate(strokes)
    middle = (points[:, 1].min() + points[:, 1].max()) / 2
    lean = np.tan(angle)
    return [s + np.column_stack([lean * (middle - s[:, 1]), np.zeros(len(s))]) for s in strokes]


def coarsen(stroke: np.ndarray, step: int) -> np.ndarray:
    """Every ``step``-th point, first and last kept. The source samples at a fixed rate, so
    this is the same pen movement seen by a device that reports ``step`` times less often
    (a 100 ms tablet, a fast mouse, the app while it is busy): curves become polygons."""
    if step < 1:
        raise ValueError(f"coarsen: step must be 1 or more, not {step}")
    keep = np.arange(0, len(stroke), step)
    if keep[-1] != len(stroke) - 1:
        keep = np.append(keep, len(stroke) - 1)
    return stroke[keep]


def extend_end(stroke: np.ndarray, length: float, at_start: bool = False) -> np.ndarray:
    """The stroke carried on past its end (or before its start) by ``length``, straight on
    in the direction of its last few points. Imitates an overshoot as the pen lifts, a tail
    on a 9's stem or a 1's foot. A one-point stroke (a dot) has no direction: unchanged."""
    points = stroke[::-1] if at_start else stroke
    direction = points[-1] - points[max(0, len(points) - 4)]
    norm = float(np.hypot(*direction))
    if norm < 1e-9 or length <= 0:
        return stroke
    longer = np.vstack([points, points[-1] + direction / norm * length])
    return longer[::-1] if at_start else longer


def truncate(stroke: np.ndarray, share: float, at_start: bool = False) -> np.ndarray:
    """The stroke with ``share`` (0-1) of its length cut off its end (or start), the cut
    point interpolated. Imitates a pen that touches down late or lifts early, and a
    device that loses the first or last points: a 0 left open, a 4's stem short."""
    points = stroke[::-1] if at_start else stroke
    arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    if len(points) < 2 or arc[-1] <= 0 or share <= 0:
        return stroke
    cut = arc[-1] * (1 - min(share, 1.0))
    last = max(1, int(np.searchsorted(arc, cut, side="left")))  # points[:last] lie before the cut
    t = (cut - arc[last - 1]) / max(arc[last] - arc[last - 1], 1e-12)
    shorter = np.vstack([points[:last], points[last - 1] + t * (points[last] - points[last - 1])])
    return shorter[::-1] if at_start else shorter


def join(strokes: list[np.ndarray], index: int) -> list[np.ndarray]:
    """Strokes ``index`` and ``index + 1`` made one, the pen dragged from the end of the first
    to the start of the second. Imitates a fast writer who does not lift the pen: a 4 or a
    crossed 7 drawn in one stroke, with the connecting line on the paper."""
    if not 0 <= index < len(strokes) - 1:
        raise ValueError(f"join: no strokes {index} and {index + 1} among {len(strokes)}")
    return [*strokes[:index], np.vstack([strokes[index], strokes[index + 1]]), *strokes[index + 2:]]


@dataclass(frozen=True)
class StrokeAugment:
    """How often (``p_*``, per digit or per stroke end) and how far each distortion goes;
    lengths as a share of the digit's size. Chosen so a distorted digit stays the digit."""

    p_join: float = 0.2  # per digit with two strokes or more
    p_jitter: float = 0.5  # per stroke
    angle: float = 0.1  # radians, jitter's largest turn of a stroke
    scale: float = 0.08  # jitter's largest change of a stroke's size (share)
    shear: float = 0.1
    shift: float = 0.04  # jitter's largest move of a stroke
    slant: float = 0.3  # radians, the largest slant either way (about 17 degrees)
    p_end: float = 0.15  # per stroke end: extended, or else with the same chance truncated
    extend: float = 0.12
    cut: float = 0.12  # largest share of a stroke's own length cut off
    p_coarsen: float = 0.35  # per digit: the whole digit seen by a slower device
    max_step: int = 6
    width: tuple[float, float] = (0.7, 1.4)  # the pen's diameter as a share of the app's


def _jittered(stroke: np.ndarray, size: float, rng: np.random.Generator, p: StrokeAugment) -> np.ndarray:
    return affine_stroke(stroke, angle=rng.uniform(-p.angle, p.angle),
                         scale=1 + rng.uniform(-p.scale, p.scale), shear=rng.uniform(-p.shear, p.shear),
                         shift=tuple(rng.uniform(-p.shift, p.shift, 2) * size))


def _ends(stroke: np.ndarray, size: float, rng: np.random.Generator, p: StrokeAugment) -> np.ndarray:
    for at_start in (True, False):
        chance = rng.uniform()
        if chance < p.p_end:
            stroke = extend_end(stroke, rng.uniform(0, p.extend) * size, at_start)
        elif chance < 2 * p.p_end:
            stroke = truncate(stroke, rng.uniform(0, p.cut), at_start)
    return stroke


def augment(strokes: list[np.ndarray], rng: np.random.Generator,
            params: StrokeAugment | None = None) -> list[np.ndarray]:
    """The digit's strokes float64 (P, 2) each, distorted: perhaps two joined, each perhaps
    jittered and its ends extended or cut, the whole slanted, then perhaps coarsened (last,
    as a device samples what the hand did). As many strokes, or one fewer when joined."""
    p = params or StrokeAugment()
    out = [np.asarray(s, np.float64) for s in strokes]
    size = digit_size(out)
    if len(out) > 1 and rng.uniform() < p.p_join:
        out = join(out, int(rng.integers(len(out) - 1)))
    out = [_jittered(s, size, rng, p) if rng.uniform() < p.p_jitter else s for s in out]
    out = [_ends(s, size, rng, p) for s in out]
    out = slant(out, rng.uniform(-p.slant, p.slant))
    if rng.uniform() < p.p_coarsen:
        step = int(rng.integers(2, p.max_step + 1))
        out = [coarsen(s, step) for s in out]
    return out


def keep_ink_inside(strokes: list[np.ndarray], width: float,
                    size: int = preprocess.CANVAS_SIZE) -> list[np.ndarray]:
    """Strokes moved, and shrunk only if they must be, so that a pen of diameter ``width``
    leaves a pixel between the ink and every edge (:func:`drawn.place` leaves room for
    the app's pen only)."""
    points = np.concatenate(strokes)
    low, span = points.min(axis=0), np.ptp(points, axis=0)
    edge = width / 2 + 1
    scale = min(1.0, (size - 2 * edge) / max(float(span.max()), 1e-6))
    offset = np.clip(low, edge, size - edge - span * scale)
    return [(s - low) * scale + offset for s in strokes]


def render_copies(data: drawn.PenDigits, indices: list[int], copies: int, seed: int = 0,
                  params: StrokeAugment | None = None) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`drawn.render_copies`, each copy's strokes distorted by :func:`augment` and drawn
    with a random pen width: images float32 (len(indices) * copies, 28, 28), labels int64."""
    p = params or StrokeAugment()
    app_pen = preprocess.pen_width()
    images = np.zeros((copies * len(indices), 28, 28), np.float32)
    for copy in range(copies):
        rng = np.random.default_rng([seed, copy])
        for k, i in enumerate(indices):
            width = app_pen * rng.uniform(*p.width)
            placed = keep_ink_inside(drawn.place(augment(data.strokes(i), rng, p), rng), width)
            image = preprocess.rasterize(placed, width=width)
            images[copy * len(indices) + k] = preprocess.to_mnist(image)
    log.debug("drew %d pen digits x%d with stroke augmentation v%d", len(indices), copies, VERSION)
    return images, np.tile(data.labels[indices].astype(np.int64), copies)
