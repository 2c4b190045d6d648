"""Training data as the trainers want it: float32 images in [0, 1], split three ways."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from digitpad import datasets
from digitpad.train.config import TrainConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Splits:
    """Images float32 (N, 28, 28) in [0, 1], ink high; labels int64 (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    description: str  # what the net is trained on, said in its metadata


def prepare(config: TrainConfig) -> Splits:
    """Load ``config.data`` and hold out a seeded, random validation split from its
    training set (the test set is never used to choose anything)."""
    data = datasets.load(config.data)
    x, y = data.train_images, data.train_labels
    if config.limit:
        x, y = x[: config.limit], y[: config.limit]
    order = np.random.default_rng(config.seed).permutation(len(x))
    val_size = min(config.val_size, len(x) // 5)
    val, train = order[:val_size], order[val_size:]
    x_test, y_test = data.test_images, data.test_labels
    if config.test_limit:
        x_test, y_test = x_test[: config.test_limit], y_test[: config.test_limit]
    name = {"mnist": "MNIST", "emnist": "EMNIST digits"}[config.data]
    description = f"{name} ({len(train)} training images, augmentation: {config.augment})"
    return Splits(to_float(x[train]), y[train].astype(np.int64), to_float(x[val]),
                  y[val].astype(np.int64), to_float(x_test), y_test.astype(np.int64), description)


def to_float(images: np.ndarray) -> np.ndarray:
    return images.astype(np.float32) / 255.0


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    out = np.zeros((len(labels), classes), dtype=np.float32)
    out[np.arange(len(labels)), labels] = 1.0
    return out
