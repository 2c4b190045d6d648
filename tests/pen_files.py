"""Tiny pen-digit files for tests: writers chosen by which side of the held-out split and
which writer fold their id hashes to, each digit one vertical stroke."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from digitpad import drawn

FOLDS = 5


def writer_ids(count: int, held: bool, fold: int | None = None) -> list[str]:
    """The first ``count`` ids "w0", "w1", ... that are held out (or not), in ``fold`` if given:
    which side of the split an id falls is fixed by its hash, so the test looks them up."""
    found: list[str] = []
    for k in range(10_000):
        name = np.array([f"w{k}"])
        if bool(drawn.held_out_writers(name)[0]) != held:
            continue
        if fold is not None and drawn.writer_folds(name, FOLDS)[0] != fold:
            continue
        found.append(str(name[0]))
        if len(found) == count:
            return found
    raise AssertionError("not enough writer ids")


def pen_file(path: Path, digits: dict[str, list[int]]) -> Path:
    """A pen-digits .npz: per writer, its digits' labels, each one vertical stroke."""
    labels = [label for written in digits.values() for label in written]
    writers = [w for w, written in digits.items() for _ in written]
    points = np.tile(np.array([[0, 0], [0, 10]], np.float32), (len(labels), 1))
    np.savez(path, points=points, stroke_offsets=np.arange(0, 2 * len(labels) + 1, 2),
             sample_offsets=np.arange(len(labels) + 1), labels=np.array(labels, np.uint8),
             writers=np.array(writers))
    return path
