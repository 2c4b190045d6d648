"""What the app says about a drawing: a digit, or "not sure: 4 or 9?", or nothing.

A network's top probability is a poor guide on its own: nets trained on MNIST can be
confidently wrong on a drawing unlike their data. So two signals are combined: the
vote's top probability, and whether the nets agree with the vote. The thresholds were
chosen on pen-drawn digits (see README, "Knowing when it is not sure").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from digitpad import preprocess

# The vote's top probability must reach MIN_PROBABILITY, and this share of the nets must
# name the same digit (4 of 5: one dissenting MLP is tolerated). Chosen as the highest
# threshold that keeps "not sure" within 5% of the held-out pen-drawn digits on three
# random placements (benchmarks/not_sure.py), so it was tuned on those writers.
MIN_PROBABILITY = 0.88
MIN_AGREEMENT = 0.8
MIN_EXTENT = 0.08  # a drawing smaller than this share of the canvas is too small to read


@dataclass(frozen=True)
class Verdict:
    digit: int  # the vote's answer (shown even when not sure, as the first guess)
    probability: float
    sure: bool
    runner_up: int

    @property
    def text(self) -> str:
        if self.sure:
            return f"{self.digit} ({self.probability * 100:.1f}%)"
        return f"not sure: {self.digit} or {self.runner_up}?"


def judge(probabilities: np.ndarray, member_probabilities: Mapping[str, np.ndarray] | None = None,
          min_probability: float = MIN_PROBABILITY, min_agreement: float = MIN_AGREEMENT) -> Verdict:
    """``probabilities``: (10,) of the chosen net or the vote; ``member_probabilities``:
    each net's (10,), when the vote was asked (agreement is then required too)."""
    p = np.asarray(probabilities, dtype=np.float64).reshape(10)
    order = np.argsort(p)[::-1]
    digit, runner_up = int(order[0]), int(order[1])
    sure = bool(p[digit] >= min_probability)
    if member_probabilities:
        votes = [int(np.argmax(m)) for m in member_probabilities.values()]
        sure = sure and votes.count(digit) / len(votes) >= min_agreement
    return Verdict(digit, float(p[digit]), sure, runner_up)


def judge_batch(probabilities: np.ndarray, members: Mapping[str, np.ndarray], min_probability: float,
                min_agreement: float) -> np.ndarray:
    """Vectorised :func:`judge` for calibration: (N,) bool "sure" for (N, 10) inputs."""
    digits = probabilities.argmax(axis=1)
    agree = np.mean([m.argmax(axis=1) == digits for m in members.values()], axis=0)
    return (probabilities.max(axis=1) >= min_probability) & (agree >= min_agreement)


def too_small(strokes: Sequence[Sequence[Sequence[float]]], size: int = preprocess.CANVAS_SIZE) -> bool:
    """True for an empty pad, or a dot or scribble too small to be a digit."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return True
    array = np.asarray(points, dtype=np.float64)
    extent = float((array.max(axis=0) - array.min(axis=0)).max())
    return extent < MIN_EXTENT * size
