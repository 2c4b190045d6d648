"""Is it a digit at all? The check behind "that doesn't look like a digit".

A softmax over ten digits cannot say "none of these": shown an H, the nets still share
their probability among 0-9, and a third of pen-drawn letters got a confident digit. So
a small net of its own, the *detector*, reads K1's convolutional features (the (N, 3200)
that K1's dense head reads) and gives the probability that the drawing is **not** a digit.
It learned from MNIST and pen-drawn digits (digits) and pen-drawn letters, made-up
scribbles, shapes and pairs of digits (not digits), all by writers it is not measured on
(:mod:`digitpad.train.notdigit_trainer`, README "Not a digit").

Why K1's features and not the pixels or the nets' probabilities: on five folds of the dev
writers it let the fewest letters through at the fewest MNIST digits rejected (README).
The price: the detector fits only the convolutions it was trained on. Adapting K1 keeps
them (only the head changes); a K1 retrained from scratch does not, and then the check
is off, with the reason in :attr:`digitpad.reading.Reader.missing`.

A drawing it is in doubt about (a score from :data:`DOUBT` up to the threshold) stays a
digit, but its answer is sure only from :data:`DOUBT_PROBABILITY`
(:func:`digitpad.reading.readings`): a letter tends to get a middling score and a
middling vote at once, a digit rarely both.

The weights are an ordinary :class:`~digitpad.nets.mlp.MLP` file with two outputs
(digit, not a digit); its metadata holds the threshold and the digest of K1's
convolutions (:meth:`~digitpad.nets.cnn.ConvNet.conv_digest`) it was trained on.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import dirs
from digitpad.nets import mlp
from digitpad.nets.cnn import FLAT, ConvNet
from digitpad.nets.store import WeightsError

log = logging.getLogger(__name__)

FILENAME = "notdigit.npz"
TWO_DIGITS = "that looks like two digits"
NOT_A_DIGIT = "that doesn't look like a digit"
# A drawing the check is in doubt about (its score at least DOUBT, below the threshold) is
# given as a sure digit only from DOUBT_PROBABILITY (not verdict.MIN_PROBABILITY): two
# weak signs together. Chosen on three dev writer folds (README, "Not a digit").
DOUBT, DOUBT_PROBABILITY = 0.1, 0.97
DASH = 0.35  # ink less high than this share of its width is a dash; MNIST's flattest digit: 0.40


@dataclass
class Detector:
    """``net``: 3200 -> ... -> 2 (digit, not a digit); ``threshold``: the not-a-digit
    probability from which a drawing is "not a digit"; ``conv_digest``: K1's convolutions
    it reads the features of."""

    net: mlp.MLP
    threshold: float
    conv_digest: str

    def scores(self, features: np.ndarray) -> np.ndarray:
        """(N, 3200) K1 features -> (N,) float32 probability of "not a digit"."""
        x = np.asarray(features, dtype=self.net.weights[0].dtype)
        return self.net.forward(x)[1][-1][:, 1].astype(np.float32)

    def fits(self, k1: ConvNet) -> bool:
        """Whether ``k1``'s features are the ones this detector learned to read."""
        return k1.conv_digest() == self.conv_digest


def shipped_path() -> Path:
    return dirs.shipped_weights_dir() / FILENAME


def load(path: str | os.PathLike[str] | None = None) -> Detector:
    """The detector in ``path`` (default: the shipped one); :class:`WeightsError` for a
    missing, damaged or wrong file."""
    where = Path(path) if path is not None else shipped_path()
    net = mlp.load(where)
    meta = net.meta
    if net.sizes[0] != FLAT or net.sizes[-1] != 2 or meta.get("input") != "K1 features":
        raise WeightsError(f"{where}: not a not-a-digit detector "
                           f"(sizes {net.sizes}, input {meta.get('input')!r})")
    threshold, digest = meta.get("threshold"), meta.get("k1_conv_digest")
    if not isinstance(threshold, (int, float)) or not 0 < threshold < 1 or not isinstance(digest, str):
        raise WeightsError(f"{where}: the detector's threshold or K1 digest is missing or wrong")
    return Detector(net, float(threshold), digest)


