"""One retraining run as the app sees it: a ``digitpad train`` child process and its
JSON-lines progress. Training never runs in the app's process, so the Tk thread never
does the work and the app never imports TensorFlow (K1 is trained in the child)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from digitpad import dirs
from digitpad.gui.threads import LineProcess
from digitpad.train.config import TrainConfig

log = logging.getLogger(__name__)

KILL_AFTER_MS = 3000  # a child that ignores SIGTERM this long is killed
CHILD_NICE = 5
DEFAULTS = TrainConfig()  # the one set of training defaults, the CLI's too
TEACHER_WEIGHT = DEFAULTS.teacher_weight  # 0.8, as the shipped nets learned from K1


@dataclass
class TrainOptions:
    """What the dialog asks ``digitpad train`` for; unset fields are TrainConfig's defaults."""

    net: str
    data: str = DEFAULTS.data
    epochs: int = DEFAULTS.epochs
    learning_rate: float = DEFAULTS.learning_rate
    batch_size: int = DEFAULTS.batch_size
    augment: str = DEFAULTS.augment
    limit: int | None = None  # only the first N training images (tests, quick runs)
    test_limit: int | None = None
    my_drawings: int = 0  # include the user's saved drawings, each repeated this many times
    teacher: str | None = None  # also learn from this net's answers (80% of the target)

    def argv(self, out: Path) -> list[str]:
        args = [sys.executable, "-m", "digitpad", "train", self.net, "--data", self.data,
                "--epochs", str(self.epochs), "--learning-rate", repr(self.learning_rate),
                "--batch-size", str(self.batch_size), "--augment", self.augment,
                "--out", os.fspath(out), "--progress", "jsonl"]
        if self.limit:
            args += ["--limit", str(self.limit)]
        if self.test_limit:
            args += ["--test-limit", str(self.test_limit)]
        if self.my_drawings > 0:
            args += ["--my-drawings", str(self.my_drawings)]
        if self.teacher:
            args += ["--teacher", self.teacher, "--teacher-weight", repr(TEACHER_WEIGHT)]
        return args


Command = Callable[[TrainOptions, Path], list[str]]
Outcome = Literal["", "done", "cancelled", "error", "accepted", "rejected"]


def new_weights_path(net: str) -> Path:
    """A fresh, timestamped file name in the user's weights folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = dirs.user_weights_dir()
    path = folder / f"{net}-{stamp}.npz"
    count = 1
    while path.exists():
        count += 1
        path = folder / f"{net}-{stamp}-{count}.npz"
    return path


@dataclass
class Listener:
    """What the dialog wants to hear; each runs on the Tk thread with the event's dict."""

    batch: Callable[[dict[str, Any]], None]
    epoch: Callable[[dict[str, Any]], None]
    message: Callable[[str], None]
    finished: Callable[[str, dict[str, Any]], None]  # ("done"|"cancelled"|"error", event)


class TrainingJob:
    """Start with :meth:`start`; :meth:`cancel` stops it and writes nothing; a finished
    run's weights are then kept (:meth:`keep`) or deleted (:meth:`reject`).
    ``command`` makes the child's argv (default :meth:`TrainOptions.argv`, ``digitpad train``).

    :attr:`outcome` is the one record of where the run is: "" until it ends, then "done",
    "cancelled" or "error"; a "done" one becomes "accepted" or "rejected"."""

    def __init__(self, widget: tk.Misc, options: TrainOptions, listener: Listener,
                 command: Command | None = None) -> None:
        self.widget, self.options, self.listener = widget, options, listener
        self.out = new_weights_path(options.net)
        self.argv = (command or TrainOptions.argv)(options, self.out)
        self.started = 0.0
        self.outcome: Outcome = ""
        self._process: LineProcess | None = None
        self._final: dict[str, Any] | None = None

    def start(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.started = time.monotonic()
        self._process = LineProcess(self.widget, self.argv, self._line, self._exit, env=env,
                                    nice=CHILD_NICE)

    @property
    def running(self) -> bool:
        return self._process is not None and not self.outcome

    def elapsed(self) -> float:
        return time.monotonic() - self.started if self.started else 0.0

    def cancel(self) -> None:
        if self._process is None or self.outcome:
            return
        log.info("cancelling training of %s", self.options.net)
        self._process.terminate()
        self.widget.after(KILL_AFTER_MS, self._process.kill)

    def stop_now(self, timeout: float = 2.0) -> None:
        """When the app quits: stop the child, waiting at most ``timeout`` seconds before
        killing it, and delete whatever it wrote (nobody accepted it)."""
        if self._process is None:
            return
        process = self._process.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.discard()

    def _line(self, text: str) -> None:
        try:
            event = json.loads(text)
        except json.JSONDecodeError:
            log.debug("training output: %s", text)
            return
        if not isinstance(event, dict):
            return
        kind = event.get("event")
        if kind == "batch":
            self.listener.batch(event)
        elif kind == "epoch":
            self.listener.epoch(event)
        elif kind == "message":
            self.listener.message(str(event.get("text", "")))
        elif kind in ("done", "cancelled", "error"):
            self._final = event

    def _exit(self, code: int, stderr_tail: str) -> None:
        final = self._final or {}
        kind = final.get("event")
        if kind == "done" and code == 0 and self.out.is_file():
            self._finish("done", final)
        elif kind == "cancelled" or (kind is None and code in (130, -2, -15, -9)):
            self._finish("cancelled", final)
        else:
            message = final.get("message") or _last_line(stderr_tail) or "no result reported"
            self._finish("error", {"message": f"{message} (exit code {code})"})

    def _finish(self, outcome: Literal["done", "cancelled", "error"], event: dict[str, Any]) -> None:
        self.outcome = outcome
        log.info("training %s: %s after %.1f s", self.options.net, outcome, self.elapsed())
        if outcome != "done" and self.out.is_file():  # a cancelled run must leave nothing
            self.discard()
        self.listener.finished(outcome, event)

    def keep(self) -> None:
        """The new weights are the net's now (the caller made them so)."""
        if self.outcome != "done":
            raise RuntimeError(f"only a finished run's weights can be kept, not a {self.outcome!r} one")
        self.outcome = "accepted"

    def reject(self) -> None:
        """Delete a finished run's weights, unused."""
        if self.outcome == "done":
            self.discard()
            self.outcome = "rejected"

    def discard(self) -> None:
        """Delete the new weights file (rejected, cancelled or failed)."""
        try:
            self.out.unlink()
            log.info("deleted %s", self.out)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not delete %s: %s", self.out, exc)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
