"""The user's drawings for :mod:`digitpad.adapt`: read from the store, checked, split.

Adapting needs at least :data:`MIN_PER_DIGIT` drawings of every digit (fewer, and the
message says how many more of which digits); with :data:`HOLD_OUT_FROM` or more of every
digit, :data:`HOLD_OUT_PER_DIGIT` of each are kept aside to judge the adapted nets on.
"""

from __future__ import annotations

import logging
import os

import numpy as np

log = logging.getLogger(__name__)

MIN_PER_DIGIT = 2  # fewer drawings of a digit than this: ask for more
HOLD_OUT_FROM = 5  # with at least this many of every digit, some are kept aside to judge on
HOLD_OUT_PER_DIGIT = 2


class AdaptError(ValueError):
    """Adapting cannot start: no drawings, a damaged store, too few drawings of some digit."""


def drawings(store_path: str | os.PathLike[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The user's drawings: float32 (N, 28, 28) and int64 (N,) labels, or an AdaptError
    when the store is empty, damaged or unreadable."""
    from digitpad.drawings import DrawingsError, DrawingStore

    try:
        store = DrawingStore(store_path)
    except DrawingsError as exc:
        raise AdaptError(f"cannot read your drawings: {exc}") from exc
    try:
        notice = store.take_notice()
        x, y = store.training_arrays()
    except DrawingsError as exc:
        raise AdaptError(f"cannot read your drawings: {exc}") from exc
    finally:
        store.close()
    if notice and not len(y):
        raise AdaptError(f"{notice} There are no drawings to learn from; teach it some first.")
    if not len(y):
        raise AdaptError(f"no drawings to learn from in {store.path}; draw digits and teach it "
                         f"their labels first (at least {MIN_PER_DIGIT} of each digit)")
    return x, y


def missing_drawings(labels: np.ndarray, per_digit: int = MIN_PER_DIGIT) -> dict[int, int]:
    """Per digit, how many more drawings are needed to have ``per_digit`` of it."""
    counts = np.bincount(labels, minlength=10)
    return {d: int(per_digit - c) for d, c in enumerate(counts) if c < per_digit}


def check_enough(labels: np.ndarray) -> None:
    """An AdaptError saying how many more drawings of which digits are needed, if any."""
    missing = missing_drawings(labels)
    if missing:
        wanted = ", ".join(f"{n} more {d}" + ("s" if n > 1 else "") for d, n in missing.items())
        raise AdaptError(f"too few drawings: {MIN_PER_DIGIT} of each digit are needed; draw "
                         f"{sum(missing.values())} more ({wanted})")


def split_held_out(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """(train indices, judge indices, held_out) for labels ``y`` (N,): :data:`HOLD_OUT_PER_DIGIT`
    of each digit kept aside when every digit has :data:`HOLD_OUT_FROM`, else judge on all."""
    counts = np.bincount(y, minlength=10)
    everything = np.arange(len(y))
    if counts.min() < HOLD_OUT_FROM:
        return everything, everything, False
    rng = np.random.default_rng(seed)
    judge = np.concatenate([rng.permutation(np.flatnonzero(y == d))[:HOLD_OUT_PER_DIGIT] for d in range(10)])
    train = np.setdiff1d(everything, judge)
    return train, np.sort(judge), True
