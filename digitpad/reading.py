"""Reading a digit: the one path from a 28x28 image to what digitpad says about it.

The app, ``digitpad predict``, ``digitpad evaluate`` and the benchmarks all read through
here, so they cannot disagree::

    from digitpad.preprocess import rasterize, to_mnist
    from digitpad.reading import read

    answer = read(to_mnist(rasterize(strokes)))          # the vote, as the app shows it
    answer.digit, answer.probability, answer.sure, answer.text

``read(x, net)``: ``x`` is one (28, 28) image or a stack (N, 28, 28) of them, float in
[0, 1], ink high (what :func:`digitpad.preprocess.to_mnist` returns); ``net`` is
``"vote"`` (default), a net's name (``"B1"`` .. ``"K1"``) or a loaded
:class:`~digitpad.nets.Classifier`. The rule that decides "not sure" is in
:mod:`digitpad.verdict`; its vote is :func:`digitpad.nets.vote.combine`; the check
behind "not a digit" is :mod:`digitpad.notdigit` (it reads K1's features, so it runs
whenever K1 is loaded, whichever net answers).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from digitpad import dirs, notdigit, settings, verdict
from digitpad.nets import VOTE, Classifier, Vote, load_every, registry
from digitpad.nets.cnn import ConvNet
from digitpad.nets.store import WeightsError
from digitpad.nets.threads import one_thread_if_small
from digitpad.nets.vote import combine

log = logging.getLogger(__name__)

CHUNK = 4096  # images per pass through the nets: bounds the memory of a large stack


def percent(probability: float) -> str:
    """``0.998`` -> ``"99.8%"``: one decimal, and never "100.0%" for an answer that is not
    certain (a probability that rounds up to 100% shows as "99.9%")."""
    value = min(float(probability) * 100, 99.9 if probability < 1 else 100.0)
    return f"{value:.1f}%" if value < 100 else "100%"


@dataclass(frozen=True)
class Reading:
    """What digitpad says about one image.

    ``net``: who answered ("vote" or a net's name); ``probabilities``: its ten, float32
    (10,); ``per_net``: every net that was run, by name, (10,) each (for the vote, its
    members); ``digit`` and ``probability``: its top answer; ``runner_up``: the second;
    ``sure``: whether the answer is given as certain (:mod:`digitpad.verdict`; never for
    a drawing that is not a digit); ``not_a_digit``: the drawing does not look like any
    digit (:mod:`digitpad.notdigit`), and ``reason`` says so for people ("that looks like
    two digits", "that doesn't look like a digit"; "" for a digit).
    """

    net: str
    probabilities: np.ndarray
    per_net: Mapping[str, np.ndarray] = field(repr=False)
    digit: int
    probability: float
    runner_up: int
    sure: bool
    not_a_digit: bool = False
    reason: str = ""

    @property
    def text(self) -> str:
        """One line for people: "7 (99.1%)", "not sure: 4 or 9?" or "not a digit"."""
        if self.not_a_digit:
            return "not a digit"
        if self.sure:
            return f"{self.digit} ({percent(self.probability)})"
        return f"not sure: {self.digit} or {self.runner_up}?"

    def as_dict(self) -> dict[str, Any]:
        """For JSON: plain numbers, probabilities rounded to 6 places."""
        return {"net": self.net, "digit": self.digit, "probability": round(self.probability, 6),
                "sure": self.sure, "not_a_digit": self.not_a_digit, "reason": self.reason,
                "runner_up": self.runner_up,
                "text": self.text,
                "probabilities": [round(float(p), 6) for p in self.probabilities],
                "per_net": {name: int(np.argmax(p)) for name, p in self.per_net.items()}}


class Reader:
    """Loaded nets and the rule. ``nets``: by name; default every net whose weights load
    (the user's chosen ones, else the shipped ones). A net that cannot be loaded is left
    out, with the reason in ``missing``."""

    def __init__(self, nets: Mapping[str, Classifier] | None = None,
                 detector_file: str | os.PathLike[str] | None = None) -> None:
        self.missing: dict[str, str] = {}
        if nets is None:
            nets, self.missing = load_every()
        self.nets: dict[str, Classifier] = dict(nets)
        self.detector_file = detector_file  # None: the shipped detector (another: benchmarks)
        self._detector: tuple[object, notdigit.Detector | None, str] = (None, None, "")

    @property
    def detector(self) -> notdigit.Detector | None:
        """The not-a-digit check for the K1 in use (None when it cannot run: see
        :attr:`detector_off`); looked up again whenever ``nets["K1"]`` is replaced."""
        return self._detector_state()[1]

    @property
    def detector_off(self) -> str:
        """Why the not-a-digit check is off ("" when it is on)."""
        return self._detector_state()[2]

    def _detector_state(self) -> tuple[object, notdigit.Detector | None, str]:
        k1 = self.nets.get("K1")
        if self._detector[0] is not k1 or k1 is None:
            found, why = notdigit.for_k1(k1 if isinstance(k1, ConvNet) else None, self.detector_file)
            if why:
                log.info("%s", why)
            self._detector = (k1, found, why)
        return self._detector

    @property
    def fallbacks(self) -> list[str]:
        """Why some nets use the shipped weights instead of the user's chosen ones."""
        return [str(net.meta["fallback"]) for net in self.nets.values() if net.meta.get("fallback")]

    def available(self, name: str) -> bool:
        return bool(self.nets) if name == VOTE else name in self.nets

    def probabilities(self, x: np.ndarray, names: list[str] | None = None) -> dict[str, np.ndarray]:
        """Each named net's probabilities (N, 10) for images ``x`` (default: every net)."""
        return self.evidence(x, names, check=False)[0]

    def evidence(self, x: np.ndarray, names: list[str] | None = None,
                 check: bool = True) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """:meth:`probabilities`, and with ``check`` the not-a-digit probability (N,) of
        each image (None when the check is off). K1's features are computed once for
        both: the check costs one small matrix product when K1 is among ``names``."""
        images = _as_stack(x)
        chosen = {n: self.nets[n] for n in (names if names is not None else self.nets)}
        detector = self.detector if check else None
        parts: dict[str, list[np.ndarray]] = {n: [] for n in chosen}
        scores: list[np.ndarray] = []
        with one_thread_if_small(len(images)):  # once for all the nets, not once each
            for start in range(0, len(images), CHUNK):
                chunk = images[start:start + CHUNK]
                for name, net in chosen.items():
                    if detector is not None and name == "K1" and isinstance(net, ConvNet):
                        probs, features = net.proba_and_features(chunk)
                        scores.append(detector.scores(features))
                    else:
                        probs = net.predict_proba(chunk)
                    parts[name].append(probs)
                if detector is not None and "K1" not in chosen:
                    k1 = self.nets["K1"]
                    assert isinstance(k1, ConvNet)
                    scores.append(detector.scores(k1.proba_and_features(chunk)[1]))
        per_net = {n: np.concatenate(p) if p else np.zeros((0, 10), np.float32) for n, p in parts.items()}
        if detector is None:
            return per_net, None
        return per_net, np.concatenate(scores) if scores else np.zeros(0, np.float32)

    def resolve(self, net: str) -> str:
        """The canonical name of ``net`` ("vote", "B1".."K1"); ValueError for an unknown
        name, WeightsError for a net whose weights did not load."""
        name = VOTE if net.lower() == VOTE else registry.spec(net).name
        if not self.available(name):
            raise WeightsError(self.missing.get(name, f"{name}: no network could be loaded"))
        return name

    def read(self, x: np.ndarray, net: str = VOTE, every_net: bool = False) -> list[Reading]:
        """One :class:`Reading` per image of ``x`` ((N, 28, 28), or one (28, 28) image).
        ``net``: "vote" or a name. ``every_net``: run every net, so ``per_net`` holds all
        of them (the app shows each net's answer); otherwise only what the answer needs."""
        name = self.resolve(net)
        wanted = None if every_net or name == VOTE else [name]
        images = _as_stack(x)
        per_net, scores = self.evidence(images, wanted)
        return self.judge(images, per_net, scores, name)

    def judge(self, images: np.ndarray, per_net: Mapping[str, np.ndarray], scores: np.ndarray | None,
              net: str = VOTE) -> list[Reading]:
        """The readings of ``images`` (N, 28, 28), given what :meth:`evidence` found for
        them: the nets' answers and the not-a-digit check's scores."""
        return readings(per_net, net, self.rejected(images, scores), notdigit.two_parts(images),
                        notdigit.in_doubt(scores))

    def rejected(self, images: np.ndarray, scores: np.ndarray | None) -> np.ndarray:
        """(N,) bool: "not a digit" for ``images`` (N, 28, 28), given the detector's
        ``scores`` from :meth:`evidence` (None when the check is off): the detector says
        so, or the ink is a flat dash (:func:`digitpad.notdigit.dash`, needs no K1)."""
        detector = self.detector
        if detector is None:
            return notdigit.dash(images)
        return notdigit.rejected(images, scores, detector.threshold)


def readings(per_net: Mapping[str, np.ndarray], net: str = VOTE, not_digit: np.ndarray | None = None,
             two_digits: np.ndarray | None = None, in_doubt: np.ndarray | None = None) -> list[Reading]:
    """Readings from probabilities already computed: ``per_net`` maps names to (N, 10).

    ``net``: whose answer; "vote" combines every entry of ``per_net`` and asks them to
    agree (:func:`digitpad.verdict.judge_batch`), a single net is judged alone.
    ``not_digit``: (N,) bool, the images the not-a-digit check rejected (None: none);
    ``two_digits``: (N,) bool, those of them that look like two digits side by side;
    ``in_doubt``: (N,) bool, those the check is in doubt about
    (:func:`digitpad.notdigit.in_doubt`): sure only from
    :data:`digitpad.notdigit.DOUBT_PROBABILITY`."""
    if net == VOTE:
        answer = combine(per_net)
        members: Mapping[str, np.ndarray] = per_net
    else:
        answer, members = per_net[net], {net: per_net[net]}
    rejected = np.zeros(len(answer), bool) if not_digit is None else np.asarray(not_digit, bool)
    two = rejected & (np.zeros(len(answer), bool) if two_digits is None else np.asarray(two_digits, bool))
    least = notdigit.least_probability(in_doubt, verdict.MIN_PROBABILITY)
    sure = verdict.judge_batch(answer, members, least) & ~rejected
    order = np.argsort(-answer, axis=1, kind="stable")
    reasons = np.where(two, notdigit.TWO_DIGITS, np.where(rejected, notdigit.NOT_A_DIGIT, ""))
    return [Reading(net, answer[i], {n: p[i] for n, p in per_net.items()}, int(order[i, 0]),
                    float(answer[i, order[i, 0]]), int(order[i, 1]), bool(sure[i]), bool(rejected[i]),
                    str(reasons[i]))
            for i in range(len(answer))]


def read(x: np.ndarray, net: str | Classifier = VOTE, every_net: bool = False) -> Reading | list[Reading]:
    """What digitpad says about ``x``: a :class:`Reading` for one (28, 28) image, a list of
    them for a stack (N, 28, 28). ``net``: "vote" (default), "B1".."K1", or a loaded
    :class:`~digitpad.nets.Classifier` (a :class:`~digitpad.nets.Vote` reads as the vote of
    its members). Raises ``ValueError`` for images of another shape and
    :class:`~digitpad.nets.WeightsError` when the net cannot be loaded."""
    single = np.ndim(x) == 2
    if isinstance(net, Classifier):
        reader = Reader(_members(net))
        name = VOTE if isinstance(net, Vote) else net.name
    else:
        reader, name = default_reader(), net
    found = reader.read(x, name, every_net)
    return found[0] if single else found


def _members(net: Classifier) -> dict[str, Classifier]:
    return {m.name: m for m in net.members} if isinstance(net, Vote) else {net.name: net}


def _as_stack(x: np.ndarray) -> np.ndarray:
    """float32 (N, 28, 28), or a ValueError naming the shape that was given."""
    images = np.asarray(x, dtype=np.float32)
    if images.shape == (28, 28):
        return images[None]
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected a (28, 28) image or a stack (N, 28, 28), got shape {images.shape}")
    return images


_default: tuple[tuple[object, ...], object, Reader] | None = None  # (file state, choice, nets)


def default_reader() -> Reader:
    """The nets :func:`read` uses by name, loaded once and again only when the choice of
    weights changes: the folders in the environment, or the ``weights`` the settings file
    names (the app also keeps the selected net there, which changes nothing here)."""
    global _default
    state = _weights_key()
    if _default is not None and _default[0] == state:
        return _default[2]
    choice = (state[:2], settings.read().get("weights"))
    reader = _default[2] if _default is not None and _default[1] == choice else Reader()
    _default = (state, choice, reader)
    return reader


def _weights_key() -> tuple[object, ...]:
    """Changes whenever the weights :func:`read` would load may change; costs one stat."""
    home, weights = os.environ.get("DIGITPAD_HOME"), os.environ.get("DIGITPAD_WEIGHTS")
    try:
        stat = os.stat(_settings_file(home))
        changed: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        changed = None
    return (home, weights, changed)


@functools.lru_cache(maxsize=8)
def _settings_file(home: str | None) -> str:
    """:func:`digitpad.dirs.settings_file` for ``DIGITPAD_HOME`` = ``home`` (asked once)."""
    return os.fspath(dirs.settings_file())