def for_k1(k1: ConvNet | None, path: str | os.PathLike[str] | None = None) -> tuple[Detector | None, str]:
    """The detector in ``path`` (default: the shipped one) if it can read ``k1``'s
    features, else None and why not."""
    if k1 is None:
        return None, "not-a-digit check is off: it reads K1's features and K1 is not loaded"
    try:
        detector = load(path)
    except WeightsError as exc:
        return None, f"not-a-digit check is off: {exc}"
    if not detector.fits(k1):
        return None, ("not-a-digit check is off: it was trained on the shipped K1's features, and the "
                      "K1 in use was retrained from scratch (adapted K1s keep them)")
    return detector, ""


def two_parts(images: np.ndarray, min_share: float = 0.25) -> np.ndarray:
    """(N, 28, 28) -> (N,) bool: the ink falls into a left and a right part with empty
    columns between them, each part holding at least ``min_share`` of the ink and at
    least half the height of the drawing: what two digits side by side look like (a single
    digit's strokes overlap in some column: its bars, bowls and stems meet)."""
    ink = np.asarray(images, dtype=np.float32) > 0.5  # the cores of strokes: blur fills narrow gaps
    out = np.zeros(len(ink), bool)
    for i, mask in enumerate(ink):
        columns = mask.sum(axis=0)
        filled = np.flatnonzero(columns)
        if len(filled) < 3:
            continue
        gaps = np.flatnonzero(np.diff(filled) > 1)
        rows = np.flatnonzero(mask.any(axis=1))
        height = rows[-1] - rows[0] + 1
        for gap in gaps:
            cut = filled[gap] + 1
            left, right = mask[:, :cut], mask[:, cut:]
            share = left.sum() / mask.sum()
            tall = min(_height(left), _height(right)) >= height / 2
            if min_share <= share <= 1 - min_share and tall:
                out[i] = True
                break
    return out


def rejected(images: np.ndarray, scores: np.ndarray | None, threshold: float) -> np.ndarray:
    """(N,) bool, "not a digit": the detector's ``scores`` (None: the check is off) reach
    ``threshold``, or the ink is a flat :func:`dash`."""
    flat = dash(images)
    return flat if scores is None else flat | (np.asarray(scores) >= threshold)


def in_doubt(scores: np.ndarray | None) -> np.ndarray | None:
    """(N,) bool: the detector's ``scores`` reach :data:`DOUBT` (None when the check is off)."""
    return None if scores is None else np.asarray(scores) >= DOUBT


def least_probability(in_doubt: np.ndarray | None, usual: float) -> float | np.ndarray:
    """The top probability an answer needs to be sure: ``usual`` (the not-sure rule's), and
    for the images the check is ``in_doubt`` about (N,) bool, :data:`DOUBT_PROBABILITY`
    (if higher); None: ``usual`` for all."""
    return usual if in_doubt is None else np.where(in_doubt, max(DOUBT_PROBABILITY, usual), usual)


def dash(images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) -> (N, ) bool: the ink is a flat line, less than :data:`DASH` times as
    high as it is wide. No digit is drawn that flat (none of MNIST's 70,000, none of the dev
    file's 4,305 pen digits but six dashes labelled 1), yet the nets read a dash as a
    confident 1: it is what a cut-off bar of an E, F or H, or a minus sign, looks like."""
    ink = np.asarray(images, dtype=np.float32) > 0.2  # low: a thin pen's line has no pixel over 0.5
    height, width = _extents(np.any(ink, axis=2)), _extents(np.any(ink, axis=1))
    return height < DASH * width


def _extents(filled: np.ndarray) -> np.ndarray:
    """(N, L) bool -> (N,) int: from the first True to the last, 0 for none."""
    first, last = filled.argmax(axis=1), filled.shape[1] - 1 - filled[:, ::-1].argmax(axis=1)
    return np.where(filled.any(axis=1), last - first + 1, 0)


def _height(mask: np.ndarray) -> int:
    return int(_extents(np.any(mask, axis=1)[None])[0])
