"""When digitpad is sure of an answer: the rule behind "not sure: 4 or 9?".

A network's top probability is a poor guide on its own: nets trained on MNIST can be
confidently wrong on a drawing unlike their data. So two signals are combined: the
vote's top probability, and whether the nets agree with the vote. The thresholds were
chosen on pen-drawn digits (see README, "Knowing when it is not sure").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from digitpad import preprocess

# The vote's top probability must reach MIN_PROBABILITY, and this share of the nets must
# name the same digit (4 of 5: one dissenting MLP is tolerated). Chosen as the highest
# threshold that keeps "not sure" within 5% of the held-out pen-drawn digits on three
# random placements (benchmarks/not_sure.py), so it was tuned on those writers.
MIN_PROBABILITY = 0.88
MIN_AGREEMENT = 0.8
# A drawing whose larger side is under this share of the canvas is "too small: draw it
# larger": the pen is then thick for the digit. Held-out pen digits drawn at 16% of the
# pad's height are read right 74% of the time, at 18% 85%, at 20% 92%, at 40-80% 99%
# (benchmarks/not_sure.py, "tiny"); below 18% the app asks for a larger one.
MIN_EXTENT = 0.18


def judge_batch(probabilities: np.ndarray, members: Mapping[str, np.ndarray],
                min_probability: float | np.ndarray = MIN_PROBABILITY,
                min_agreement: float = MIN_AGREEMENT) -> np.ndarray:
    """(N,) bool: is the answer ``probabilities`` (N, 10) sure? Its top probability must
    reach ``min_probability`` (one for all, or (N,), one per image), and that share of
    ``members`` (name -> (N, 10), the nets behind the answer; one net alone always agrees
    with itself) must name the same digit."""
    digits = probabilities.argmax(axis=1)
    agree = np.mean([m.argmax(axis=1) == digits for m in members.values()], axis=0)
    return (probabilities.max(axis=1) >= min_probability) & (agree >= min_agreement)


TOO_SMALL = "draw it larger"  # short: it takes the big answer's place, the column keeps its width


def too_small(strokes: Sequence[Sequence[Sequence[float]]], size: int = preprocess.CANVAS_SIZE) -> bool:
    """True for an empty pad, or a dot or scribble too small to be a digit."""
    points = [p for stroke in strokes for p in stroke]
    if not points:
        return True
    array = np.asarray(points, dtype=np.float64)
    extent = float((array.max(axis=0) - array.min(axis=0)).max())
    return extent < MIN_EXTENT * size
