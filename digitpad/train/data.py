"""Training data as the trainers want it: float32 images in [0, 1], split three ways."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from digitpad import datasets
from digitpad.train.config import TrainConfig

if TYPE_CHECKING:
    from digitpad.drawn import PenDigits

log = logging.getLogger(__name__)
SPLIT_SEED = 20261127  # the validation split is the same for every run, so runs compare


@dataclass(frozen=True)
class Splits:
    """Images float32 (N, 28, 28) in [0, 1], ink high; labels int64 (N,). ``x_fold``,
    ``y_fold``: with ``pen_exclude_fold`` I, the pen digits of writer fold I (never trained
    on), drawn as ``evaluate --drawn FILE --folds K --fold I`` draws them, so every epoch can
    say how it reads writers it never saw, which the MNIST validation split cannot."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    description: str  # what the net is trained on, said in its metadata
    x_fold: np.ndarray | None = None
    y_fold: np.ndarray | None = None

    def fold_accuracy(self, predict: Callable[[np.ndarray], np.ndarray]) -> float | None:
        """The share of the left-out fold's digits that ``predict`` (images (N, 28, 28) ->
        (N, 10) probabilities) gets right; None without a left-out fold."""
        if self.x_fold is None or self.y_fold is None or not len(self.y_fold):
            return None
        return float(np.mean(predict(self.x_fold).argmax(axis=1) == self.y_fold))


