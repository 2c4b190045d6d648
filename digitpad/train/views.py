"""A teacher's answers on a fixed pool of augmented views of the training set.

Distillation teaches best when the teacher answers for exactly the image the student is
shown ("consistent teaching": Beyer et al. 2022, *Knowledge distillation: A good teacher
is patient and consistent*). A rotated, sheared 7 may honestly look a bit like a 1, and
the student should learn that about *that* image, not the teacher's view of the
undistorted original. K1 is too slow in numpy to answer for fresh augmentations every
epoch, so the training set gets a pool of V augmented views instead: view v is made
reproducibly from (seed, v), the teacher answers once for every image of every view,
and epoch e trains on view (e - 1) mod V.

The answers are cached in the user's folder under a key made of everything that
decides them (teacher weights, training images and labels, augmentation, seed, V), so
the nets trained on the same data share one computation, and a machine with a GPU can
make it (``--teacher-runtime keras``) for a slower one to train with.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import dirs
from digitpad.atomic import atomic_write_bytes
from digitpad.train.augment import VERSION as AUGMENT_VERSION
from digitpad.train.augment import Strength, augment

log = logging.getLogger(__name__)
CHUNK = 4096  # images augmented per random generator; fixes the draws whatever the machine
PROBES = 64  # images per view whose ink sum is stored, to check a view is made the same way
FORMAT, VERSION = "digitpad-teacher-views", 1
WORKERS = max(1, min(4, (os.cpu_count() or 1) // 4))  # threads per view; one on a small machine
Predict = Callable[[np.ndarray], np.ndarray]


def make_view(x: np.ndarray, seed: int, view: int, strength: Strength | None) -> np.ndarray:
    """View ``view`` of images ``x`` (N, 28, 28): each chunk of images is augmented by a
    generator seeded with (seed, view, chunk start), so a view never depends on the order
    of training, on how many threads make it, or on which machine."""
    if strength is None:
        return x
    out = np.empty_like(x)

    def fill(start: int) -> None:
        rng = np.random.default_rng([seed, view, start])
        out[start:start + CHUNK] = augment(x[start:start + CHUNK], rng, strength)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(fill, range(0, len(x), CHUNK)))  # numpy releases the GIL in its loops
    return out


def probe_sums(images: np.ndarray) -> np.ndarray:
    """Ink sums of PROBES evenly spaced images: float64 (PROBES,)."""
    picks = np.linspace(0, len(images) - 1, PROBES).astype(int)
    return images[picks].sum(axis=(1, 2), dtype=np.float64)


@dataclass
class TeacherViews:
    """``probs``: float16 (V, N, 10), the teacher's probabilities for image i of view v.
    ``probes``: float64 (V, PROBES), :func:`probe_sums` of each view as the teacher saw it."""

    probs: np.ndarray
    probes: np.ndarray

    @property
    def views(self) -> int:
        return len(self.probs)

    def check(self, view: int, images: np.ndarray) -> None:
        """Raise ValueError unless ``images`` are the view the teacher answered for
        (up to float rounding and small rendering differences between machines)."""
        if not np.allclose(probe_sums(images), self.probes[view], rtol=1e-3, atol=0.05):
            raise ValueError(f"view {view} of the training images differs from the one the teacher's "
                             "cached answers were made for; delete the cache file to recompute it")

    def targets(self, view: int, labels: np.ndarray, weight: float, temperature: float) -> np.ndarray:
        return mix(self.probs[view], labels, weight, temperature)


def mix(probs: np.ndarray, labels: np.ndarray, weight: float, temperature: float) -> np.ndarray:
    """(N, 10) float32 targets: (1 - weight) * one-hot label + weight * the teacher's
    answers ``probs`` (N, 10) softened by ``temperature`` (p ** (1/T), renormalised)."""
    soft = np.maximum(probs.astype(np.float64), 0.0) ** (1 / temperature)
    soft /= soft.sum(axis=1, keepdims=True)
    hard = np.zeros_like(soft)
    hard[np.arange(len(labels)), labels] = 1.0
    return ((1 - weight) * hard + weight * soft).astype(np.float32)


def compute(predict: Predict, x: np.ndarray, seed: int, views: int, strength: Strength | None,
            on_view: Callable[[int], None] = lambda v: None) -> TeacherViews:
    """Make every view and ask ``predict`` ((N, 28, 28) -> (N, 10)) about it. The next
    view is augmented in a background thread while the teacher reads the current one."""
    probs = np.empty((views, len(x), 10), np.float16)
    probes = np.empty((views, PROBES))
    for v, images in view_stream(x, seed, views, strength, views):
        probs[v] = predict(images)
        probes[v] = probe_sums(images)
        on_view(v)
    return TeacherViews(probs, probes)


def view_stream(x: np.ndarray, seed: int, views: int, strength: Strength | None,
                epochs: int) -> Iterator[tuple[int, np.ndarray]]:
    """(view index, images) for each epoch in turn, the next one made in the background."""
    order = [(epoch % views) for epoch in range(epochs)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(make_view, x, seed, order[0], strength) if order else None
        for k, view in enumerate(order):
            assert pending is not None
            images = pending.result()
            if k + 1 < len(order):
                pending = pool.submit(make_view, x, seed, order[k + 1], strength)
            yield view, images


def cache_key(teacher_file: str | os.PathLike[str], x: np.ndarray, y: np.ndarray, description: str,
              augment_name: str, seed: int, views: int) -> str:
    """What decides the answers, hashed. The images enter by shape and description, not
    by their bytes: pen digits rendered by another Pillow differ in the last bits, which
    :meth:`TeacherViews.check` tolerates."""
    parts = {"format": FORMAT, "version": VERSION, "teacher": _sha256(Path(teacher_file).read_bytes()),
             "shape": list(x.shape), "labels": _sha256(np.ascontiguousarray(y, np.int64).tobytes()),
             "data": description, "augment": augment_name, "augment_version": AUGMENT_VERSION,
             "seed": seed, "views": views}
    return _sha256(json.dumps(parts, sort_keys=True).encode())[:24]


def cache_path(key: str) -> Path:
    return dirs.user_dir() / "teacher-views" / f"{key}.npz"


def save(path: Path, table: TeacherViews) -> None:
    buffer = io.BytesIO()
    meta = np.frombuffer(json.dumps({"format": FORMAT, "version": VERSION}).encode(), np.uint8)
    np.savez_compressed(buffer, probs=table.probs, probes=table.probes, meta=meta)  # ~30% of the size
    atomic_write_bytes(path, buffer.getvalue())


def load(path: Path, views: int, n: int) -> TeacherViews:
    """Read a cache file, or raise ValueError saying what is wrong with it."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode())
            probs, probes = z["probs"], z["probes"]
    except Exception as exc:  # noqa: BLE001 - numpy's readers raise many kinds on a damaged file
        raise ValueError(f"{path}: damaged teacher answers ({exc}); delete it to recompute") from exc
    if meta != {"format": FORMAT, "version": VERSION}:
        raise ValueError(f"{path}: not a version-{VERSION} teacher answers file")
    if probs.shape != (views, n, 10) or probs.dtype != np.float16 or probes.shape != (views, PROBES):
        raise ValueError(f"{path}: holds answers of shape {probs.shape}, expected {(views, n, 10)}")
    if not np.isfinite(probs).all():
        raise ValueError(f"{path}: holds answers that are not numbers")
    return TeacherViews(probs, probes)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
