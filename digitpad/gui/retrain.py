"""Train ▸ Retrain network…: pick a net and data, watch it train, then keep it or not.

The dialog is not modal: drawing and predicting go on while a net trains in a child
process (see :mod:`digitpad.gui.training`). The new weights file lives in the user's
weights folder; it becomes the net's weights only when the user accepts it, and is
deleted otherwise. Closing the dialog (Close, Esc, the window's close box) while a net
trains, or before its new weights were kept or refused, asks first. Before Start it
says what the chosen net needs and about how long it will take (:mod:`.estimate`).
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import messagebox, ttk
from typing import Any

from digitpad.gui import estimate, theme
from digitpad.gui.retrain_form import RetrainForm
from digitpad.gui.retrain_plot import AccuracyPlot
from digitpad.gui.training import Command, Listener, Outcome, TrainingJob

log = logging.getLogger(__name__)

PROGRESS_STEPS = 1000
TICK_MS = 500
NOT_STARTED = "Not started"
WIDTH = 440  # logical pixels: the progress bar's, the plot's, and the texts' wrapping


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
        self._tick: str | None = None
        self.closed = False
        self.ask: Callable[[str, str], bool] = self._ask_user  # tests answer for the user
        ttk.Label(self, text="Retrain a network", style="Title.TLabel").pack(anchor=tk.W,
                                                                            pady=(0, 8))
        self.scale = scale
        self.form = RetrainForm(self, net, scale, on_mine_changed=lambda: self._options_changed())
        self.form.pack(fill=tk.X)
        self.needs = ttk.Label(self, text="", style="Muted.TLabel", wraplength=self._px(WIDTH),
                               justify=tk.LEFT)
        self.needs.pack(fill=tk.X, pady=(8, 0))
        self._buttons()
        self._progress_area()
        self.plot = AccuracyPlot(self, self._px(WIDTH), self._px(190), scale)
        # not stretched: matplotlib would scale a stretched width again by the pixel ratio
        self.plot.widget.pack(anchor=tk.W, pady=(8, 0))
        self.result = ttk.Frame(self, padding=(0, 8, 0, 0))
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda _e: self.close())
        for variable in (self.form.net, self.form.data, self.form.epochs, self.form.mine,
                         self.form.mine_repeat, self.form.learn_from_teacher):
            variable.trace_add("write", lambda *_: self._options_changed())
        self.form.net.trace_add("write", lambda *_: self._net_changed())
        self._options_changed()
        self.plot.reset(self._epochs() or 10)  # the epochs the form offers, not a fixed 10

    def _px(self, logical: int) -> int:
        return round(logical * self.scale)

    @property
    def outcome(self) -> Outcome:
        """Where the run is: the job's :attr:`~TrainingJob.outcome` ("" before any run)."""
        return self.job.outcome if self.job is not None else ""

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
        self.progress = ttk.Progressbar(self, maximum=PROGRESS_STEPS, length=self._px(WIDTH))
        self.progress.pack(fill=tk.X)
        line = ttk.Frame(self)
        line.pack(fill=tk.X, pady=(4, 0))
        self.step_label = ttk.Label(line, text=NOT_STARTED, style="Muted.TLabel")
        self.time_label = ttk.Label(line, text="", style="Muted.TLabel")
        self.step_label.pack(side=tk.LEFT)
        self.time_label.pack(side=tk.RIGHT)
        self.message = ttk.Label(self, text="", style="Muted.TLabel", wraplength=self._px(WIDTH))
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
        self._reset_progress()
        listener = Listener(self._alive(self._batch), self._alive(self._epoch),
                            self._alive(self._say), self._alive(self._finished))
        self.job = TrainingJob(self.root, options, listener, self.train_command)
        try:
            self.job.start()
        except OSError as exc:
            self._say(f"could not start training: {exc}", theme.ERROR)
            self.job = None
            return
        self._update_controls()
        self.step_label.configure(text=f"Starting {options.net} on {options.data}…")
        self._say("")
        self._update_time()

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.cancel_button.state(["disabled"])
            self.step_label.configure(text="Cancelling…")
            self.job.cancel()

    def close(self, ask: bool = True) -> bool:
        """Close the dialog: a run is cancelled and weights not yet accepted are deleted,
        once the user said so (``ask``); False when they said no and it stays open."""
        net = self.job.options.net if self.job is not None else ""
        if self.job is not None and self.job.running:
            if ask and not self.ask("Stop the training?",
                                    f"{net} is still training. Stop it and close? "
                                    "The current weights are kept."):
                return False
            self.job.cancel()
        elif self.outcome == "done":
            if ask and not self.ask("Discard the new weights?",
                                    f"The new {net} weights were neither used nor refused. "
                                    "Close and delete them?"):
                return False
            self.reject()
        self._stop_ticking()
        self.closed = True
        self.destroy()
        return True

    def _ask_user(self, title: str, question: str) -> bool:
        return bool(messagebox.askokcancel(title, question, icon=messagebox.WARNING, parent=self))

    def _update_controls(self) -> None:
        """Start only when nothing runs or awaits a decision; the form likewise."""
        running = self.job is not None and self.job.running
        idle = not running and self.outcome != "done"
        self.start_button.state(["!disabled"] if idle else ["disabled"])
        self.cancel_button.state(["!disabled"] if running else ["disabled"])
        self.form.set_enabled(idle)

    def _reset_progress(self) -> None:
        self.fraction = 0.0
        self.progress.configure(value=0)

    def _net_changed(self) -> None:
        """Another net: the last run's plot and progress were another net's."""
        if (self.job is not None and self.job.running) or self.outcome == "done":
            return  # the form is disabled then; the run's plot stays
        self.plot.reset(self._epochs() or 10)
        self._reset_progress()
        self.step_label.configure(text=NOT_STARTED)
        self.time_label.configure(text="")
        self._say("")

    def _options_changed(self) -> None:
        """Say what the chosen net needs and about how long the run will take."""
        self.needs.configure(text=estimate.describe(self._estimate_options()))

    def _epochs(self) -> int:
        """The epochs asked for, 0 while the field holds no whole number."""
        try:
            return max(0, int(self.form.epochs.get()))
        except ValueError:
            return 0

    def _estimate_options(self) -> estimate.Plan:
        form = self.form
        epochs = self._epochs()
        try:
            repeat = int(form.mine_repeat.get()) if form.mine.get() else 0
        except ValueError:
            repeat = 0
        limit = self.extra.get("limit")
        return estimate.Plan(net=form.net.get(), data=form.data.get(), epochs=epochs,
                             limit=limit if isinstance(limit, int) else None,
                             extra_images=self.form.mine_count * repeat,
                             teacher=form.learn_from_teacher.get() and form.net.get() != "K1")

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
        """The job ended (its :attr:`~TrainingJob.outcome` says how)."""
        self._stop_ticking()
        self._update_controls()
        elapsed = clock(self.job.elapsed()) if self.job else "?"
        self.time_label.configure(text=f"Took {elapsed}")
        if outcome == "done":
            self.progress.configure(value=PROGRESS_STEPS)
            self.step_label.configure(text="Finished")
            self._offer(float(event.get("test_accuracy", 0.0)))
            return
        self._reset_progress()  # a bar left full would say it finished
        if outcome == "cancelled":
            self.step_label.configure(text="Cancelled")
            self._say("Cancelled; the previous weights are kept.", theme.WARNING)
        else:
            self.step_label.configure(text="Failed")
            self._say(f"Training failed: {event.get('message', '?')}", theme.ERROR)

    def _offer(self, new: float) -> None:
        """Show the new net's accuracy beside the current one, and ask whether to use it."""
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

    def accept(self) -> None:
        assert self.job is not None and self.outcome == "done"
        try:
            self.on_accept(self.job.options.net, self.job.out)
        except Exception as exc:  # a file that does not load is refused, and said so
            log.warning("could not use %s: %s", self.job.out, exc)
            self._say(f"Could not use the new weights: {exc}", theme.ERROR)
            self.reject()
            return
        self.job.keep()
        self._clear_result()
        self._say(f"{self.job.options.net} now uses {self.job.out.name}.", theme.SUCCESS)

    def reject(self) -> None:
        if self.job is not None and self.outcome == "done":
            self.job.reject()
            self._say("Kept the current weights.")
        self._clear_result()

    def _clear_result(self) -> None:
        for child in self.result.winfo_children():
            child.destroy()
        self.result.pack_forget()
        self._update_controls()

