"""Pen-drawn digits (UNIPEN strokes) drawn on the app's canvas the way a person would.

The dev file holds on-line handwriting: per digit, strokes of (x, y) points in
millimetres (y down). :func:`place` scales and moves a digit onto the 280x280 canvas
(height a random 40-80% of the canvas, at a random position), then the app's own
:func:`digitpad.preprocess.rasterize` and :func:`~digitpad.preprocess.to_mnist` make
the 28x28 image, exactly as when a person draws in the app.
"""

from __future__ import annotations

import logging
import os
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from digitpad import preprocess
from digitpad.datasets.idx import DatasetError

log = logging.getLogger(__name__)

KEYS = ("points", "stroke_offsets", "sample_offsets", "labels", "writers")


@dataclass(frozen=True)
class PenDigits:
    """Strokes of N digits: sample i is strokes ``sample_offsets[i]..[i+1]-1``, stroke j is
    ``points[stroke_offsets[j]:stroke_offsets[j+1]]``."""

    points: np.ndarray  # float32 (M, 2)
    stroke_offsets: np.ndarray  # int64 (S+1,)
    sample_offsets: np.ndarray  # int64 (N+1,)
    labels: np.ndarray  # uint8 (N,)
    writers: np.ndarray  # str (N,)

    def __len__(self) -> int:
        return len(self.labels)

    def strokes(self, i: int) -> list[np.ndarray]:
        so, go = self.stroke_offsets, self.sample_offsets
        return [self.points[so[j]:so[j + 1]] for j in range(go[i], go[i + 1])]

    def subset(self, mask: np.ndarray) -> list[int]:
        return [int(i) for i in np.flatnonzero(mask)]


ZIP_MAGIC = b"PK\x03\x04"  # an .npz is a zip archive of .npy arrays
KNOWN_KINDS = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
               b"\x93NUMPY": "a single numpy array (.npy)"}


def load(path: str | os.PathLike[str]) -> PenDigits:
    """Read the UNIPEN digits file (no pickle), checking its arrays fit together."""
    _check_is_npz(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            missing = [k for k in KEYS if k not in z.files]
            if missing:
                raise DatasetError(f"{path}: not a pen-digits file (missing {', '.join(missing)})")
            data = PenDigits(*(z[k] for k in KEYS))
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{path}: cannot read pen digits ({exc})") from exc
    n, strokes = len(data.labels), len(data.stroke_offsets) - 1
    if (len(data.sample_offsets) != n + 1 or data.sample_offsets[-1] != strokes
            or data.stroke_offsets[-1] != len(data.points) or len(data.writers) != n):
        raise DatasetError(f"{path}: offsets do not match the points, strokes and labels")
    return data


def _check_is_npz(path: str | os.PathLike[str]) -> None:
    """Refuse anything but a zip archive before numpy reads it: given a PNG, numpy's own
    message is about pickled data and ``allow_pickle``, which points the wrong way."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read pen digits ({exc.strerror or exc})") from exc
    if head.startswith(ZIP_MAGIC):
        return
    kind = next((f"it is {name}" for magic, name in KNOWN_KINDS.items() if head.startswith(magic)),
                "it is not an .npz (zip) file")
    raise DatasetError(f"{path}: cannot read pen digits: {kind}. --drawn and --pen-digits take the UNIPEN "
                       f"strokes file, an .npz such as unipen-digits-dev.npz; 'digitpad predict IMAGE' "
                       f"reads the digit in an image")


def place(strokes: list[np.ndarray], rng: np.random.Generator, size: int = preprocess.CANVAS_SIZE,
          height: tuple[float, float] = (0.4, 0.8)) -> list[np.ndarray]:
    """Strokes moved onto a ``size`` canvas as a person would draw them: the digit's height
    a random share of the canvas in ``height``, aspect kept, at a random position inside."""
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = np.maximum(high - low, 1e-6)
    margin = preprocess.pen_width(size) / 2 + 1
    target = rng.uniform(*height) * size
    scale = min(target / extent[1], (size - 2 * margin) / extent[0])
    room = np.maximum(size - 2 * margin - extent * scale, 0)
    offset = margin + rng.uniform(0, 1, 2) * room
    return [(s - low) * scale + offset for s in strokes]


def render(data: PenDigits, indices: list[int], seed: int = 0,
           widths: tuple[float, float] | None = None) -> np.ndarray:
    """float32 (len(indices), 28, 28): each digit placed, rasterized and preprocessed.
    ``widths``: each drawn with a pen of a random diameter in that range (canvas pixels),
    as a scan or a photo may be; default the app's pen."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(indices), 28, 28), np.float32)
    for k, i in enumerate(indices):
        strokes = place(data.strokes(i), rng)
        width = None if widths is None else float(rng.uniform(*widths))
        out[k] = preprocess.to_mnist(preprocess.rasterize(strokes, width=width))
    return out


HELD_OUT_SHARE = 0.25


def held_out_writers(writers: np.ndarray, share: float = HELD_OUT_SHARE) -> np.ndarray:
    """(N,) bool: True for samples whose writer is held out of training.

    A writer's side is fixed by a hash of the writer id (not by position in the file), so
    the split is the same in every run and every tool, and no writer is on both sides.
    """
    buckets = np.array([zlib.crc32(str(w).encode()) % 1000 for w in writers])
    return buckets < share * 1000


FOLDS = 5


def writer_folds(writers: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """(N,) int in [0, folds): each sample's writer fold, for cross-validation over writers.

    Like :func:`held_out_writers`, a writer's fold is fixed by a hash of the writer id, so
    every tool puts a writer in the same fold, and all of a writer's samples share one.
    Only writers that are not held out are meant to be split this way (training writers).
    """
    if folds < 2:
        raise ValueError(f"writer folds: need at least 2, got {folds}")
    return np.array([zlib.crc32(b"fold:" + str(w).encode()) % folds for w in writers], dtype=np.int64)


def in_fold(writers: np.ndarray, fold: int, folds: int = FOLDS) -> np.ndarray:
    """(N,) bool: the samples of training writers (never held-out ones) in ``fold``."""
    return ~held_out_writers(writers) & (writer_folds(writers, folds) == fold)


def render_copies(data: PenDigits, indices: list[int], copies: int, seed: int = 0,
                  widths: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each digit drawn ``copies`` times at different random sizes and places (and pen
    widths, see :func:`render`), for training: images float32 (len * copies, 28, 28) and
    labels int64."""
    images = np.concatenate([render(data, indices, seed=seed + 7919 * c, widths=widths)
                             for c in range(copies)])
    return images, np.tile(data.labels[indices].astype(np.int64), copies)
