"""Training K1 with Keras; the result is measured and shipped as the numpy :class:`ConvNet`.

Backend-neutral Keras 3 only (no ``tf.`` calls), so the same code trains on TensorFlow
(the ``[cnn]`` extra) or on JAX (``KERAS_BACKEND=jax``, e.g. on a GPU machine).

Augmentation: the same numpy :func:`digitpad.train.augment.augment` the MLPs train with,
applied per batch in a :class:`keras.utils.PyDataset` (worker threads; numpy releases
the GIL). Why not Keras' Random* layers: they have no elastic distortion and no stroke
thickness change, which is what drawn digits need, and one augmentation for every net
keeps the nets comparable and the code tested once.

Files written when ``out`` is given and the run was not cancelled, each atomically
(a temporary file, then ``os.replace``): ``<stem>.weights.h5`` (Keras weights, to
inspect or fine-tune with :func:`digitpad.nets.cnn.keras_from_weights`), ``<stem>.json``
(how it was made) and, last, ``out`` itself, the numpy ``.npz`` the app loads.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.atomic import atomic_write_bytes
from digitpad.nets import cnn
from digitpad.train.augment import PRESETS, Strength, augment
from digitpad.train.config import TrainConfig
from digitpad.train.data import Splits, prepare
from digitpad.train.metadata import run_metadata
from digitpad.train.progress import BatchProgress, BestEpoch, Callbacks, EpochResult, TrainResult

log = logging.getLogger(__name__)
REPORT_EVERY = 10  # batches between progress callbacks


def train_k1(config: TrainConfig, callbacks: Callbacks, out: Path | None = None) -> TrainResult:
    """Train K1 from scratch (or from ``config.init``), keep the best validation epoch,
    test it through the numpy port, and save to ``out`` unless cancelled."""
    keras = cnn.require_keras()
    if config.augment not in PRESETS:
        raise ValueError(f"unknown augmentation {config.augment!r}; choose one of {', '.join(PRESETS)}")
    if config.init is not None:
        keras_weights_beside(Path(config.init))  # before the data: a wrong --init fails at once
    keras.utils.set_random_seed(config.seed)
    splits = prepare(config)
    callbacks.on_message(f"K1: Keras {keras.__version__} on {keras.backend.backend()}, "
                         f"{len(splits.x_train)} training images")
    batches = _batches(keras, splits, config)
    model = build_compiled(keras, config, len(batches))
    result, start = TrainResult(), time.perf_counter()
    validation = (splits.x_val[..., None], splits.y_val) if len(splits.x_val) else None
    progress = _Progress(model, config, callbacks, result, start, len(batches), splits)
    model.fit(batches, epochs=config.epochs, validation_data=validation,
              validation_batch_size=500, callbacks=[progress.as_keras(keras)], verbose=0)
    progress.restore_best()
    result.cancelled = progress.cancelled
    result.seconds = time.perf_counter() - start
    if result.cancelled:
        callbacks.on_message("training cancelled; nothing was saved")
        return result
    net = cnn.ConvNet(cnn.export_arrays(model), name="K1")
    result.test_accuracy = float(np.mean(net.predict_proba(splits.x_test).argmax(axis=1) == splits.y_test))
    result.meta = _metadata(keras, config, splits, result)
    callbacks.on_message(f"K1: test accuracy {result.test_accuracy * 100:.2f}% (numpy forward pass)")
    if out is not None:
        write_outputs(model, net, result, Path(out))
    return result


def build_compiled(keras: Any, config: TrainConfig, steps_per_epoch: int) -> Any:
    """K1 (from ``config.init``'s weights if given) with Adam and the MLP trainer's
    schedule: linear warm-up over the first epoch (at most 10% of the run), then cosine
    decay to 2% of ``config.learning_rate``."""
    total = max(1, config.epochs * steps_per_epoch)
    warmup = max(1, min(steps_per_epoch, total // 10))
    schedule = keras.optimizers.schedules.CosineDecay(
        config.learning_rate / warmup, decay_steps=max(1, total - warmup), alpha=0.02,
        warmup_target=config.learning_rate, warmup_steps=warmup)
    model = cnn.build_k1(l2=config.l2)
    if config.init is not None:
        model.load_weights(os.fspath(keras_weights_beside(Path(config.init))))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def keras_weights_beside(path: Path) -> Path:
    """The ``.weights.h5`` to fine-tune from, beside the K1 ``.npz`` it was saved with:
    the numpy file has batch norm folded in, so training cannot start from it."""
    cnn.load(path)  # a clear error if it is no K1 file at all
    found = cnn.keras_weights_path(path)
    if not found.is_file():
        raise ValueError(f"{path}: fine-tuning K1 needs the Keras weights {found.name} beside it "
                         "(digitpad train writes them with every K1 .npz)")
    return found


def _batches(keras: Any, splits: Splits, config: TrainConfig) -> Any:
    """The training set as a PyDataset of ``(images (B, 28, 28, 1), labels (B,))``,
    reshuffled every epoch; each batch augmented with its own seeded generator."""
    strength = PRESETS[config.augment]
    workers = max(1, min(8, (os.cpu_count() or 1) // 2))

    class AugmentedBatches(keras.utils.PyDataset):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(workers=workers, use_multiprocessing=False, max_queue_size=16)
            self.epoch = 0
            self.order = np.random.default_rng([config.seed, 0]).permutation(len(splits.x_train))

        def __len__(self) -> int:
            return math.ceil(len(self.order) / config.batch_size)

        def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
            rows = self.order[index * config.batch_size:(index + 1) * config.batch_size]
            images = _augmented(splits.x_train[rows], strength, (config.seed, self.epoch, index))
            return images[..., None], splits.y_train[rows]

        def on_epoch_end(self) -> None:
            self.epoch += 1
            self.order = np.random.default_rng([config.seed, self.epoch]).permutation(len(self.order))

    return AugmentedBatches()


def _augmented(images: np.ndarray, strength: Strength | None, key: tuple[int, int, int]) -> np.ndarray:
    return augment(images, np.random.default_rng(key), strength) if strength else images


class _Progress:
    """Feeds :class:`Callbacks` from Keras, stops on cancel or lost patience, and keeps
    the weights (batch-norm statistics included) of the best validation epoch."""

    def __init__(self, model: Any, config: TrainConfig, callbacks: Callbacks,
                 result: TrainResult, start: float, batches: int, splits: Splits) -> None:
        self.model, self.config, self.callbacks = model, config, callbacks
        self.result, self.start, self.batches, self.splits = result, start, batches, splits
        self.epoch, self.best_weights = 1, None
        self.best = BestEpoch(config.patience, has_validation=len(splits.x_val) > 0)
        self.cancelled = False

    def as_keras(self, keras: Any) -> Any:
        return keras.callbacks.LambdaCallback(
            on_epoch_begin=self.epoch_begin,
            on_train_batch_end=self.batch_end, on_epoch_end=self.epoch_end)

    def epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.epoch = epoch + 1

    def batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if self.callbacks.cancelled():
            self.cancelled = self.model.stop_training = True
            return
        if (batch + 1) % REPORT_EVERY == 0 or batch + 1 == self.batches:
            logs = logs or {}
            self.callbacks.on_batch(BatchProgress(
                self.epoch, self.config.epochs, batch + 1, self.batches, float(logs.get("loss", 0.0)),
                float(logs.get("accuracy", 0.0)), time.perf_counter() - self.start))

    def epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self.cancelled:
            return
        logs = logs or {}
        val_accuracy = float(logs.get("val_accuracy", logs.get("accuracy", 0.0)))
        rate = float(np.asarray(self.model.optimizer.learning_rate))
        record = EpochResult(epoch + 1, self.config.epochs, float(logs.get("loss", 0.0)),
                             float(logs.get("accuracy", 0.0)), float(logs.get("val_loss", 0.0)),
                             val_accuracy, time.perf_counter() - self.start, rate,
                             self.splits.fold_accuracy(self._predict))
        self.result.history.append(record)
        self.callbacks.on_epoch(record)
        log.info("K1 epoch %d/%d: train %.4f, val %.4f", epoch + 1, self.config.epochs,
                 record.train_accuracy, val_accuracy)
        if self.best.better(epoch + 1, float(logs.get("val_loss", 0.0))):
            self.best_weights = self.model.get_weights()
        elif self.best.out_of_patience:
            self.callbacks.on_message(f"no lower validation loss for {self.best.stale} epochs: "
                                      "stopping early")
            self.model.stop_training = True

    def _predict(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(images[..., None], batch_size=500, verbose=0))

    def restore_best(self) -> None:
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)
            self.result.best_epoch = self.best.epoch


def _metadata(keras: Any, config: TrainConfig, splits: Splits, result: TrainResult) -> dict[str, Any]:
    return {**run_metadata(config, splits, result), "keras_version": keras.__version__,
            "keras_backend": keras.backend.backend()}


def write_outputs(model: Any, net: cnn.ConvNet, result: TrainResult, out: Path) -> None:
    """``<stem>.weights.h5`` and ``<stem>.json`` beside ``out``, then ``out`` (the .npz)."""
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{stem}.", suffix=".tmp", dir=out.parent) as tmp:
        keras_file = cnn.keras_weights_path(out)
        staged = Path(tmp) / keras_file.name  # Keras insists on the .weights.h5 suffix
        bare = cnn.build_k1()  # uncompiled: the file gets the weights, not Adam's state
        bare.set_weights(model.get_weights())
        with warnings.catch_warnings():  # Keras' TF backend trips numpy 2's __array__ copy notice
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="keras")
            bare.save_weights(os.fspath(staged))
        os.replace(staged, keras_file)  # same folder: atomic
    history = [[r.epoch, round(r.train_accuracy, 5), round(r.val_accuracy, 5)] for r in result.history]
    sidecar = {"architecture": cnn.ARCHITECTURE, **result.meta,
               "history (epoch, train accuracy, val accuracy)": history}
    atomic_write_bytes(out.with_name(f"{stem}.json"), (json.dumps(sidecar, indent=1) + "\n").encode())
    net.save(out, **result.meta)
