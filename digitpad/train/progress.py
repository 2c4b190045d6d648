"""How a training run reports progress and is cancelled, whoever runs it (CLI, app, Keras).

A trainer calls :meth:`Callbacks.on_batch` every few batches and :meth:`Callbacks.on_epoch`
after each epoch, and stops cleanly (keeping the best weights so far, saving nothing)
when :meth:`Callbacks.cancelled` turns true. The same records go over a pipe as JSON lines
when the app runs training in a separate process (see :mod:`digitpad.train.worker`).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO


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
    fold_accuracy: float | None = None  # on the left-out writer fold's pen digits (Splits.x_fold)


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


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal, where a line can be redrawn in place."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


class TextProgress:
    """Training progress for people, on stderr (or ``stream``).

    On a terminal one status line is redrawn in place with ``\\r``, at most five times a
    second. Anywhere else (a log file, a pipe, CI) every redraw would stay in the file as
    one more line, so there is a plain line per epoch and, for epochs that take long (K1
    on a CPU), a line about the batches at most every ``log_every_s`` seconds.
    """

    REDRAW_S = 0.2
    LOG_EVERY_S = 30.0
    WIDTH = 30

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, log_every_s: float = LOG_EVERY_S) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = is_terminal(self.stream) if tty is None else tty
        self.clock, self.log_every_s = clock, log_every_s
        self.last = -math.inf if self.tty else clock()  # a log waits log_every_s for its first line
        self.open = False  # a redrawn line is on screen, not yet ended

    def on_batch(self, progress: BatchProgress) -> None:
        now = self.clock()
        if self.tty:
            if now - self.last > self.REDRAW_S or progress.batch == progress.batches:
                done = int(self.WIDTH * progress.fraction)
                self._write(f"\r{_batch_text(progress, '#' * done + '.' * (self.WIDTH - done))}")
                self.last, self.open = now, True
        elif now - self.last >= self.log_every_s:
            self._line(_batch_text(progress, f"batch {progress.batch}/{progress.batches}"))
            self.last = now

    def on_epoch(self, result: EpochResult) -> None:
        text = (f"epoch {result.epoch}/{result.epochs}: train {result.train_accuracy * 100:.2f}%, "
                f"validation {result.val_accuracy * 100:.2f}% (loss {result.val_loss:.4f}), "
                + ("" if result.fold_accuracy is None else f"writer fold {result.fold_accuracy * 100:.2f}%, ")
                + f"{result.seconds:.0f}s")  # the loss: the epoch kept is the one where it is lowest
        if self.tty:
            self._write(f"\r{text}" + " " * 20 + "\n")
            self.open = False
        else:
            self._line(text)
        self.last = self.clock()

    def on_message(self, text: str) -> None:
        self._line(text)

    def _line(self, text: str) -> None:
        """``text`` on a line of its own, ending a redrawn status line first."""
        self._write(("\n" if self.open else "") + text + "\n")
        self.open = False

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _batch_text(progress: BatchProgress, where: str) -> str:
    return (f"epoch {progress.epoch}/{progress.epochs} [{where}] loss {progress.loss:.3f} "
            f"acc {progress.accuracy * 100:.2f}%  {progress.seconds:.0f}s")
