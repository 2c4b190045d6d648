"""How often each net was right on the user's own drawings: a small table with bars."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Mapping
from tkinter import ttk

from digitpad.gui import theme
from digitpad.gui.netbar import colour_of, label_of
from digitpad.nets import SPECS, VOTE

log = logging.getLogger(__name__)

BAR_W, BAR_H = 110, 10  # logical pixels


def ordered(scores: Mapping[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """The nets in the app's order (then any other name the file holds), with scores."""
    known = [n for n in (*SPECS, VOTE) if n in scores]
    others = sorted(n for n in scores if n not in known)
    return [(name, *scores[name]) for name in (*known, *others)]


class ScoresTable(ttk.Frame):
    """One row per net: name, a bar, "9 of 12", "75%"."""

    def __init__(self, master: tk.Misc, scale: float) -> None:
        super().__init__(master, style="Card.TFrame", padding=(10, 8))
        self.scale = scale
        ttk.Label(self, text="Right on your drawings", style="CardHeading.TLabel").grid(
            row=0, column=0, columnspan=4, sticky=tk.W, pady=(0, 6))
        self.rows: dict[str, tuple[str, str]] = {}  # name -> ("9 of 12", "75%"), for tests
        self._widgets: list[tk.Misc] = []

    def show(self, scores: Mapping[str, tuple[int, int]]) -> None:
        for widget in self._widgets:
            widget.destroy()
        self._widgets, self.rows = [], {}
        table = ordered(scores)
        if not table:
            self._add(ttk.Label(self, text="No drawings yet", style="CardMuted.TLabel"), 1, 0,
                      columnspan=4)
        for row, (name, right, total) in enumerate(table, start=1):
            self._row(row, name, right, total)

    def _row(self, row: int, name: str, right: int, total: int) -> None:
        share = right / total if total else 0.0
        count, percent = f"{right} of {total}", f"{share:.0%}"
        self.rows[name] = (count, percent)
        colour = colour_of(name) if name in (*SPECS, VOTE) else theme.TEXT
        self._add(tk.Label(self, text=label_of(name), foreground=colour, background=theme.SURFACE,
                           font=("TkDefaultFont", 10, "bold"), anchor=tk.W, width=5), row, 0)
        self._add(self._bar(share, colour), row, 1, padx=(0, 8))
        self._add(ttk.Label(self, text=count, style="CardMuted.TLabel"), row, 2, padx=(0, 8))
        self._add(ttk.Label(self, text=percent, style="Card.TLabel", width=5, anchor=tk.E), row, 3)

    def _bar(self, share: float, colour: str) -> tk.Canvas:
        width, height = round(BAR_W * self.scale), round(BAR_H * self.scale)
        bar = tk.Canvas(self, width=width, height=height, background=theme.OTHER_COLOUR,
                        highlightthickness=0, borderwidth=0)
        if share > 0:
            bar.create_rectangle(0, 0, round(width * share), height, fill=colour, outline="")
        return bar

    def _add(self, widget: tk.Misc, row: int, column: int, **grid: object) -> None:
        widget.grid(row=row, column=column, sticky=tk.W, pady=2, **grid)  # type: ignore[attr-defined]
        self._widgets.append(widget)
