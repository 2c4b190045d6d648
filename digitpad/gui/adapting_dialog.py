"""The *Teach it my handwriting* window: a progress bar with Cancel while the nets adapt,
then a table of before/after per net and for the vote, and the question whether to switch.

It only shows things and reports the user's choices (``on_cancel``, ``on_answer``); the
adapting itself and what the answers do are :mod:`digitpad.gui.adapting`'s. The progress
comes from the adapting thread through :meth:`AdaptDialog.report`, which only stores it;
the window shows the latest every :data:`POLL_MS`, so the thread never touches Tk.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from digitpad import adapt
from digitpad.gui import theme

log = logging.getLogger(__name__)

POLL_MS = 100
WIDTH = 460  # logical pixels: the progress bar's, and the texts' wrapping
TITLE = "Teach it my handwriting"


def change(before: float, after: float) -> str:
    """"96.67% → 100.00%": accuracies as fractions, for the table."""
    return f"{before * 100:.2f}% → {after * 100:.2f}%"


class AdaptDialog(tk.Toplevel):
    """``on_cancel()``: the user cancelled while the nets adapt (Cancel, Esc or the close
    box); ``on_answer(use)``: the user's answer to "use the adapted weights?"."""

    def __init__(self, root: tk.Tk, scale: float, drawings: int, on_cancel: Callable[[], None],
                 on_answer: Callable[[bool], None]) -> None:
        super().__init__(root, background=theme.BG, padx=16, pady=12)
        self.title(TITLE)
        self.transient(root)
        self.resizable(False, False)
        self.on_cancel, self.on_answer = on_cancel, on_answer
        self.width = round(WIDTH * scale)
        self.state_ = "adapting"  # then "cancelling", "offered", "saving"
        self._latest: tuple[float, str] = (0.0, "starting")
        self.fraction = 0.0  # what the progress bar shows (0..1); it stays once the bar is gone
        self._poll: str | None = None
        self.heading = ttk.Label(self, text=f"Teaching the nets your {drawings} drawings…",
                                 style="Heading.TLabel")
        self.heading.pack(anchor=tk.W, pady=(0, 8))
        self.body = ttk.Frame(self)
        self.body.pack(fill=tk.X)
        self.progress = ttk.Progressbar(self.body, maximum=1.0, length=self.width, mode="determinate")
        self.progress.pack(fill=tk.X)
        self.detail = ttk.Label(self.body, text="starting", style="Muted.TLabel")
        self.detail.pack(anchor=tk.W, pady=(4, 0))
        self.buttons = ttk.Frame(self)
        self.buttons.pack(fill=tk.X, pady=(12, 0))
        self.cancel_button = ttk.Button(self.buttons, text="Cancel", command=self.cancel)
        self.cancel_button.pack(side=tk.RIGHT)
        self.use_button: ttk.Button | None = None
        self.keep_button: ttk.Button | None = None
        self.protocol("WM_DELETE_WINDOW", self.close_box)
        self.bind("<Escape>", lambda _e: self.close_box())
        self._poll = self.after(POLL_MS, self._show_progress)

    # --- while adapting ----------------------------------------------------------------
    def report(self, fraction: float, text: str) -> None:
        """From any thread: how far adapting is (0..1) and what it does; only stored."""
        self._latest = (fraction, text)


    def _show_progress(self) -> None:
        self._poll = None
        if self.state_ != "adapting":
            return
        fraction, text = self._latest
        self.progress["value"] = self.fraction = fraction
        self.detail.configure(text=f"{fraction * 100:.0f}%  {text}")
        self._poll = self.after(POLL_MS, self._show_progress)

    def cancel(self) -> None:
        if self.state_ != "adapting":
            return
        self.state_ = "cancelling"
        self.cancel_button.state(["disabled"])
        self.detail.configure(text="Cancelling…")
        self.on_cancel()

    def close_box(self) -> None:
        """The close box and Esc: cancel while adapting, "keep" once asked."""
        if self.state_ == "adapting":
            self.cancel()
        elif self.state_ == "offered":
            self.answer(False)

    # --- the results and the question --------------------------------------------------
    def offer(self, outcomes: Sequence[adapt.Outcome], vote: adapt.VoteChange | None) -> None:
        """Show the before/after table and ask whether to use the adapted weights."""
        self.state_ = "offered"
        self.heading.configure(text="Your handwriting, before → after adapting")
        for child in self.body.winfo_children():
            child.destroy()
        self.table = results_table(self.body, outcomes, vote)
        self.table.pack(anchor=tk.W)
        ttk.Label(self.body, text=judged_on(outcomes[0]) + " Use the adapted weights from now on? "
                  "Network ▸ Restore shipped weights goes back.", style="Muted.TLabel",
                  wraplength=self.width, justify=tk.LEFT).pack(anchor=tk.W, pady=(10, 0))
        self.cancel_button.destroy()
        self.use_button = ttk.Button(self.buttons, text="Use them", style="Accent.TButton",
                                     command=lambda: self.answer(True))
        self.keep_button = ttk.Button(self.buttons, text="Keep the current weights",
                                      command=lambda: self.answer(False))
        self.use_button.pack(side=tk.RIGHT)
        self.keep_button.pack(side=tk.RIGHT, padx=(0, 8))
        self.use_button.focus_set()
        self.bind("<Return>", lambda _e: self.answer(True))

    def answer(self, use: bool) -> None:
        if self.state_ != "offered":
            return
        self.state_ = "saving"
        for button in (self.use_button, self.keep_button):
            if button is not None:
                button.state(["disabled"])
        self.on_answer(use)

    def close(self) -> None:
        if self._poll is not None:
            self.after_cancel(self._poll)
            self._poll = None
        if self.winfo_exists():
            self.destroy()


def judged_on(outcome: adapt.Outcome) -> str:
    """What "your drawings" in the table means."""
    if outcome.held_out:
        return f"Your drawings: {outcome.judged} kept aside, not learned from."
    return (f"Your drawings: the {outcome.judged} it learned from (with 5 or more of every "
            "digit, some are kept aside to judge on).")


def results_table(master: tk.Misc, outcomes: Sequence[adapt.Outcome],
                  vote: adapt.VoteChange | None) -> ttk.Frame:
    """A grid: net | your drawings | MNIST test (N) | seconds, and the vote's row."""
    table = ttk.Frame(master)
    test_size = outcomes[0].test_size if outcomes else 0
    heads = ("", "your drawings", f"MNIST test ({test_size:,})", "time")
    rows = [(o.net, change(o.mine_before, o.mine_after), change(o.mnist_before, o.mnist_after),
             f"{o.seconds:.1f} s") for o in outcomes]
    if vote is not None:
        rows.append(("Vote", change(vote.mine_before, vote.mine_after),
                     change(vote.mnist_before, vote.mnist_after), ""))
    for column, text in enumerate(heads):
        ttk.Label(table, text=text, style="Muted.TLabel").grid(row=0, column=column, sticky=tk.W,
                                                               padx=(0, 14))
    for row, cells in enumerate(rows, start=1):
        style = "Heading.TLabel" if cells[0] == "Vote" else "TLabel"
        for column, text in enumerate(cells):
            ttk.Label(table, text=text, style=style).grid(row=row, column=column, sticky=tk.W,
                                                          padx=(0, 14), pady=1)
    return table
