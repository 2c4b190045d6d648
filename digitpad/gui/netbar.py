"""The row of net buttons (B1..K1 and Vote) and the row of every net's own answer.

Nets whose weights were adapted to the user's handwriting (``digitpad adapt``, Train ▸
Teach it my handwriting…) carry :data:`ADAPTED_MARK` after their name in both rows, and
the answers row says what the mark means, so the user can see which nets are theirs.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from tkinter import ttk

import numpy as np

from digitpad.gui import theme
from digitpad.gui.tooltip import Tooltip
from digitpad.nets import SPECS, VOTE
from digitpad.reading import Reading, percent

log = logging.getLogger(__name__)


ADAPTED_MARK = "•"
ADAPTED_NOTE = "• adapted to your handwriting"


def marked(name: str, adapted: bool) -> str:
    """A net's label, with :data:`ADAPTED_MARK` when its weights are adapted."""
    return f"{label_of(name)}{ADAPTED_MARK}" if adapted else label_of(name)


def colour_of(name: str) -> str:
    return theme.VOTE_COLOUR if name == VOTE else SPECS[name].colour


def label_of(name: str) -> str:
    return "Vote" if name == VOTE else name


class NetButtons(ttk.Frame):
    """One button per net and one for the vote; the selected one is filled with its colour."""

    def __init__(self, master: tk.Misc, font: tkfont.Font, on_select: Callable[[str], None]) -> None:
        super().__init__(master)
        self.font = font
        self.buttons: dict[str, ttk.Button] = {}
        self.tooltips: dict[str, Tooltip] = {}
        for column, name in enumerate((*SPECS, VOTE)):
            button = ttk.Button(self, text=label_of(name), width=5 if name != VOTE else 6,
                                command=functools.partial(on_select, name), takefocus=False)
            button.grid(row=0, column=column, padx=(0 if column == 0 else 6, 0))
            self.buttons[name] = button
            self.tooltips[name] = Tooltip(button)

    def update_nets(self, descriptions: dict[str, str], available: dict[str, bool]) -> None:
        for name, button in self.buttons.items():
            button.state(["!disabled"] if available[name] else ["disabled"])
            self.tooltips[name].text = descriptions[name]

    def mark_adapted(self, adapted: set[str]) -> None:
        """Mark the buttons of the nets in ``adapted`` (and unmark the others)."""
        for name, button in self.buttons.items():
            button.configure(text=marked(name, name in adapted))

    def select(self, name: str) -> None:
        for other, button in self.buttons.items():
            button.configure(style=theme.net_button_style(self, colour_of(other), other == name,
                                                          self.font))


class AnswersRow(ttk.Frame):
    """Every net's own digit and probability side by side; a net that disagrees with the
    shown answer is marked, so disagreement is visible at a glance."""

    def __init__(self, master: tk.Misc, heading: tkfont.Font, small: tkfont.Font) -> None:
        super().__init__(master, style="Card.TFrame", padding=(10, 6))
        ttk.Label(self, text="Every net", style="CardMuted.TLabel").grid(row=0, column=0,
                                                                          padx=(0, 12))
        self.cells: dict[str, tuple[tk.Label, tk.Label]] = {}
        for column, name in enumerate(SPECS, start=1):
            cell = ttk.Frame(self, style="Card.TFrame", padding=0)
            cell.configure(borderwidth=0)
            cell.grid(row=0, column=column, padx=8)
            title = tk.Label(cell, text=name, font=heading, foreground=colour_of(name),
                             background=theme.SURFACE)
            answer = tk.Label(cell, text="–", font=small, foreground=theme.MUTED,
                              background=theme.SURFACE, width=8, anchor=tk.W)
            title.pack(side=tk.LEFT)
            answer.pack(side=tk.LEFT, padx=(4, 0))
            self.cells[name] = (title, answer)
        self.summary = ttk.Label(self, text="", style="CardMuted.TLabel")
        self.summary.grid(row=0, column=len(SPECS) + 1, padx=(12, 0), sticky=tk.E)
        self.note = ttk.Label(self, text="", style="CardMuted.TLabel")
        self.columnconfigure(len(SPECS) + 1, weight=1)
        self.adapted: set[str] = set()

    def mark_adapted(self, adapted: set[str]) -> None:
        """Mark the nets in ``adapted`` (and unmark the others); a second line says what the
        mark means while any net has it."""
        self.adapted = set(adapted)
        for name, (title, _answer) in self.cells.items():
            title.configure(text=marked(name, name in adapted))
        if adapted:
            self.note.configure(text=ADAPTED_NOTE)
            self.note.grid(row=1, column=1, columnspan=len(SPECS), sticky=tk.W, padx=8)
        else:
            self.note.grid_remove()

    def show(self, prediction: Reading | None, missing: set[str]) -> None:
        if prediction is None:
            for name, (_title, answer) in self.cells.items():
                answer.configure(text="n/a" if name in missing else "–", foreground=theme.HINT)
            self.summary.configure(text="")
            return
        agree = 0
        for name, (_title, answer) in self.cells.items():
            probs = prediction.per_net.get(name)
            if probs is None:
                answer.configure(text="n/a", foreground=theme.HINT)
                continue
            digit = int(np.argmax(probs))
            same = digit == prediction.digit
            agree += same
            answer.configure(text=f"{digit}  {percent(float(probs[digit]))}",
                             foreground=theme.TEXT if same else theme.ERROR)
        total = len(prediction.per_net)
        self.summary.configure(text="all agree" if agree == total else
                               f"{agree} of {total} say {prediction.digit}")
