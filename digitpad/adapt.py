"""Teach the nets the user's handwriting: fine-tune from the current weights, in seconds.

Retraining from scratch on a few dozen of the user's drawings mixed into MNIST takes
minutes and costs MNIST accuracy. Adapting instead starts from the net as it is and
takes a few hundred Adam steps on mini-batches that mix

* the user's drawings (from :class:`digitpad.drawings.DrawingStore`), freshly distorted
  each time (:func:`digitpad.train.augment.augment`, "light"), so that 30 drawings are
  not simply memorised, and
* a *replay* of MNIST training images whose targets are mostly the net's own answers
  before adapting (distillation) and partly their labels, so that what the net knew
  about everyone else's digits is pulled back into place at every step.

B1-B4 adapt every layer, through :meth:`digitpad.nets.mlp.MLP.loss_and_gradients`. K1
adapts only its dense head (``dense1`` and ``out``) on frozen convolutional features
(:meth:`digitpad.nets.cnn.ConvNet.features`, (N, 3200)), in numpy, so no TensorFlow is
needed; the features of the replay and test images are computed once and cached in the
user folder under a hash of the convolution weights.

When every digit has at least :data:`HOLD_OUT_FROM` drawings, :data:`HOLD_OUT_PER_DIGIT`
of each are kept aside and the before/after figures on "your drawings" are on those;
otherwise they are on the drawings it learned from (and say so). The new weights go to
the user weights folder (never the shipped one), with metadata saying they are adapted.
Everything random comes from one seed, so a given seed and store give the same weights.
Weights that are already adapted are adapted afresh from the weights they were adapted
from (``adapted_from``), on all the drawings there are now: adapting again and again
cannot drift away from MNIST, and the "before" figures are those of the adapted weights.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad import dirs
from digitpad.atomic import atomic_write_bytes
from digitpad.nets import registry, store
from digitpad.nets.base import Classifier
from digitpad.nets.cnn import ConvNet
from digitpad.nets.functions import softmax
from digitpad.nets.mlp import MLP
from digitpad.nets.optim import Adam, cosine_lr

log = logging.getLogger(__name__)

MIN_PER_DIGIT = 2  # fewer drawings of a digit than this: ask for more
HOLD_OUT_FROM = 5  # with at least this many of every digit, some are kept aside to judge on
HOLD_OUT_PER_DIGIT = 2
REPLAY_SEED = 15  # the replay and test subsets are the same whatever the seed: cacheable, comparable
FEATURE_CHUNK = 64
MAX_CHAIN = 50  # adapted_from links followed at most, back to weights that are not adapted


class AdaptError(ValueError):
    """Adapting cannot start: no drawings, a damaged store, too few drawings of some digit."""


@dataclass(frozen=True)
class AdaptConfig:
    """How to adapt. ``steps`` Adam steps of ``batch`` images, ``mine`` of them the user's
    (augmented); ``teacher_weight``: share of the net's own earlier answers in the replay
    targets (the rest is the label); ``replay``/``test_size``: MNIST training/test images
    replayed and judged on; ``views``: augmented copies of each drawing whose K1 features
    are computed once (K1's convolutions are too slow to run at every step)."""

    steps: int = 300
    batch: int = 128
    mine: int = 32
    learning_rate: float = 3e-4
    head_learning_rate: float = 3e-4
    teacher_weight: float = 0.7
    replay: int = 3000
    test_size: int = 2000
    views: int = 8
    seed: int = 0


@dataclass(frozen=True)
class Material:
    """What every net adapts on. Images float32 (N, 28, 28) in [0, 1]; labels int64 (N,).
    ``mine_*``: drawings learned from; ``judge_*``: drawings judged on (held out, or the
    same as ``mine_*`` when ``held_out`` is False)."""

    mine_x: np.ndarray
    mine_y: np.ndarray
    judge_x: np.ndarray
    judge_y: np.ndarray
    held_out: bool
    replay_x: np.ndarray
    replay_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray


@dataclass(frozen=True)
class Outcome:
    """What adapting one net did: accuracies as fractions, before and after, on the user's
    drawings (held out or not, see ``held_out``) and on the MNIST test subset."""

    net: str
    path: Path
    drawings: int
    judged: int
    held_out: bool
    steps: int
    seconds: float
    mine_before: float
    mine_after: float
    mnist_before: float
    mnist_after: float
    test_size: int

    def summary(self) -> str:
        """One line for people."""
        which = "held-out drawings" if self.held_out else "drawings it learned from"
        return (f"{self.net}: {self.steps} steps on {self.drawings} of your drawings in {self.seconds:.1f}s; "
                f"your {self.judged} {which} {_pct(self.mine_before)} -> {_pct(self.mine_after)}, "
                f"MNIST test ({self.test_size}) {_pct(self.mnist_before)} -> {_pct(self.mnist_after)}")


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.2f}%"


