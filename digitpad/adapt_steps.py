"""The fine-tuning itself, for :mod:`digitpad.adapt`: the mixed batches and the Adam steps.

Each step mixes ``mine`` of the user's drawings, freshly distorted ("light"
augmentation), with replayed MNIST training images whose targets are ``teacher_weight``
the net's own answers before adapting (distillation) and the rest their labels. B1-B4
adapt every layer; K1 only its dense head, on frozen features (:mod:`digitpad.adapt_head`).
A :class:`Monitor` follows the steps from the adapting thread and can cancel them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from digitpad.adapt_head import Head, cached_features, features
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP
from digitpad.nets.optim import Adam, cosine_lr

log = logging.getLogger(__name__)

TICK_EVERY = 10  # steps between progress reports (and checks for a cancel): ~30 ms for an MLP


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
    head_learning_rate: float = 5e-4  # with 16 views (3e-4, 8 before): 97.79 -> 98.31% (benchmarks/adapt.py)
    teacher_weight: float = 0.7
    replay: int = 3000
    test_size: int = 2000
    views: int = 16
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


class Cancelled(Exception):
    """Adapting was cancelled (:attr:`Monitor.cancel`); nothing was written."""


class Monitor:
    """Follows one run of :func:`adapt_in_memory` from the thread it runs on.

    ``on_progress(fraction, text)``: the fraction of the whole run done, in [0, 1], and what
    it is doing ("B2: step 120/300"); called often, so it should only store them. Once
    ``cancel`` is set, the next :meth:`tick` raises :class:`Cancelled`."""

    def __init__(self, on_progress: Callable[[float, str], None] | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.on_progress = on_progress
        self.cancel = cancel or threading.Event()
        self._start, self._share, self._net = 0.0, 1.0, ""

    def begin(self, net: str, start: float, share: float) -> None:
        """The next ticks are ``net``'s, which takes ``share`` of the run from ``start``."""
        self._net, self._start, self._share = net, start, share

    def part(self, start: float, share: float) -> Callable[[float, str], None]:
        """A tick for a part of the current net's work (``start``, ``share`` of it)."""
        return lambda done, what: self.tick(start + share * done, what)

    def tick(self, done: float, what: str) -> None:
        """``done`` of the current net's work (0..1) is done; raises Cancelled if cancelled."""
        if self.cancel.is_set():
            raise Cancelled("cancelled; nothing was written")
        if self.on_progress is not None:
            self.on_progress(min(1.0, self._start + self._share * min(done, 1.0)), f"{self._net}: {what}")


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


def _every_tick(step: int, config: AdaptConfig, tick: Callable[[float, str], None]) -> None:
    if step % TICK_EVERY == 0:
        tick(step / config.steps, f"step {step}/{config.steps}")


# --- B1-B4: every layer -----------------------------------------------------------------
def adapt_mlp(net: MLP, material: Material, config: AdaptConfig, monitor: Monitor | None = None) -> MLP:
    """A copy of ``net`` fine-tuned on the mixed batches; ``net`` is left as it was."""
    tick = (monitor or Monitor()).tick
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
        _every_tick(step, config, tick)
        mi = rng.integers(0, len(material.mine_y), config.mine)
        ri = rng.integers(0, len(replay_x), config.batch - config.mine)
        x = np.concatenate([_light(material.mine_x[mi], rng).reshape(-1, 784), replay_x[ri]])
        new.loss_and_gradients(x, np.concatenate([mine_t[mi], targets[ri]]), out=grad)
        optimizer.step([grad], _lr(config, config.learning_rate, step))
    return new


# --- K1: the dense head on frozen features (digitpad.adapt_head) -------------------------
def adapt_cnn(net: ConvNet, material: Material, config: AdaptConfig,
              monitor: Monitor | None = None) -> ConvNet:
    """A copy of K1 whose dense head is fine-tuned on frozen features; ``net`` is left as
    it was. Progress: the replay's features (0-50%, unless cached), the drawings' (-60%),
    the steps (-90%); scoring is the rest."""
    monitor = monitor or Monitor()
    rng = np.random.default_rng(config.seed)
    head = Head(net.arrays)
    replay_f = cached_features(net, material.replay_x, "replay", monitor.part(0.0, 0.5))
    targets = replay_targets(head.predict_proba(replay_f), material.replay_y, config.teacher_weight)
    views = [material.mine_x] + [_light(material.mine_x, rng) for _ in range(config.views - 1)]
    mine_f = features(net, np.concatenate(views), monitor.part(0.5, 0.1))
    mine_t = one_hot(np.tile(material.mine_y, len(views)))
    optimizer = Adam([head.flat])
    grad = np.empty_like(head.flat)
    steps = monitor.part(0.6, 0.3)
    for step in range(config.steps):
        _every_tick(step, config, steps)
        mi = rng.integers(0, len(mine_t), config.mine)
        ri = rng.integers(0, len(replay_f), config.batch - config.mine)
        head.loss_and_gradients(np.concatenate([mine_f[mi], replay_f[ri]]),
                                np.concatenate([mine_t[mi], targets[ri]]), out=grad)
        optimizer.step([grad], _lr(config, config.head_learning_rate, step))
    arrays = {k: v.copy() for k, v in net.arrays.items()} | head.arrays()
    return ConvNet(arrays, name=net.name, meta=dict(net.meta))
