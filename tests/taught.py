"""Taught drawings for the adapt tests: one held-out pen writer's digits, drawn as in the
app and stored through DrawingStore, as a user teaching digitpad would."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad import drawn, preprocess
from digitpad.drawings import DrawingStore


def pen_digits(data: Path) -> drawn.PenDigits:
    path = data / "unipen-digits-dev.npz"
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return drawn.load(path)


def teach(data: Path, per_digit: int, seed: int = 0,
          fewer: dict[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Store ``per_digit`` drawings of each digit by one held-out writer, as the app would
    (``fewer[d]`` fewer of digit ``d``); returns the images and labels stored."""
    pen = pen_digits(data)
    held = drawn.held_out_writers(pen.writers)
    writer = next(w for w in sorted(set(pen.writers[held].tolist()))
                  if min(np.sum((pen.writers == w) & (pen.labels == d)) for d in range(10)) >= per_digit)
    rng = np.random.default_rng(seed)
    drawings = DrawingStore()
    images, labels = [], []
    for digit in range(10):
        count = per_digit - (fewer or {}).get(digit, 0)
        for i in np.flatnonzero((pen.writers == writer) & (pen.labels == digit))[:count]:
            strokes = drawn.place(pen.strokes(int(i)), rng)
            image = preprocess.to_mnist(preprocess.rasterize(strokes))
            drawings.add([s.tolist() for s in strokes], image, digit, {})
            images.append(image)
            labels.append(digit)
    drawings.close()
    return np.stack(images), np.array(labels)
