"""Teach the nets the user's handwriting: fine-tune from the current weights, in seconds.

Retraining from scratch on a few dozen of the user's drawings mixed into MNIST takes
minutes and costs MNIST accuracy. Adapting instead starts from the net as it is and
takes a few hundred Adam steps on mini-batches that mix

* the user's drawings (from :class:`digitpad.drawings.DrawingStore`, checked and split by
  :mod:`digitpad.adapt_drawings`), freshly distorted each time
  (:func:`digitpad.train.augment.augment`, "light"), so 30 drawings are not memorised, and
* a *replay* of MNIST training images whose targets are mostly the net's own answers
  before adapting (distillation) and partly their labels, so that what the net knew
  about everyone else's digits is pulled back into place at every step.

B1-B4 adapt every layer, through :meth:`digitpad.nets.mlp.MLP.loss_and_gradients`. K1
adapts only its dense head on frozen convolutional features (:mod:`digitpad.adapt_head`),
in numpy, so no TensorFlow is needed.

Everything is adapted in memory (:func:`adapt_in_memory`, which a :class:`Monitor` can
follow and cancel) before anything is written (:func:`save`), so a cancel, an error or an
interrupt leaves nothing behind. Everything random comes from one seed: a given seed and
store give the same weights. Weights that are already adapted are adapted afresh from the
weights they were adapted from (:func:`digitpad.adapt_files.base_net`), on all the
drawings there are now, so adapting again and again cannot drift away from MNIST.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.adapt_drawings import (
    HOLD_OUT_FROM,
    HOLD_OUT_PER_DIGIT,
    MIN_PER_DIGIT,
    AdaptError,
    check_enough,
    drawings,
    missing_drawings,
    split_held_out,
)
from digitpad.adapt_files import adapted_metadata, base_net, is_adapted, new_weights_path, write
from digitpad.adapt_head import Head, cached_features, features
from digitpad.adapt_steps import AdaptConfig, Cancelled, Material, Monitor, accuracy, adapt_cnn, adapt_mlp
from digitpad.nets import VOTE, registry
from digitpad.nets.base import Classifier
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP

__all__ = ["HOLD_OUT_FROM", "HOLD_OUT_PER_DIGIT", "MIN_PER_DIGIT", "AdaptConfig", "AdaptError", "Adapted",
           "Cancelled", "Head", "Material", "Monitor", "Outcome", "VoteChange", "adapt", "adapt_in_memory",
           "adapted", "check_enough", "drawings", "features", "is_adapted", "missing_drawings",
           "prepare", "save", "split_held_out", "vote_change"]

log = logging.getLogger(__name__)

REPLAY_SEED = 15  # the replay and test subsets are the same whatever the seed: cacheable, comparable
WORK = {"K1": 4.0}  # each net's share of the progress bar, relative to an MLP's 1 (measured times)


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


# --- one net, all nets ------------------------------------------------------------------
@dataclass(frozen=True)
class Adapted:
    """One net adapted in memory, not yet saved: the new net, how it did, and each net's
    probabilities (judged drawings (J, 10), MNIST test subset (T, 10)) before and after,
    from which :func:`vote_change` reads the vote."""

    net: Classifier
    outcome: Outcome
    before: tuple[np.ndarray, np.ndarray]
    after: tuple[np.ndarray, np.ndarray]


def adapted(net: Classifier, material: Material, config: AdaptConfig, out: Path | None = None,
            monitor: Monitor | None = None) -> Adapted:
    """The adapted copy of ``net``, its metadata set but not yet saved, and how it does
    before and after; ``outcome.path`` is where :func:`save` will put it."""
    monitor = monitor or Monitor()
    start = time.perf_counter()
    source = base_net(net) or net  # adapted weights are adapted afresh from their base
    if isinstance(source, MLP):
        new: Classifier = adapt_mlp(source, material, config, monitor)
    elif isinstance(source, ConvNet):
        new = adapt_cnn(source, material, config, monitor)
    else:
        raise AdaptError(f"{net.name}: cannot adapt a {type(net).__name__}")
    seconds = time.perf_counter() - start
    monitor.tick(0.9, "reading your drawings and MNIST")
    before, after = _probabilities(net, material), _probabilities(new, material)
    mine_before, mnist_before = _accuracies(before, material)
    mine_after, mnist_after = _accuracies(after, material)
    new.meta = adapted_metadata(source, len(material.mine_y), len(material.test_y), config.steps,
                                config.seed, mnist_after)
    outcome = Outcome(net.name, out or new_weights_path(net.name), len(material.mine_y),
                      len(material.judge_y), material.held_out, config.steps, seconds,
                      mine_before, mine_after, mnist_before, mnist_after, len(material.test_y))
    log.info(outcome.summary())
    return Adapted(new, outcome, before, after)


def _probabilities(net: Classifier, material: Material) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities on the drawings judged on, on the MNIST test subset). K1's test
    features are cached, since its convolutions do not change."""
    mine = net.predict_proba(material.judge_x)
    if isinstance(net, ConvNet):
        test = Head(net.arrays).predict_proba(cached_features(net, material.test_x, "test"))
    else:
        test = net.predict_proba(material.test_x)
    return mine, test