def prepare(config: TrainConfig) -> Splits:
    """Load ``config.data`` and hold out a seeded, random validation split from its
    training set (the test set is never used to choose anything)."""
    if config.val_size < 0:
        raise ValueError(f"the validation split cannot be negative ({config.val_size} images)")
    data = datasets.load(config.data)
    x, y = data.train_images, data.train_labels
    if config.limit:
        x, y = x[: config.limit], y[: config.limit]
    order = np.random.default_rng(SPLIT_SEED).permutation(len(x))  # same split whatever the seed
    val_size = min(config.val_size, len(x) // 5)
    val, train = order[:val_size], order[val_size:]
    x_test, y_test = data.test_images, data.test_labels
    if config.test_limit:
        x_test, y_test = x_test[: config.test_limit], y_test[: config.test_limit]
    name = {"mnist": "MNIST", "emnist": "EMNIST digits"}[config.data]
    description = f"{name} ({len(train)} training images, augmentation: {config.augment})"
    x_train, y_train = to_float(x[train]), y[train].astype(np.int64)
    x_fold = y_fold = None
    if config.pen_digits:
        from digitpad import drawn

        pen = drawn.load(config.pen_digits)  # once: the training copies and the left-out fold
        x_train, y_train, description = _with_pen_digits(x_train, y_train, pen, config, description)
        x_fold, y_fold = _excluded_fold(pen, config)
    if config.my_drawings > 0:
        x_train, y_train, description = _with_my_drawings(x_train, y_train, config.my_drawings, description)
    return Splits(x_train, y_train, to_float(x[val]), y[val].astype(np.int64), to_float(x_test),
                  y_test.astype(np.int64), description, x_fold, y_fold)


def _excluded_fold(pen: PenDigits, config: TrainConfig) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The left-out writer fold's pen digits, placed with seed 0 as ``evaluate`` places them."""
    if config.pen_exclude_fold is None:
        return None, None
    from digitpad import drawn

    mask = drawn.in_fold(pen.writers, config.pen_exclude_fold, config.pen_folds)
    return drawn.render(pen, pen.subset(mask), seed=0), pen.labels[mask].astype(np.int64)


def pen_training_mask(writers: np.ndarray, config: TrainConfig) -> np.ndarray:
    """(N,) bool: the pen digits training may use. Never a held-out writer's (unless
    ``pen_all_writers``: every digit, for the final nets); with ``pen_exclude_fold`` I,
    neither one of fold I of ``pen_folds`` (:func:`drawn.writer_folds`), so that
    ``evaluate --folds K --fold I`` measures on writers the net never saw."""
    from digitpad import drawn

    if config.pen_all_writers:
        if config.pen_exclude_fold is not None:
            raise ValueError("every pen writer was asked for, and a fold left out: choose one")
        return np.ones(len(writers), bool)
    mask = ~drawn.held_out_writers(writers)
    if config.pen_exclude_fold is not None:
        if not 0 <= config.pen_exclude_fold < config.pen_folds:
            raise ValueError(f"fold {config.pen_exclude_fold} is not one of {config.pen_folds} writer folds")
        mask &= drawn.writer_folds(writers, config.pen_folds) != config.pen_exclude_fold
    return mask


def _with_pen_digits(x: np.ndarray, y: np.ndarray, pen: PenDigits, config: TrainConfig,
                     description: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Append pen-drawn digits of the writers that evaluation does not hold out (nor the
    excluded fold), drawn through the app's own rasterize and to_mnist, each
    ``pen_copies`` times, their strokes distorted first with ``stroke_augment``; with
    ``pen_styles`` N, each plain 0, 1 and 7 also N times in another writer's style
    (:mod:`digitpad.train.styles`)."""
    from pathlib import Path

    from digitpad import drawn
    from digitpad.train import strokes, styles

    train_mask = pen_training_mask(pen.writers, config)
    indices = pen.subset(train_mask)
    render = strokes.render_copies if config.stroke_augment else drawn.render_copies
    pen_x, pen_y = render(pen, indices, config.pen_copies, seed=config.seed + 1)
    if config.pen_styles:
        styled_x, styled_y = styles.render_styled(pen, indices, config.pen_styles, seed=config.seed + 2)
        pen_x, pen_y = np.concatenate([pen_x, styled_x]), np.concatenate([pen_y, styled_y])
    writers = len(set(pen.writers[train_mask].tolist()))
    log.info("adding %d pen-drawn digits by %d writers x%d", len(indices), writers, config.pen_copies)
    text = (f"{description} + {len(indices)} pen-drawn digits by {writers} writers of "
            f"{Path(config.pen_digits or '').name} (x{config.pen_copies}{_pen_notes(config)})")
    return np.concatenate([x, pen_x]), np.concatenate([y, pen_y]), text


def _pen_notes(config: TrainConfig) -> str:
    """Which pen writers and what distortion, for the description a net's metadata keeps."""
    from digitpad.train import strokes, styles

    notes = [""]
    if config.pen_all_writers:
        notes.append("held-out writers included")
    if config.pen_exclude_fold is not None:
        notes.append(f"writer fold {config.pen_exclude_fold} of {config.pen_folds} left out")
    if config.stroke_augment:
        notes.append(f"stroke augmentation v{strokes.VERSION}")
    if config.pen_styles:
        notes.append(f"plain 0s, 1s and 7s also slashed, flagged, crossed x{config.pen_styles} "
                     f"(styles v{styles.VERSION})")
    return ", ".join(notes)


def _with_my_drawings(x: np.ndarray, y: np.ndarray, repeat: int,
                      description: str) -> tuple[np.ndarray, np.ndarray, str]:
    """Append the user's drawings, each ``repeat`` times, so a few dozen of them weigh
    against tens of thousands of MNIST digits."""
    from digitpad.drawings import DrawingStore

    store = DrawingStore()
    mine_x, mine_y = store.training_arrays()
    store.close()
    if not len(mine_y):
        return x, y, description
    log.info("adding %d of your drawings x%d", len(mine_y), repeat)
    x = np.concatenate([x, np.repeat(mine_x, repeat, axis=0)])
    y = np.concatenate([y, np.repeat(mine_y, repeat)])
    return x, y, f"{description} + {len(mine_y)} of your drawings (x{repeat})"


def to_float(images: np.ndarray) -> np.ndarray:
    return images.astype(np.float32) / 255.0


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    out = np.zeros((len(labels), classes), dtype=np.float32)
    out[np.arange(len(labels)), labels] = 1.0
    return out
