"""How good is each net: confusion matrices and the most confident mistakes, on the MNIST
test set and on the user's own drawings (Network ▸ How good is it?…; no Tk in here).

Everything is read as the app reads it: each net's probabilities from
:meth:`digitpad.reading.Reader.probabilities`, answers from :func:`digitpad.reading.readings`
(so the vote's matrix is the vote the app shows, not a plain mean). The MNIST test set's
probabilities depend only on the weights files and the data, so :func:`mnist_test` keeps
them per weights (a hash of the parameters), in memory and in the user folder: reopening
the window, or starting the app again, is instant; other weights for one net recompute
only that net.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import datasets, dirs
from digitpad.atomic import atomic_write_bytes
from digitpad.drawings import DrawingStore
from digitpad.evaluate import Report
from digitpad.nets import VOTE, Classifier
from digitpad.reading import Reader, readings

log = logging.getLogger(__name__)

MISTAKES = 24  # most confident mistakes kept per net
Progress = Callable[[str, float], None]  # (what is being done, share done 0..1)


@dataclass(frozen=True)
class Mistake:
    """One misread image: ``index`` into its set, the ``label`` it has, the ``answer`` the
    net gave and that answer's ``probability``; ``image`` float32 (28, 28), ink high."""

    index: int
    label: int
    answer: int
    probability: float
    image: np.ndarray

    @property
    def id(self) -> int:  # what a thumbnail grid selects by
        return self.index


@dataclass(frozen=True)
class NetQuality:
    """One net on one set: ``confusion`` int64 (10, 10), row = true digit, column = answer."""

    net: str
    confusion: np.ndarray
    mistakes: list[Mistake]

    @property
    def count(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / self.count) if self.count else 0.0


@dataclass(frozen=True)
class Scored:
    """A labelled set and every net's probabilities on it: ``images`` float32 (N, 28, 28),
    ``labels`` int64 (N,), ``per_net`` name -> float32 (N, 10)."""

    name: str
    images: np.ndarray
    labels: np.ndarray
    per_net: Mapping[str, np.ndarray]

    @property
    def nets(self) -> list[str]:
        """The nets that can be judged: each loaded one, and the vote when there are any."""
        return [*self.per_net, VOTE] if self.per_net else []

    def quality(self, net: str, keep: int = MISTAKES) -> NetQuality:
        """``net``'s confusion matrix and its ``keep`` most confident mistakes, surest first."""
        answers = readings(self.per_net, net) if len(self.labels) else []
        predicted = np.array([r.digit for r in answers], np.int64)
        confusion = Report(net, self.labels, predicted).confusion()
        wrong = [i for i, r in enumerate(answers) if r.digit != self.labels[i]]
        wrong.sort(key=lambda i: (-answers[i].probability, i))
        mistakes = [Mistake(i, int(self.labels[i]), answers[i].digit, answers[i].probability,
                            self.images[i]) for i in wrong[:keep]]
        return NetQuality(net, confusion, mistakes)

    def judge(self, keep: int = MISTAKES) -> dict[str, NetQuality]:
        """:meth:`quality` of every net and the vote (about 0.1 s each on 10,000 images)."""
        return {net: self.quality(net, keep) for net in self.nets}


def score(name: str, nets: Mapping[str, Classifier], images: np.ndarray, labels: np.ndarray) -> Scored:
    """Every net of ``nets`` on ``images`` (N, 28, 28), labels (N,)."""
    x = np.asarray(images, np.float32)
    per_net = Reader(nets).probabilities(x) if len(x) else {n: np.zeros((0, 10), np.float32) for n in nets}
    return Scored(name, x, np.asarray(labels, np.int64), per_net)


def mnist_images() -> tuple[np.ndarray, np.ndarray]:
    """The MNIST test set: float32 (10000, 28, 28) in [0, 1] and int64 labels (10000,);
    :class:`~digitpad.datasets.DatasetError` saying why when it is not in the data folder."""
    data = datasets.load("mnist")
    return data.test_images.astype(np.float32) / 255.0, data.test_labels.astype(np.int64)


def weights_hash(net: Classifier) -> str:
    """What ``net``'s answers depend on: its name and parameters, hashed (a few ms)."""
    digest = hashlib.sha256(net.name.encode())
    for array in net.parameters():
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:24]