# --- the user's drawings ----------------------------------------------------------------
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


def prepare(config: AdaptConfig, store_path: str | os.PathLike[str] | None = None) -> Material:
    """The user's drawings (checked, split) and the MNIST replay and test subsets."""
    from digitpad import datasets
    from digitpad.train.data import to_float

    x, y = drawings(store_path)
    check_enough(y)
    train, judge, held_out = split_held_out(y, config.seed)
    mnist = datasets.load("mnist")
    rng = np.random.default_rng(REPLAY_SEED)
    replay = np.sort(rng.choice(len(mnist.train_labels), min(config.replay, len(mnist.train_labels)), False))
    test = np.sort(rng.choice(len(mnist.test_labels), min(config.test_size, len(mnist.test_labels)), False))
    return Material(x[train], y[train], x[judge], y[judge], held_out,
                    to_float(mnist.train_images[replay]), mnist.train_labels[replay].astype(np.int64),
                    to_float(mnist.test_images[test]), mnist.test_labels[test].astype(np.int64))


# --- shared pieces ----------------------------------------------------------------------
def one_hot(labels: np.ndarray) -> np.ndarray:
    out = np.zeros((len(labels), 10), np.float32)
    out[np.arange(len(labels)), labels] = 1
    return out


def replay_targets(teacher_probs: np.ndarray, labels: np.ndarray, teacher_weight: float) -> np.ndarray:
    """(N, 10): ``teacher_weight`` of the net's own answers before adapting, the rest the label."""
    return (teacher_weight * teacher_probs + (1 - teacher_weight) * one_hot(labels)).astype(np.float32)


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(probs, axis=1) == labels)) if len(labels) else 0.0


