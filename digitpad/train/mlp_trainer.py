"""Mini-batch training of the numpy MLPs (B1-B4), with augmentation, a cosine learning
rate schedule, best-epoch keeping on a held-out validation split, and callbacks."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from digitpad.nets import mlp
from digitpad.nets.functions import ACTIVATIONS
from digitpad.nets.mlp import MLP
from digitpad.nets.optim import Adam, WeightAverage, cosine_lr
from digitpad.nets.registry import spec
from digitpad.train import teacher, views
from digitpad.train.augment import PRESETS
from digitpad.train.batches import augmented_batches, shuffled_batches
from digitpad.train.config import TrainConfig
from digitpad.train.data import Splits, prepare
from digitpad.train.metadata import run_metadata
from digitpad.train.progress import BatchProgress, BestEpoch, Callbacks, Cancelled, EpochResult, TrainResult

log = logging.getLogger(__name__)
REPORT_EVERY = 10  # batches between progress callbacks


def train_mlp(config: TrainConfig, callbacks: Callbacks, out: Path | None = None) -> TrainResult:
    """Train ``config.net`` from scratch (or from ``config.init``); save to ``out`` unless cancelled."""
    if config.augment not in PRESETS:
        raise ValueError(f"unknown augmentation {config.augment!r}; choose one of {', '.join(PRESETS)}")
    if config.activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {config.activation!r}")
    net = _initial_net(config)  # before the data: a wrong --init fails at once
    splits = prepare(config)
    result = TrainResult()
    start = time.perf_counter()
    try:
        _fit(net, splits, config, callbacks, result, start)
    except Cancelled:
        result.cancelled = True
        callbacks.on_message("training cancelled; nothing was saved")
    result.seconds = time.perf_counter() - start
    if result.cancelled:
        return result
    result.test_accuracy = accuracy(net, splits.x_test, splits.y_test)
    result.meta = _metadata(config, splits, result)
    if out is not None:
        net.save(out, **result.meta)
    return result


def _initial_net(config: TrainConfig) -> MLP:
    """Random weights seeded by ``config.seed``, or those of ``config.init`` to fine-tune,
    which must be the same net with the same activation."""
    net_spec = spec(config.net)
    if config.init is None:
        return MLP(net_spec.sizes, ACTIVATIONS[config.activation](), name=net_spec.name, seed=config.seed)
    net = mlp.load(config.init, expected_sizes=net_spec.sizes)
    if net.activation.name != config.activation:
        raise ValueError(f"{config.init}: its {net_spec.name} uses {net.activation.name}, not "
                         f"{config.activation}; fine-tune with --activation {net.activation.name}")
    net.name, net.meta = net_spec.name, {}
    return net


def _fit(net: MLP, splits: Splits, config: TrainConfig, callbacks: Callbacks,
         result: TrainResult, start: float) -> None:
    rng = np.random.default_rng(config.seed + 1)
    optimizer = Adam([net.flat])
    flat_grad = np.empty_like(net.flat)
    batches = -(-len(splits.x_train) // config.batch_size)
    total, warmup = config.epochs * batches, min(batches, config.epochs * batches // 10)
    best_params = net.flat.copy()
    best = BestEpoch(config.patience, has_validation=len(splits.y_val) > 0)
    average = WeightAverage([net.flat], config.ema) if config.ema else None
    for epoch, (stream, targets) in enumerate(_epochs(splits, config, callbacks, rng), 1):
        loss_sum, correct, seen = 0.0, 0, 0
        for batch, (x, index) in enumerate(stream, 1):
            if callbacks.cancelled():
                raise Cancelled
            step = (epoch - 1) * batches + batch - 1
            y = splits.y_train[index]
            loss, _, probs = net.loss_and_gradients(x.reshape(len(x), -1), targets[index], config.l2,
                                                    out=flat_grad)
            optimizer.step([flat_grad], cosine_lr(config.learning_rate, step, total, warmup))
            if average is not None:
                average.update()
            loss_sum, seen = loss_sum + loss * len(x), seen + len(x)
            correct += int((probs.argmax(axis=1) == y).sum())
            if batch % REPORT_EVERY == 0 or batch == batches:
                callbacks.on_batch(BatchProgress(epoch, config.epochs, batch, batches, loss_sum / seen,
                                                 correct / seen, time.perf_counter() - start))
        with average.swapped_in() if average is not None else contextlib.nullcontext():
            val_loss, val_accuracy = evaluate(net, splits.x_val, splits.y_val)
            fold_accuracy = splits.fold_accuracy(net.predict_proba)
            params_now = net.flat.copy()  # what is kept if best
        record = EpochResult(epoch, config.epochs, loss_sum / seen, correct / seen, val_loss,
                             val_accuracy, time.perf_counter() - start,
                             cosine_lr(config.learning_rate, epoch * batches - 1, total, warmup),
                             fold_accuracy)
        result.history.append(record)
        callbacks.on_epoch(record)
        log.info("epoch %d/%d: train %.4f, val %.4f", epoch, config.epochs, record.train_accuracy,
                 val_accuracy)
        if best.better(epoch, val_loss):
            best_params = params_now
        elif best.out_of_patience:
            callbacks.on_message(f"no lower validation loss for {best.stale} epochs: stopping early")
            break
    net.flat[...] = best_params
    result.best_epoch = best.epoch


Batches = Iterator[tuple[np.ndarray, np.ndarray]]  # (images (B, 28, 28), indices into the training set)


def _epochs(splits: Splits, config: TrainConfig, callbacks: Callbacks,
            rng: np.random.Generator) -> Iterator[tuple[Batches, np.ndarray]]:
    """Each epoch's mini-batches and the (N, 10) targets they index: freshly augmented
    images and fixed targets, or with ``teacher_views`` the next view and the teacher's
    answers for exactly that view."""
    strength = PRESETS[config.augment]
    if not config.teacher_views:
        targets = teacher.static_targets(splits, config, callbacks)
        for _ in range(config.epochs):
            yield augmented_batches(splits.x_train, np.arange(len(splits.y_train)), config.batch_size,
                                    rng, strength), targets
        return
    table = teacher.views_for(config, splits, callbacks)
    for view, images in views.view_stream(splits.x_train, config.seed, table.views, strength, config.epochs):
        table.check(view, images)
        targets = table.targets(view, splits.y_train, config.teacher_weight, teacher.TEMPERATURE)
        yield shuffled_batches(images, config.batch_size, rng), targets


def evaluate(net: MLP, x: np.ndarray, y: np.ndarray, batch: int = 2000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``net`` on images ``x`` (N, 28, 28), labels ``y``."""
    if len(x) == 0:
        return 0.0, 0.0
    probs = np.concatenate([net.predict_proba(x[i:i + batch]) for i in range(0, len(x), batch)])
    loss = float(-np.mean(np.log(np.maximum(probs[np.arange(len(y)), y], 1e-12))))
    return loss, float(np.mean(probs.argmax(axis=1) == y))


def accuracy(net: MLP, x: np.ndarray, y: np.ndarray) -> float:
    return evaluate(net, x, y)[1]


def _metadata(config: TrainConfig, splits: Splits, result: TrainResult) -> dict[str, object]:
    meta = run_metadata(config, splits, result)
    if config.teacher:
        meta["trained_on"] += f", also learning from {config.teacher}'s answers"
        views_text = f", on {config.teacher_views} augmented views" if config.teacher_views else ""
        meta["teacher"] = (f"{config.teacher} (weight {config.teacher_weight}, temperature "
                           f"{teacher.TEMPERATURE}{views_text})")
    return meta
