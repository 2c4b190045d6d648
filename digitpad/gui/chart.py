"""The pie (donut) chart of the ten probabilities, embedded with FigureCanvasTkAgg.

matplotlib is imported when the chart is built, after the window is on screen, since
importing it takes about half a second. No pyplot: a standalone Figure, redrawn with
``draw_idle`` so that several updates in a row cost one drawing.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from digitpad.gui import theme

if TYPE_CHECKING:
    from matplotlib.patches import Wedge
    from matplotlib.text import Text

log = logging.getLogger(__name__)

OTHER_BELOW = 0.04  # classes under this share are gathered into "other"
MAX_SLICES = 4  # at most this many digits get their own slice
HALF_HEIGHT = 1.55  # data units from the centre to the top edge; the pie's radius is 1


@dataclass(frozen=True)
class Slice:
    label: str
    value: float
    colour: str
    digits: tuple[int, ...]


def gather(probs: np.ndarray, below: float = OTHER_BELOW, most: int = MAX_SLICES) -> list[Slice]:
    """The slices to draw: the biggest classes by themselves, the small ones as "other"."""
    p = np.asarray(probs, dtype=np.float64)
    p = p / p.sum()
    order = [int(d) for d in np.argsort(-p, kind="stable")]
    big = [d for d in order[:most] if p[d] >= below] or order[:1]
    rest = tuple(sorted(d for d in order if d not in big))
    slices = [Slice(str(d), float(p[d]), theme.DIGIT_COLOURS[d], (d,)) for d in big]
    if rest:
        slices.append(Slice("other", float(p[list(rest)].sum()), theme.OTHER_COLOUR, rest))
    return slices


class ProbabilityChart:
    """A square donut chart in ``master``; :meth:`show` draws new probabilities."""

    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
        from matplotlib.figure import Figure

        dpi = 100 * scale
        self.figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor=theme.SURFACE)
        self.axes = self.figure.add_axes((0.0, 0.0, 1.0, 1.0))
        self._limits = (HALF_HEIGHT * width / height, HALF_HEIGHT)  # room for the labels
        self.canvas = FigureCanvasTkAgg(self.figure, master=master)  # type: ignore[no-untyped-call]
        self.widget = self.canvas.get_tk_widget()  # type: ignore[no-untyped-call]
        self.widget.configure(background=theme.SURFACE, highlightthickness=0)
        self.slices: list[Slice] = []
        self.wedges: list[Wedge] = []
        self.labels: list[Text] = []
        self._on_draw: list[Callable[[], None]] = []
        self.canvas.mpl_connect("draw_event", self._drawn)
        self.show(None)

    def show(self, probs: np.ndarray | None, centre: str = "") -> None:
        ax = self.axes
        ax.clear()
        ax.set_axis_off()
        if probs is None:
            self.slices = []
            self.wedges = list(ax.pie([1], colors=[theme.OTHER_COLOUR], startangle=90,
                                      wedgeprops={"width": 0.38})[0])
            self.labels = []
            ax.text(0, 0, "no digit", ha="center", va="center", color=theme.HINT, fontsize=11)
        else:
            self._draw_slices(gather(probs), centre)
        x, y = self._limits
        ax.set_xlim(-x, x)
        ax.set_ylim(-y, y)
        ax.set_aspect("equal")
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def _draw_slices(self, slices: list[Slice], centre: str) -> None:
        ax = self.axes
        labels = [s.label if s.label == "other" else f"{s.label}  {s.value:.0%}" for s in slices]
        wedges, texts = ax.pie(
            [s.value for s in slices], labels=labels, colors=[s.colour for s in slices],
            startangle=90, counterclock=False, labeldistance=1.12,
            wedgeprops={"width": 0.38, "edgecolor": theme.SURFACE, "linewidth": 2},
            textprops={"fontsize": 10, "color": theme.TEXT},
        )[:2]
        for text, s in zip(texts, slices):
            text.set_fontweight("bold" if s is slices[0] else "normal")
            if s.label == "other":
                text.set_color(theme.MUTED)
        ax.text(0, 0, centre, ha="center", va="center", color=theme.MUTED, fontsize=12,
                fontweight="bold")
        self.slices, self.wedges, self.labels = slices, list(wedges), list(texts)

    def after_draw(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once, after the next time the chart is drawn."""
        self._on_draw.append(callback)

    def _drawn(self, _event: Any) -> None:
        callbacks, self._on_draw = self._on_draw, []
        for callback in callbacks:
            callback()
