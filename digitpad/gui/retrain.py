"""Train ▸ Retrain network…: pick a net and data, watch it train, then keep it or not.

The dialog is not modal: drawing and predicting go on while a net trains in a child
process (see :mod:`digitpad.gui.training`). The new weights file lives in the user's
weights folder; it becomes the net's weights only when the user accepts it, and is
deleted otherwise.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk
from typing import Any

from digitpad.gui import theme
from digitpad.gui.retrain_form import RetrainForm
from digitpad.gui.retrain_plot import AccuracyPlot
from digitpad.gui.training import Command, Listener, TrainingJob

log = logging.getLogger(__name__)

PROGRESS_STEPS = 1000
TICK_MS = 500


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else \
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RetrainDialog(tk.Toplevel):
    """``current_accuracy(net)``: the loaded net's test accuracy, or None;
    ``on_accept(net, path)``: make ``path`` the net's weights."""

    def __init__(self, root: tk.Tk, net: str, scale: float,
                 current_accuracy: Callable[[str], float | None],
                 on_accept: Callable[[str, Path], None], command: Command | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(root, background=theme.BG, padx=16, pady=12)
        self.title("Retrain network")
        self.transient(root)
        self.root, self.train_command, self.extra = root, command, extra or {}
        self.current_accuracy, self.on_accept = current_accuracy, on_accept
        self.job: TrainingJob | None = None
        self.fraction = 0.0
        self.outcome = ""  # "done", "cancelled", "error", then "accepted" or "rejected"
        self._tick: str | None = None
        self.closed = False
        ttk.Label(self, text="Retrain a network", style="Title.TLabel").pack(anchor=tk.W,
                                                                            pady=(0, 8))
        self.form = RetrainForm(self, net)
        self.form.pack(fill=tk.X)
        self._buttons()
        self._progress_area()
        self.plot = AccuracyPlot(self, round(440 * scale), round(190 * scale), scale)
        self.plot.widget.pack(fill=tk.X, pady=(8, 0))
        self.result = ttk.Frame(self, padding=(0, 8, 0, 0))
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda _e: self.close())

    # --- layout ------------------------------------------------------------------------
    def _buttons(self) -> None:
        row = ttk.Frame(self, padding=(0, 12, 0, 6))
        row.pack(fill=tk.X)
        self.start_button = ttk.Button(row, text="Start", style="Accent.TButton",
                                       command=self.start)
        self.cancel_button = ttk.Button(row, text="Cancel", command=self.cancel)
        self.close_button = ttk.Button(row, text="Close", command=self.close)
        self.start_button.pack(side=tk.LEFT)
        self.cancel_button.pack(side=tk.LEFT, padx=(8, 0))
        self.close_button.pack(side=tk.RIGHT)
        self.cancel_button.state(["disabled"])

    def _progress_area(self) -> None:
        self.progress = ttk.Progressbar(self, maximum=PROGRESS_STEPS, length=440)
        self.progress.pack(fill=tk.X)
        line = ttk.Frame(self)
        line.pack(fill=tk.X, pady=(4, 0))
        self.step_label = ttk.Label(line, text="Not started", style="Muted.TLabel")
        self.time_label = ttk.Label(line, text="", style="Muted.TLabel")
        self.step_label.pack(side=tk.LEFT)
        self.time_label.pack(side=tk.RIGHT)
        self.message = ttk.Label(self, text="", style="Muted.TLabel", wraplength=440)
        self.message.pack(fill=tk.X, pady=(2, 0))

    # --- running -----------------------------------------------------------------------
    def start(self) -> None:
        try:
            options = self.form.options()
        except ValueError as exc:
            self._say(str(exc), theme.ERROR)
            return
        for key, value in self.extra.items():  # hidden options (tests): limit, test_limit
            setattr(options, key, value)
        self._clear_result()
        self.plot.reset(options.epochs)
        self.fraction = 0.0
        self.progress.configure(value=0)
        listener = Listener(self._alive(self._batch), self._alive(self._epoch),
                            self._alive(self._say), self._alive(self._finished))
        self.job = TrainingJob(self.root, options, listener, self.train_command)
        try:
            self.job.start()
        except OSError as exc:
            self._say(f"could not start training: {exc}", theme.ERROR)
            self.job = None
            return
        self.outcome = ""
        self._set_running(True)
        self.step_label.configure(text=f"Starting {options.net} on {options.data}…")
        self._say("")
        self._update_time()

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.cancel_button.state(["disabled"])
            self.step_label.configure(text="Cancelling…")
            self.job.cancel()

    def close(self) -> None:
        """Closing cancels a run and rejects weights not yet accepted."""
        if self.job is not None and self.job.running:
            self.job.cancel()
        elif self.outcome == "done":
            self.reject()
        self._stop_ticking()
        self.closed = True
        self.destroy()

    def _set_running(self, running: bool) -> None:
        self.start_button.state(["disabled"] if running else ["!disabled"])
        self.cancel_button.state(["!disabled"] if running else ["disabled"])
        self.form.set_enabled(not running)

    def _alive(self, method: Callable[..., None]) -> Callable[..., None]:
        """``method``, made to do nothing once the dialog is closed (the run may still
        be reporting as it stops)."""
        def call(*args: Any) -> None:
            if not self.closed:
                method(*args)
        return call

    def _batch(self, event: dict[str, Any]) -> None:
        self.fraction = float(event.get("fraction", 0.0))
        self.progress.configure(value=round(self.fraction * PROGRESS_STEPS))
        self.step_label.configure(text=f"Epoch {event.get('epoch')} of {event.get('epochs')} · "
                                       f"batch {event.get('batch')} of {event.get('batches')}")

    def _epoch(self, event: dict[str, Any]) -> None:
        self.plot.add(int(event["epoch"]), float(event["train_accuracy"]),
                      float(event["val_accuracy"]))
        self._say(f"Epoch {event['epoch']}: validation accuracy {event['val_accuracy']:.2%}")

    def _update_time(self) -> None:
        self._tick = None
        if self.job is None or not self.job.running:
            return
        elapsed = self.job.elapsed()
        eta = elapsed * (1 - self.fraction) / self.fraction if self.fraction > 0.005 else None
        left = f" · about {clock(eta)} left" if eta is not None else ""
        self.time_label.configure(text=f"Elapsed {clock(elapsed)}{left}")
        self._tick = self.after(TICK_MS, self._update_time)

    def _stop_ticking(self) -> None:
        if self._tick is not None:
            self.after_cancel(self._tick)
            self._tick = None

    def _say(self, text: str, colour: str = theme.MUTED) -> None:
        self.message.configure(text=text, foreground=colour)

    # --- the end -----------------------------------------------------------------------
    def _finished(self, outcome: str, event: dict[str, Any]) -> None:
        self._stop_ticking()
        self.outcome = outcome
        self._set_running(False)
        elapsed = clock(self.job.elapsed()) if self.job else "?"
        self.time_label.configure(text=f"Took {elapsed}")
        if outcome == "done":
            self.progress.configure(value=PROGRESS_STEPS)
            self.step_label.configure(text="Finished")
            self._ask(float(event.get("test_accuracy", 0.0)))
        elif outcome == "cancelled":
            self.step_label.configure(text="Cancelled")
            self._say("Cancelled; the previous weights are kept.", theme.WARNING)
        else:
            self.step_label.configure(text="Failed")
            self._say(f"Training failed: {event.get('message', '?')}", theme.ERROR)

    def _ask(self, new: float) -> None:
        assert self.job is not None
        net = self.job.options.net
        current = self.current_accuracy(net)
        now = f"{current:.2%}" if current is not None else "none loaded"
        colour = theme.TEXT if current is None or abs(new - current) < 5e-4 else \
            theme.SUCCESS if new > current else theme.ERROR
        ttk.Label(self.result, text=f"New {net}: {new:.2%} test accuracy   (current: {now})",
                  style="Heading.TLabel", foreground=colour).pack(side=tk.TOP, anchor=tk.W)
        row = ttk.Frame(self.result, padding=(0, 6, 0, 0))
        row.pack(side=tk.TOP, fill=tk.X)
        ttk.Label(row, text=f"Use the new weights for {net}?").pack(side=tk.LEFT)
        ttk.Button(row, text="Keep current", command=self.reject).pack(side=tk.RIGHT)
        ttk.Button(row, text="Use new weights", style="Accent.TButton",
                   command=self.accept).pack(side=tk.RIGHT, padx=(0, 8))
        self.result.pack(fill=tk.X)
        self.start_button.state(["disabled"])

    def accept(self) -> None:
        assert self.job is not None and self.outcome == "done"
        try:
            self.on_accept(self.job.options.net, self.job.out)
        except Exception as exc:  # a file that does not load is refused, and said so
            log.warning("could not use %s: %s", self.job.out, exc)
            self._say(f"Could not use the new weights: {exc}", theme.ERROR)
            self.reject()
            return
        self.outcome = "accepted"
        self._clear_result()
        self._say(f"{self.job.options.net} now uses {self.job.out.name}.", theme.SUCCESS)

    def reject(self) -> None:
        if self.job is not None and self.outcome == "done":
            self.job.discard()
            self.outcome = "rejected"
            self._say("Kept the current weights.")
        self._clear_result()

    def _clear_result(self) -> None:
        for child in self.result.winfo_children():
            child.destroy()
        self.result.pack_forget()
        if self.job is None or not self.job.running:
            self.start_button.state(["!disabled"])

