"""How long the app waits between a stroke and a 28x28 image: rasterize + to_mnist.

The app runs both on every stroke (and while drawing), so the goal is well under
2 ms per digit on a laptop. Digits are real pen trajectories (UNIPEN, from the shared
data folder) placed on the canvas and thinned to the pad's 1 px step, as the app
records them; without that file a synthetic "2" stands in.

    python benchmarks/preprocess_speed.py [--digits 200] [--repeat 5]

Prints the median time per digit of each step; ``--curve-joint`` also times Pillow's
own ``joint="curve"`` line (what rasterize used before) on the same strokes.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from digitpad import dirs, preprocess

log = logging.getLogger(__name__)

GOAL_MS = 2.0
PAD_STEP = 1.0  # the pad keeps a point only after the pointer moved this far (gui/pad.py)
Strokes = list[np.ndarray]


def pad_like(strokes: Strokes) -> Strokes:
    """Drop points closer than PAD_STEP to the last kept one, as the drawing pad does."""
    thinned = []
    for stroke in strokes:
        kept = [stroke[0]]
        for point in stroke[1:]:
            if np.abs(point - kept[-1]).max() >= PAD_STEP:
                kept.append(point)
        thinned.append(np.asarray(kept))
    return thinned


def synthetic_two() -> Strokes:
    t = np.linspace(np.pi * 1.1, np.pi * 2.3, 40)
    arc = np.c_[140 + 60 * np.cos(t), 100 + 50 * np.sin(t)]
    diagonal = np.linspace(arc[-1], (80, 230), 30)[1:]
    base = np.linspace((80, 230), (210, 230), 30)[1:]
    return [np.vstack([arc, diagonal, base])]


def typical_digits(count: int) -> list[Strokes]:
    """``count`` pen-drawn digits as the pad records them, or the synthetic one."""
    path = dirs.data_dir() / "unipen-digits-dev.npz"
    if not path.is_file():
        log.warning("%s not found: timing a synthetic digit", path)
        return [synthetic_two()]
    from digitpad import drawn

    data = drawn.load(path)
    rng = np.random.default_rng(0)
    picks = rng.choice(len(data), size=min(count, len(data)), replace=False)
    return [pad_like(drawn.place(data.strokes(int(i)), rng)) for i in picks]


def curve_joint_rasterize(strokes: Strokes) -> Image.Image:
    """The previous pen: Pillow's joint="curve" polyline, for comparison."""
    size = preprocess.CANVAS_SIZE
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    width = preprocess.pen_width(size)
    for stroke in strokes:
        if len(stroke) > 1:
            draw.line([tuple(p) for p in stroke.tolist()], fill=255, width=width, joint="curve")
    return image


def median_ms(step: Callable[[Strokes], object], digits: list[Strokes], repeat: int) -> float:
    """Median over digits of the best-of-``repeat`` time (the best filters out noise)."""
    per_digit = []
    for strokes in digits:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            step(strokes)
            best = min(best, time.perf_counter() - start)
        per_digit.append(best)
    return statistics.median(per_digit) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--curve-joint", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    digits = typical_digits(args.digits)
    images = {id(d): preprocess.rasterize(d) for d in digits}
    points = statistics.median(sum(len(s) for s in d) for d in digits)
    print(f"{len(digits)} digits, median {points:.0f} points each")
    steps: dict[str, Callable[[Strokes], object]] = {
        "rasterize": preprocess.rasterize,
        "to_mnist": lambda d: preprocess.to_mnist(images[id(d)]),
        "to_mnist(rasterize)": lambda d: preprocess.to_mnist(preprocess.rasterize(d)),
    }
    if args.curve_joint:
        steps["joint=curve line only"] = curve_joint_rasterize
    for name, step in steps.items():
        print(f"{name:24s} {median_ms(step, digits, args.repeat):7.3f} ms")
    total = median_ms(steps["to_mnist(rasterize)"], digits, args.repeat)
    print(f"goal < {GOAL_MS} ms: {'met' if total < GOAL_MS else 'NOT met'} ({total:.3f} ms)")


if __name__ == "__main__":
    main()