def _light(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    from digitpad.train.augment import PRESETS, augment

    return augment(images, rng, PRESETS["light"])


def _lr(config: AdaptConfig, base: float, step: int) -> float:
    return cosine_lr(base, step, config.steps, warmup=max(1, config.steps // 10))


# --- B1-B4: every layer -----------------------------------------------------------------
def adapt_mlp(net: MLP, material: Material, config: AdaptConfig) -> MLP:
    """A copy of ``net`` fine-tuned on the mixed batches; ``net`` is left as it was."""
    new = MLP(net.sizes, net.activation, net.cost, name=net.name)
    new.flat[...] = net.flat
    new.meta = dict(net.meta)
    rng = np.random.default_rng(config.seed)
    replay_x = material.replay_x.reshape(-1, 784)
    targets = replay_targets(net.predict_proba(replay_x), material.replay_y, config.teacher_weight)
    mine_t = one_hot(material.mine_y)
    optimizer = Adam([new.flat])
    grad = np.empty_like(new.flat)
    for step in range(config.steps):
        mi = rng.integers(0, len(material.mine_y), config.mine)
        ri = rng.integers(0, len(replay_x), config.batch - config.mine)
        x = np.concatenate([_light(material.mine_x[mi], rng).reshape(-1, 784), replay_x[ri]])
        new.loss_and_gradients(x, np.concatenate([mine_t[mi], targets[ri]]), out=grad)
        optimizer.step([grad], _lr(config, config.learning_rate, step))
    return new


# --- K1: the dense head on frozen features ----------------------------------------------
HEAD_KEYS = ("dense1.kernel", "dense1.bias", "out.kernel", "out.bias")


class Head:
    """K1's dense head as one flat float32 parameter array (so Adam updates it in a few
    numpy calls): ``features`` (N, 3200) -> ReLU(f @ W1 + b1) (N, 128) -> @ W2 + b2
    (N, 10) -> softmax. ``params`` [W1 (3200, 128), b1 (128,), W2 (128, 10), b2 (10,)]
    are views of ``flat``. (Any sizes work; float64 is for gradient checks.)"""

    def __init__(self, arrays: dict[str, np.ndarray], dtype: type[np.floating[Any]] = np.float32) -> None:
        shapes = [arrays[k].shape for k in HEAD_KEYS]
        self.flat = np.concatenate([arrays[k].ravel() for k in HEAD_KEYS]).astype(dtype)
        self.params = self.views(self.flat, shapes)
        self.shapes = shapes

    @staticmethod
    def views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
        out, at = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            out.append(flat[at:at + size].reshape(shape))
            at += size
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: p.copy() for k, p in zip(HEAD_KEYS, self.params)}

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        w1, b1, w2, b2 = self.params
        h = np.maximum(features @ w1 + b1, 0)
        return softmax(h @ w2 + b2).astype(self.flat.dtype)

    def loss_and_gradients(self, features: np.ndarray, targets: np.ndarray,
                           out: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Mean cross-entropy of softmax outputs against ``targets`` (N, 10) (one-hot or
        soft), and its gradient laid out like ``flat`` (written into ``out`` if given)."""
        w1, b1, w2, b2 = self.params
        grad = np.empty_like(self.flat) if out is None else out
        g_w1, g_b1, g_w2, g_b2 = self.views(grad, self.shapes)
        z1 = features @ w1 + b1
        h = np.maximum(z1, 0)
        probs = softmax(h @ w2 + b2)
        loss = float(-np.sum(targets * np.log(np.maximum(probs, 1e-12))) / len(features))
        delta = (probs - targets) / len(features)  # dC/dz of the output layer, (N, 10)
        np.matmul(h.T, delta, out=g_w2)
        np.sum(delta, axis=0, out=g_b2)
        delta_h = delta @ w2.T
        delta_h *= z1 > 0
        np.matmul(features.T, delta_h, out=g_w1)
        np.sum(delta_h, axis=0, out=g_b1)
        return loss, grad


def features(net: ConvNet, images: np.ndarray) -> np.ndarray:
    """float32 (N, 28, 28) -> conv5 features (N, 3200), in chunks."""
    x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
    parts = [net.features(x[i:i + FEATURE_CHUNK]) for i in range(0, len(x), FEATURE_CHUNK)]
    return np.concatenate(parts) if parts else np.zeros((0, 3200), np.float32)


def conv_hash(net: ConvNet) -> str:
    """What K1's features depend on: its convolution weights (not the head), hashed."""
    digest = hashlib.sha256()
    for key in sorted(net.arrays):
        if key.startswith("conv"):
            digest.update(key.encode())
            digest.update(net.arrays[key].tobytes())
    return digest.hexdigest()[:24]


def cached_features(net: ConvNet, images: np.ndarray, what: str) -> np.ndarray:
    """:func:`features` of ``images``, cached in the user folder under the convolution
    weights' hash, ``what`` and a hash of the images; a bad cache file is recomputed."""
    key = hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
    path = dirs.user_dir() / "adapt-cache" / f"K1-{conv_hash(net)}-{what}-{key}.npy"
    try:
        found = np.load(path, allow_pickle=False)
        if found.shape == (len(images), 3200) and found.dtype == np.float32:
            return found
        log.warning("%s has the wrong shape; recomputing", path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s (%s); recomputing", path, exc)
    computed = features(net, images)
    buffer = io.BytesIO()
    np.save(buffer, computed, allow_pickle=False)
    atomic_write_bytes(path, buffer.getvalue())
    return computed


def adapt_cnn(net: ConvNet, material: Material, config: AdaptConfig) -> ConvNet:
    """A copy of K1 whose dense head is fine-tuned on frozen features; ``net`` is left as it was."""
    rng = np.random.default_rng(config.seed)
    head = Head(net.arrays)
    replay_f = cached_features(net, material.replay_x, "replay")
    targets = replay_targets(head.predict_proba(replay_f), material.replay_y, config.teacher_weight)
    views = [material.mine_x] + [_light(material.mine_x, rng) for _ in range(config.views - 1)]
    mine_f = features(net, np.concatenate(views))
    mine_t = one_hot(np.tile(material.mine_y, len(views)))
    optimizer = Adam([head.flat])
    grad = np.empty_like(head.flat)
    for step in range(config.steps):
        mi = rng.integers(0, len(mine_t), config.mine)
        ri = rng.integers(0, len(replay_f), config.batch - config.mine)
        head.loss_and_gradients(np.concatenate([mine_f[mi], replay_f[ri]]),
                                np.concatenate([mine_t[mi], targets[ri]]), out=grad)
        optimizer.step([grad], _lr(config, config.head_learning_rate, step))
    arrays = {k: v.copy() for k, v in net.arrays.items()} | head.arrays()
    return ConvNet(arrays, name=net.name, meta=dict(net.meta))


# --- one net, all nets ------------------------------------------------------------------
def adapt_net(net: Classifier, material: Material, config: AdaptConfig,
              out: Path | None = None) -> tuple[Classifier, Outcome]:
    """Adapt one loaded net, save it (to ``out``, default a new file in the user weights
    folder) and say how it did before and after."""
    new, outcome = adapted(net, material, config, out)
    write(new, outcome.path)
    return new, outcome


def adapted(net: Classifier, material: Material, config: AdaptConfig,
            out: Path | None = None) -> tuple[Classifier, Outcome]:
    """The adapted copy of ``net``, its metadata set but not yet saved, and how it does
    before and after; ``outcome.path`` is where :func:`write` will put it."""
    start = time.perf_counter()
    source = base_net(net) or net  # adapted weights are adapted afresh from their base
    if isinstance(source, MLP):
        new: Classifier = adapt_mlp(source, material, config)
    elif isinstance(source, ConvNet):
        new = adapt_cnn(source, material, config)
    else:
        raise AdaptError(f"{net.name}: cannot adapt a {type(net).__name__}")
    seconds = time.perf_counter() - start
    before = _scores(net, material)
    after = _scores(new, material)
    new.meta = {key: value for key, value in source.meta.items() if key not in ("path", "fallback", "note")}
    new.meta |= _metadata(source, material, config, after[1])
    outcome = Outcome(net.name, out or new_weights_path(net.name), len(material.mine_y),
                      len(material.judge_y), material.held_out, config.steps, seconds,
                      before[0], after[0], before[1], after[1], len(material.test_y))
    log.info(outcome.summary())
    return new, outcome


def base_net(net: Classifier) -> Classifier | None:
    """For weights that are already adapted, the first weights up their ``adapted_from``
    chain that are not; None for weights not adapted, or when a file on the way cannot be
    loaded (then the adapted weights are adapted further, and the log says so)."""
    found: Classifier | None = None
    current = net
    for _ in range(MAX_CHAIN):
        source = current.meta.get("adapted_from") if current.meta.get("adapted") else None
        if not isinstance(source, str):
            return found
        try:
            current = found = registry.load_file(net.name, source)
        except (store.WeightsError, OSError) as exc:
            log.warning("%s: the weights it was adapted from cannot be loaded (%s); adapting its "
                        "current weights further", net.name, exc)
            return None
    return found


def base_trained_on(meta: dict[str, Any]) -> str:
    """What the net was trained on before any adaptation (one "adapted to ..." at most)."""
    text = str(meta.get("trained_on", "?"))
    return text.split("; adapted to ")[0] if meta.get("adapted") else text


def write(net: Classifier, path: Path) -> None:
    """Save an adapted net (atomically, :func:`digitpad.nets.store.save`)."""
    if not isinstance(net, (MLP, ConvNet)):
        raise AdaptError(f"{net.name}: cannot save a {type(net).__name__}")
    net.save(path)
    net.meta["path"] = os.fspath(path)


def _scores(net: Classifier, material: Material) -> tuple[float, float]:
    """(accuracy on the drawings judged on, on the MNIST test subset). K1's test features
    are cached, since its convolutions do not change."""
    mine = accuracy(net.predict_proba(material.judge_x), material.judge_y)
    if isinstance(net, ConvNet):
        head = Head(net.arrays)
        test = head.predict_proba(cached_features(net, material.test_x, "test"))
    else:
        test = net.predict_proba(material.test_x)
    return mine, accuracy(test, material.test_y)


def _metadata(net: Classifier, material: Material, config: AdaptConfig, mnist_after: float) -> dict[str, Any]:
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    drawn = len(material.mine_y)
    return {
        "trained_on": f"{base_trained_on(net.meta)}; adapted to {drawn} of your drawings ({date[:10]})",
        "adapted": True,
        "adapted_from": net.meta.get("path"),
        "adapted_drawings": drawn,
        "adapted_date": date,
        "adapted_steps": config.steps,
        "adapted_seed": config.seed,
        "adapted_layers": "dense head" if isinstance(net, ConvNet) else "all",
        "test_accuracy": mnist_after,
        "test_set": f"{len(material.test_y)} images of the MNIST test set",
        "date": date,
    }


def new_weights_path(name: str) -> Path:
    """A file name in the user weights folder not yet taken: ``B1-adapted-20261202-001500.npz``."""
    folder = dirs.user_weights_dir()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{name}-adapted-{stamp}.npz", 1
    while path.exists():
        n += 1
        path = folder / f"{name}-adapted-{stamp}-{n}.npz"
    return path


def adapt(names: Sequence[str] | None = None, config: AdaptConfig | None = None,
          store_path: str | os.PathLike[str] | None = None, use: bool = False,
          on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Adapt the named nets (default all five) from their current weights to the user's
    drawings; ``use``: make the adapted weights current (:func:`registry.choose`).

    Every net is adapted in memory first and only then are the files written (and
    chosen), so an AdaptError, a failure or an interrupt (Ctrl+C) on the way leaves
    nothing behind; a failure while writing removes the files already written."""
    config = config or AdaptConfig()
    material = prepare(config, store_path)
    done = [adapted(registry.load(name), material, config) for name in names or list(registry.SPECS)]
    written: list[Path] = []
    try:
        for new, outcome in done:
            write(new, outcome.path)
            written.append(outcome.path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    for _new, outcome in done:
        if use:
            registry.choose(outcome.net, outcome.path)
        if on_outcome:
            on_outcome(outcome)
    return [outcome for _new, outcome in done]