def _accuracies(probs: tuple[np.ndarray, np.ndarray], material: Material) -> tuple[float, float]:
    return accuracy(probs[0], material.judge_y), accuracy(probs[1], material.test_y)


@dataclass(frozen=True)
class VoteChange:
    """The vote of the adapted nets (as :mod:`digitpad.reading` reads it) before and after,
    as fractions: on the drawings judged on and on the MNIST test subset."""

    nets: tuple[str, ...]
    mine_before: float
    mine_after: float
    mnist_before: float
    mnist_after: float


def vote_change(done: Sequence[Adapted], material: Material) -> VoteChange:
    """How the vote of the nets in ``done`` reads before and after adapting them."""
    from digitpad.reading import readings

    def vote(which: int, part: int, labels: np.ndarray) -> float:
        per_net = {d.outcome.net: (d.before, d.after)[which][part] for d in done}
        return float(np.mean([r.digit for r in readings(per_net, VOTE)] == labels)) if len(labels) else 0.0

    return VoteChange(tuple(d.outcome.net for d in done), vote(0, 0, material.judge_y),
                      vote(1, 0, material.judge_y), vote(0, 1, material.test_y), vote(1, 1, material.test_y))


def adapt_in_memory(names: Sequence[str] | None, config: AdaptConfig, material: Material,
                    monitor: Monitor | None = None) -> list[Adapted]:
    """Adapt the named nets (default all five) from their current weights; nothing is
    written. ``monitor`` follows the progress and can cancel (:class:`Cancelled`)."""
    monitor = monitor or Monitor()
    chosen = list(names or registry.SPECS)
    work = [WORK.get(name, 1.0) for name in chosen]
    done = []
    for i, name in enumerate(chosen):
        monitor.begin(name, sum(work[:i]) / sum(work), work[i] / sum(work))
        monitor.tick(0.0, "loading")
        done.append(adapted(registry.load(name), material, config, monitor=monitor))
    monitor.begin("done", 1.0, 0.0)
    monitor.tick(1.0, "all nets adapted")
    return done


def save(done: Sequence[Adapted], use: bool = False,
         on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Write every adapted net, or none: a failure (or an interrupt) while writing removes
    the files already written. ``use``: then make them current (:func:`registry.choose`)."""
    written: list[Path] = []
    try:
        for item in done:
            write(item.net, item.outcome.path)
            written.append(item.outcome.path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    for item in done:
        if use:
            registry.choose(item.outcome.net, item.outcome.path)
        if on_outcome:
            on_outcome(item.outcome)
    return [item.outcome for item in done]


def adapt(names: Sequence[str] | None = None, config: AdaptConfig | None = None,
          store_path: str | os.PathLike[str] | None = None, use: bool = False,
          on_outcome: Callable[[Outcome], None] | None = None,
          monitor: Monitor | None = None) -> list[Outcome]:
    """Adapt the named nets (default all five) from their current weights to the user's
    drawings and save them; ``use``: make the adapted weights current.

    Every net is adapted in memory first and only then are the files written (and
    chosen), so an AdaptError, a cancel, a failure or an interrupt (Ctrl+C) on the way
    leaves nothing behind."""
    config = config or AdaptConfig()
    material = prepare(config, store_path)
    return save(adapt_in_memory(names, config, material, monitor), use, on_outcome)