class ProbabilityCache:
    """Each net's MNIST test probabilities (10000, 10), in memory and in the user folder
    (``quality-cache/``), under the hash of its weights and of the test images: the same
    weights are read once, ever; other weights for one net recompute only that net."""

    def __init__(self) -> None:
        self.test_set: tuple[np.ndarray, np.ndarray, str] | None = None  # images, labels, hash
        self._source: tuple[object, ...] = ()  # the files test_set was read from
        self._known: dict[str, np.ndarray] = {}
        self._hashes: weakref.WeakKeyDictionary[Classifier, str] = weakref.WeakKeyDictionary()

    def images(self) -> tuple[np.ndarray, np.ndarray, str]:
        """The MNIST test set (read again when the data folder's files change) and its hash."""
        source = _test_files()
        if self.test_set is None or source != self._source:
            images, labels = mnist_images()
            digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()[:16]
            self.test_set, self._source = (images, labels, digest), source
        return self.test_set

    def key(self, net: Classifier) -> str:
        if net not in self._hashes:
            self._hashes[net] = weights_hash(net)
        return f"{net.name}-{self._hashes[net]}-{self.images()[2]}"

    def ready(self) -> bool:
        """Whether the test set is loaded and its files unchanged (so nothing has to be read)."""
        return self.test_set is not None and self._source == _test_files()

    def holds(self, net: Classifier) -> bool:
        """Whether ``net``'s probabilities are at hand in memory."""
        return self.ready() and self.key(net) in self._known

    def probabilities(self, net: Classifier) -> np.ndarray:
        """``net`` on the MNIST test set, float32 (N, 10): kept, read from disk or computed."""
        key = self.key(net)
        if key not in self._known:
            found = self._from_disk(key)
            self._known[key] = found if found is not None else self._compute(net, key)
        return self._known[key]

    def _from_disk(self, key: str) -> np.ndarray | None:
        path = cache_folder() / f"{key}.npy"
        try:
            found = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("cannot read %s (%s); computing it again", path, exc)
            return None
        if found.shape == (len(self.images()[1]), 10) and found.dtype == np.float32:
            return found
        log.warning("%s has the wrong shape %s; computing it again", path, found.shape)
        return None

    def _compute(self, net: Classifier, key: str) -> np.ndarray:
        computed = Reader({net.name: net}).probabilities(self.images()[0])[net.name]
        buffer = io.BytesIO()
        np.save(buffer, computed, allow_pickle=False)
        try:
            atomic_write_bytes(cache_folder() / f"{key}.npy", buffer.getvalue())
        except OSError as exc:  # a read-only user folder costs only the time next time
            log.warning("cannot keep %s's MNIST test answers: %s", net.name, exc)
        return computed


def _test_files() -> tuple[object, ...]:
    """The data folder and its MNIST test files' sizes and times: changes when they do."""
    folder = dirs.data_dir()
    try:
        found = sorted((os.fspath(p), p.stat().st_size, p.stat().st_mtime_ns)
                       for p in folder.glob("**/t10k-*"))
    except OSError:
        found = []
    return (os.fspath(folder), *found)


def cache_folder() -> Path:
    return dirs.user_dir() / "quality-cache"


CACHE = ProbabilityCache()


_judged: dict[tuple[str, ...], dict[str, NetQuality]] = {}  # the nets' cache keys -> verdicts


def _keys(nets: Mapping[str, Classifier]) -> tuple[str, ...] | None:
    """The cache keys of ``nets`` once the test set is loaded (None before)."""
    return tuple(CACHE.key(net) for net in nets.values()) if CACHE.ready() else None


def cached(nets: Mapping[str, Classifier]) -> dict[str, NetQuality] | None:
    """What :func:`mnist_judged` would return for ``nets``, if it is at hand (a few ms)."""
    keys = _keys(nets)
    return _judged.get(keys) if keys is not None else None


def mnist_test(nets: Mapping[str, Classifier], progress: Progress | None = None) -> Scored:
    """Every net of ``nets`` on the MNIST test set, each read once per weights ever.

    ``progress(what, share)`` is called before each net (from the calling thread: the
    window calls this off the Tk thread and forwards it)."""
    images, labels, _ = CACHE.images()
    per_net: dict[str, np.ndarray] = {}
    for done, (name, net) in enumerate(nets.items()):
        if progress is not None and not CACHE.holds(net):
            progress(f"{name} reading {len(labels):,} MNIST test digits", done / len(nets))
        per_net[name] = CACHE.probabilities(net)
    return Scored("MNIST test", images, labels, per_net)


def mnist_judged(nets: Mapping[str, Classifier], progress: Progress | None = None) -> dict[str, NetQuality]:
    """:meth:`Scored.judge` of :func:`mnist_test`, kept per set of weights."""
    found = cached(nets)
    if found is None:
        scored = mnist_test(nets, progress)
        if progress is not None:
            progress("counting the answers", 1.0)
        found = _judged.setdefault(tuple(CACHE.key(net) for net in nets.values()), scored.judge())
    return found


def my_drawings(nets: Mapping[str, Classifier], store: DrawingStore) -> Scored:
    """Every net of ``nets`` on the user's saved drawings (their 28x28 images and labels)."""
    images, labels = store.training_arrays()
    return score("my drawings", nets, images, labels)
