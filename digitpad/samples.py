"""A test digit whose true label is known, to put on the pad: a random MNIST test digit,
or a pen-drawn UNIPEN digit by a writer no net was trained on, drawn as the app draws
(no Tk in here; "Give me a test digit" in Network ▸ How good is it?…).
"""

from __future__ import annotations

import functools
import logging
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from digitpad import dirs, drawn, preprocess
from digitpad.datasets.idx import DatasetError

log = logging.getLogger(__name__)

PEN_FILE = "unipen-digits-dev.npz"
SOURCES = {"mnist": "MNIST test", "pen": "pen-drawn"}
PICTURE = preprocess.CANVAS_SIZE  # pixels of the picture shown on the pad


@dataclass(frozen=True)
class TestDigit:
    """``image`` float32 (28, 28) in [0, 1], ink high, as the nets read it; ``picture``: the
    same digit for the pad, dark ink on white; ``label``: its true digit; ``caption``: where
    it is from ("MNIST test digit #1234")."""

    image: np.ndarray
    picture: Image.Image
    label: int
    caption: str


def picture_of(image: np.ndarray) -> Image.Image:
    """A (28, 28) image in [0, 1], ink high, as a 280x280 picture for the pad: dark ink on
    white, square pixels (what the nets read, not a smoothed guess)."""
    ink = Image.fromarray(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8))
    return ImageOps.invert(ink).resize((PICTURE, PICTURE), Image.Resampling.NEAREST)


def mnist_digit(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> TestDigit:
    """A random one of ``images`` (N, 28, 28) float in [0, 1] with ``labels`` (N,)."""
    index = int(rng.integers(len(labels)))
    image = np.asarray(images[index], np.float32)
    return TestDigit(image, picture_of(image), int(labels[index]), f"MNIST test digit #{index}")


@functools.lru_cache(maxsize=2)
def _pen_digits(path: str) -> tuple[drawn.PenDigits, np.ndarray]:
    """The pen digits and the indices of those by held-out writers (read once)."""
    data = drawn.load(path)
    return data, np.flatnonzero(drawn.held_out_writers(data.writers))


def pen_digit(rng: np.random.Generator, path: str | os.PathLike[str] | None = None) -> TestDigit:
    """A random pen-drawn digit by a held-out writer, placed on the 280x280 canvas as a
    person would draw it (:func:`digitpad.drawn.place`), rasterized and preprocessed by the
    app's own functions. ``path``: the UNIPEN file (default: in the data folder);
    :class:`~digitpad.datasets.DatasetError` when it is not there."""
    where = os.fspath(path or dirs.data_dir() / PEN_FILE)
    if not os.path.isfile(where):
        raise DatasetError(f"no pen-drawn digits: {where} is missing")
    data, held_out = _pen_digits(where)
    index = int(held_out[rng.integers(len(held_out))])
    canvas = preprocess.rasterize(drawn.place(data.strokes(index), rng))
    return TestDigit(preprocess.to_mnist(canvas), ImageOps.invert(canvas), int(data.labels[index]),
                     f"pen-drawn digit #{index} by {data.writers[index]}")
