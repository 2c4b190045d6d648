"""How the main window grows and shrinks.

The main frame is a grid: the net buttons (row 0), the pad and the answer card (row 1),
Undo/Clear and "It was:" (row 2), every net's answer (row 3), and an empty row that takes
whatever height is left over. The pad stays square: its side is the height row 1 can have
or the width the card leaves it, whichever is less; the card (and the chart in it) takes
the rest of the width. The window's minimum size is what it needs with the pad at its
smallest, so nothing is ever cut; its first size is the pad at 280 logical pixels with the
chart at its usual size, within the screen. In the card the chart sits beside the answer
and the preview, or under them when that makes its ring larger (a tall, narrow card).
"""

from __future__ import annotations

import logging
import tkinter as tk
from dataclasses import dataclass
from tkinter import ttk

from digitpad.gui.chart import ring_radius
from digitpad.gui.pad import DrawingPad

log = logging.getLogger(__name__)

MIN_PAD = 240  # logical pixels: the pad's smallest side (never below the card's height)
CHART_SIZE = (320, 268)  # logical pixels: the chart at the window's first size
CHART_MIN = (280, 180)  # logical pixels: the smallest chart (a readable ring and its labels)
PAD_ROW = 1
FIXED_ROWS = (0, 2, 3)  # rows whose height does not depend on the window's
SCREEN_MARGIN = 48  # screen pixels left free around a first window that would not fit


@dataclass(frozen=True)
class Spacing:
    """Screen pixels around the grid's cells that :class:`SquarePad` must leave free."""

    left: int  # the main frame's padding
    top: int
    right: int
    bottom: int
    card_gap: int  # between the pad and the card


class SquarePad:
    """Keeps ``pad`` square and as large as ``main`` allows; ``chart_holder`` is the frame
    the chart fills (its requested size is the chart's minimum)."""

    def __init__(self, root: tk.Tk, main: ttk.Frame, pad: DrawingPad, card: tk.Misc,
                 chart_holder: tk.Frame, spacing: Spacing, scale: float) -> None:
        self.root, self.main, self.pad, self.card = root, main, pad, card
        self.chart_holder, self.spacing, self.scale = chart_holder, spacing, scale
        self.min_side = round(MIN_PAD * scale)
        self.card_width = 0  # the card's width with the chart beside the answer, at its smallest
        self._pending: str | None = None

    def start(self) -> None:
        """Set the window's minimum and first size, then follow its size."""
        self.root.minsize(*self._minimum())
        width, height = self._first_size()
        self.root.geometry(f"{width}x{height}")
        self.main.bind("<Configure>", self._schedule, add="+")
        log.debug("window %dx%d, at least %s; pad at least %d px", width, height,
                  self.root.minsize(), self.min_side)

    def _px(self, logical: tuple[int, int]) -> tuple[int, int]:
        return round(logical[0] * self.scale), round(logical[1] * self.scale)

    def _minimum(self) -> tuple[int, int]:
        """The window's size with the pad and the chart at their smallest."""
        width, height = self._px(CHART_MIN)
        self.chart_holder.configure(width=width, height=height)
        self.root.update_idletasks()
        border = self.pad.winfo_reqheight() - self.pad.pixels
        self.min_side = max(self.min_side, self.card.winfo_reqheight() - border)
        self.card_width = self.card.winfo_reqwidth()
        self.pad.resize(self.min_side)
        self.root.update_idletasks()
        return self.root.winfo_reqwidth(), self.root.winfo_reqheight()

    def _first_size(self) -> tuple[int, int]:
        """The pad at 280 logical pixels (or its minimum) and the chart at its usual size,
        shrunk to fit the screen if need be; the chart may shrink from there on."""
        self.pad.resize(max(self.min_side, round(self.pad.logical_size * self.scale)))
        width, height = self._px(CHART_SIZE)
        self.chart_holder.configure(width=width, height=height)
        self.root.update_idletasks()
        size = (self.root.winfo_reqwidth(), self.root.winfo_reqheight())
        width, height = self._px(CHART_MIN)
        self.chart_holder.configure(width=width, height=height)
        screen = (self.root.winfo_screenwidth() - SCREEN_MARGIN,
                  self.root.winfo_screenheight() - 2 * SCREEN_MARGIN)  # menu bar, title, dock
        low = self.root.minsize()
        return (max(low[0], min(size[0], screen[0])), max(low[1], min(size[1], screen[1])))

    def _schedule(self, _event: object = None) -> None:
        if self._pending is None:
            self._pending = self.main.after_idle(self.fit)

    def room(self) -> int:
        """The largest side the pad can have in the main frame as it is now."""
        s = self.spacing
        rows = sum(self._row_height(row) for row in FIXED_ROWS)
        height = self.main.winfo_height() - s.top - s.bottom - rows
        width = self.main.winfo_width() - s.left - s.right - s.card_gap - self.card_width
        border = self.pad.winfo_reqheight() - self.pad.pixels
        return min(width, height) - border

    def _row_height(self, row: int) -> int:
        box = self.main.grid_bbox(0, row)
        return box[3] if box else 0

    def fit(self) -> None:
        self._pending = None
        self.pad.resize(max(self.min_side, self.room()))


class ChartPlacement:
    """Puts the chart beside ``left`` (the answer and the preview) in ``card``, or under it,
    whichever gives the ring the larger radius (:func:`digitpad.gui.chart.ring_radius`)."""

    STICKY = 1.1  # the other placement must be this much better to switch (no flicker)

    def __init__(self, card: ttk.Frame, left: ttk.Frame, chart_holder: tk.Frame, padding: int,
                 gap: int, scale: float) -> None:
        """``padding``: the card's on every side; ``gap``: between the answer and the chart."""
        self.card, self.left, self.chart_holder = card, left, chart_holder
        self.padding, self.gap, self.scale = padding, gap, scale
        self.stacked = False
        self._pending: str | None = None
        card.bind("<Configure>", self._schedule, add="+")

    def _schedule(self, _event: object = None) -> None:
        if self._pending is None:
            self._pending = self.card.after_idle(self.place)

    def radii(self) -> tuple[float, float]:
        """The ring's radius beside the answer, and under it, in the card as it is now."""
        inner = self.card.winfo_width() - 2 * self.padding
        tall = self.card.winfo_height() - 2 * self.padding
        wide, high = self.left.winfo_reqwidth(), self.left.winfo_reqheight()
        return (ring_radius(inner - wide - self.gap, tall, self.scale),
                ring_radius(inner, tall - high - self.gap, self.scale))

    def place(self) -> None:
        self._pending = None
        beside, under = self.radii()
        stacked = under > beside * self.STICKY if not self.stacked else under * self.STICKY >= beside
        if stacked == self.stacked:
            return
        self.stacked = stacked
        if stacked:
            self.left.pack_configure(side=tk.TOP, fill=tk.X)
            self.chart_holder.pack_configure(side=tk.TOP, padx=0, pady=(self.gap, 0))
            self.chart_holder.configure(width=1, height=1)  # it only takes what is left
        else:
            self.left.pack_configure(side=tk.LEFT, fill=tk.Y)
            self.chart_holder.pack_configure(side=tk.LEFT, padx=(self.gap, 0), pady=0)
            width, height = CHART_MIN
            self.chart_holder.configure(width=round(width * self.scale),
                                        height=round(height * self.scale))
        log.debug("chart %s the answer (ring %.0f px beside, %.0f px under)",
                  "under" if stacked else "beside", beside, under)
