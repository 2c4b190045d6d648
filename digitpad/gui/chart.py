"""The pie (donut) chart of the ten probabilities, embedded with FigureCanvasTkAgg.

matplotlib is imported when the chart is built, after the window is on screen, since
importing it takes about half a second. No pyplot: a standalone Figure, redrawn with
``draw_idle`` so that several updates in a row cost one drawing.
"""

from __future__ import annotations

import logging
import tkinter as tk
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from digitpad.gui import theme
from digitpad.reading import percent

if TYPE_CHECKING:
    from matplotlib.patches import Wedge
    from matplotlib.text import Text

log = logging.getLogger(__name__)

OTHER_BELOW = 0.04  # classes under this share are gathered into "other"
MAX_SLICES = 4  # at most this many digits get their own slice
HALF_HEIGHT = 1.55  # data units from the centre to the top edge; the pie's radius is 1
RING = 0.38  # the donut's width
LABEL_AT = 1.12  # labels sit this far from the centre
MIN_LABELLED = 0.01  # slices smaller than this get no label
FIGURE_DPI = 100  # at a pixel ratio of 1 (96 dpi)
LABEL_ROOM = 78  # logical pixels beside the ring for a label ("4  99.8%", "other")
GREYED_ALPHA = 0.3  # a not-a-digit chart: the guesses faded


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


def ring_radius(width: float, height: float, scale: float) -> float:
    """The ring's radius in screen pixels on a chart ``width`` x ``height``: as large as
    it can be with :data:`LABEL_ROOM` beside it for the labels and the ring within the
    height (:data:`HALF_HEIGHT`)."""
    beside = width / 2 - LABEL_ROOM * scale  # from the centre to the end of the labels' room
    return max(1.0, min(height / (2 * HALF_HEIGHT), beside / LABEL_AT))


class ProbabilityChart:
    """A donut chart in ``master``; :meth:`show` draws new probabilities.

    The wedges and labels are made directly (not with ``Axes.pie`` after ``Axes.clear``,
    which costs ~45 ms a time), so an update is cheap enough to run on every pen-up.
    """

    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
        from matplotlib.figure import Figure

        # matplotlib's Tk canvas multiplies the dpi by the screen's pixel ratio itself (on
        # Linux and Windows): 100 here, or the text is twice too large on a HiDPI screen
        inches = 100 * scale
        self.scale = scale
        self.figure = Figure(figsize=(max(1, width) / inches, max(1, height) / inches),
                             dpi=FIGURE_DPI, facecolor=theme.SURFACE)
        self.axes = self.figure.add_axes((0.0, 0.0, 1.0, 1.0))
        self.axes.set_axis_off()
        self.axes.set_aspect("equal")
        self.centre = self.axes.text(0, 0, "", ha="center", va="center", fontsize=12)
        self.canvas = FigureCanvasTkAgg(self.figure, master=master)  # type: ignore[no-untyped-call]
        self.widget = self.canvas.get_tk_widget()  # type: ignore[no-untyped-call]
        self.widget.configure(background=theme.SURFACE, highlightthickness=0)
        self.fit(width, height)
        self.canvas.mpl_connect("resize_event", lambda _event: self.fit())
        self.slices: list[Slice] = []
        self.wedges: list[Wedge] = []
        self.labels: list[Text] = []
        self.greyed = False
        self.show(None)

    def fit(self, width: float | None = None, height: float | None = None) -> None:
        """Limits for a chart ``width`` x ``height`` screen pixels (default: the figure's
        size now): the ring as large as it can be with room beside it for the labels."""
        width = self.figure.bbox.width if width is None else width
        height = self.figure.bbox.height if height is None else height
        units = 1 / ring_radius(width, height, self.scale)  # data units per screen pixel
        self.axes.set_xlim(-width / 2 * units, width / 2 * units)
        self.axes.set_ylim(-height / 2 * units, height / 2 * units)
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def show(self, probs: np.ndarray | None, centre: str = "", greyed: bool = False) -> None:
        """Draw ``probs`` (10 probabilities), or an empty ring when None. ``greyed``: faded,
        for a drawing that is not a digit (the nets' guesses stay visible, as guesses)."""
        for artist in [*self.wedges, *self.labels]:
            artist.remove()
        if probs is None:
            self.slices = []
            self.wedges = [self._wedge(90 - 360, 90, theme.OTHER_COLOUR)]
            self.labels = []
            self.centre.set(text="no digit", color=theme.HINT, fontweight="normal", fontsize=11)
        else:
            self.slices = gather(probs)
            self._draw_slices()
            for artist in [*self.wedges, *self.labels]:
                artist.set_alpha(GREYED_ALPHA if greyed else None)
            self.centre.set(text="not a digit" if greyed else centre,
                            color=theme.HINT if greyed else theme.MUTED,
                            fontweight="normal" if greyed else "bold", fontsize=11 if greyed else 12)
        self.greyed = greyed and probs is not None
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    def _draw_slices(self) -> None:
        """Clockwise, the biggest first and centred at 3 o'clock, so its label sits beside
        the ring; each label outside its wedge, none for a sliver."""
        self.wedges, self.labels = [], []
        start = 180.0 * self.slices[0].value if self.slices else 0.0
        for part in self.slices:
            end = start - 360.0 * part.value
            self.wedges.append(self._wedge(end, start, part.colour))
            self.labels.append(self._label(part, np.deg2rad((start + end) / 2)))
            start = end
        if self.labels:
            self.labels[0].set_fontweight("bold")

    def _wedge(self, theta1: float, theta2: float, colour: str) -> Wedge:
        from matplotlib.patches import Wedge

        wedge = Wedge((0, 0), 1.0, theta1, theta2, width=RING, facecolor=colour,
                      edgecolor=theme.SURFACE, linewidth=2)
        self.axes.add_artist(wedge)  # add_patch would recompute the data limits: 2 ms a wedge
        return wedge

    def _label(self, part: Slice, angle: float) -> Text:
        x, y = LABEL_AT * np.cos(angle), LABEL_AT * np.sin(angle)
        text = part.label if part.label == "other" else f"{part.label}  {percent(part.value)}"
        if part.value < MIN_LABELLED:
            text = ""
        return self.axes.text(x, y, text, ha="left" if x >= 0 else "right", va="center",
                              fontsize=10, color=theme.MUTED if part.label == "other" else theme.TEXT)
