"""How a training run reports progress and is cancelled, whoever runs it (CLI, app, Keras).

A trainer calls :meth:`Callbacks.on_batch` every few batches and :meth:`Callbacks.on_epoch`
after each epoch, and stops cleanly (keeping the best weights so far, saving nothing)
when :meth:`Callbacks.cancelled` turns true. The same records go over a pipe as JSON lines
when the app runs training in a separate process (see :mod:`digitpad.train.worker`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class BatchProgress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based, within the epoch
    batches: int
    loss: float  # running mean over the epoch so far
    accuracy: float  # running training accuracy over the epoch so far
    seconds: float  # since training started

    @property
    def fraction(self) -> float:
        """Share of the whole run done, 0..1."""
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)


@dataclass
class EpochResult:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float  # since training started
    learning_rate: float = 0.0


@dataclass
class TrainResult:
    """What a run produced. ``meta`` is the metadata the weights are saved with."""

    history: list[EpochResult] = field(default_factory=list)
    best_epoch: int = 0
    test_accuracy: float | None = None
    cancelled: bool = False
    seconds: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Callbacks:
    """Override what you need; the defaults do nothing and never cancel."""

    def on_batch(self, progress: BatchProgress) -> None:
        pass

    def on_epoch(self, result: EpochResult) -> None:
        pass

    def on_message(self, text: str) -> None:
        pass

    def cancelled(self) -> bool:
        return False


class BestEpoch:
    """Which epoch's weights to keep, and when patience runs out.

    The best epoch is the one with the lowest validation *loss*. Validation accuracy on a
    few thousand images moves in steps of one image, so its maximum over a hundred
    epochs is mostly luck (it kept B3's epoch 78 of 120, while the learning rate was
    still high); the cross-entropy moves smoothly. Without a validation set, the last
    epoch is kept."""

    def __init__(self, patience: int | None, has_validation: bool = True) -> None:
        self.patience, self.has_validation = patience, has_validation
        self.epoch, self.loss, self.stale = 0, float("inf"), 0

    def better(self, epoch: int, val_loss: float) -> bool:
        """Record ``epoch``; True if its weights are now the ones to keep."""
        if not self.has_validation or val_loss < self.loss:
            self.epoch, self.loss, self.stale = epoch, val_loss, 0
            return True
        self.stale += 1
        return False

    @property
    def out_of_patience(self) -> bool:
        return self.patience is not None and self.stale >= self.patience


class Cancelled(Exception):
    """Raised inside a trainer to unwind when :meth:`Callbacks.cancelled` turned true."""
