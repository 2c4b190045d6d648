"""The two plots of Network ▸ How good is it?…: a confusion matrix with its counts in the
cells, and the learning curves a weights file kept. Each is a matplotlib Figure drawn by
Agg into an RGB array off the Tk thread (one job at a time: the window's
:class:`~digitpad.gui.threads.LatestOnly`), then pasted into a Tk canvas on it: drawing
one took 50-130 ms, pasting it takes a few (never pyplot)."""

from __future__ import annotations

import logging
import textwrap
import tkinter as tk
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from PIL import Image

from digitpad import curves as kept
from digitpad.curves import Curves
from digitpad.gui import theme
from digitpad.gui.chart import FIGURE_DPI
from digitpad.gui.inside_views import Picture
from digitpad.gui.retrain_plot import TRAIN_COLOUR, VAL_COLOUR
from digitpad.nets import VOTE, Classifier

log = logging.getLogger(__name__)

CELL_TEXT_DARK = 0.45  # share of a row above which a cell is dark enough for white text
GAMMA = 0.35  # colour by a power of the share of the row, so a 0.2% error rate still shows
NOTE_WIDTH = 70  # characters per line of a note in the curves plot
MEMBER_COLOURS = ("#2563eb", "#0891b2", "#16a34a", "#65a30d", "#9333ea")


class Drawn(NamedTuple):
    """What the window's worker made for one choice of net: the confusion matrix's
    picture, the curves' (with what they show and their note), the mistakes' thumbnails."""

    matrix: np.ndarray
    curves: tuple[tuple[object, ...], str, np.ndarray]
    thumbs: list[Image.Image]


def members_of(net: str, nets: Mapping[str, Classifier]) -> list[Classifier]:
    """The nets whose curves ``net``'s plot shows: itself, or each member of the vote."""
    return list(nets.values()) if net == VOTE else [nets[net]] if net in nets else []


def curves_shown(net: str, members: Sequence[Classifier]) -> tuple[list[Curves], str, bool]:
    """What :meth:`CurvesPlot.draw` is given for ``net``: the curves its weights files kept,
    the note saying which are missing, and whether to draw both training and validation."""
    found = {m.name: kept.learning_curves(m) for m in members}
    curves = [c for c in found.values() if c is not None]
    if net != VOTE:
        note = kept.no_curves_text(members[0]) if members and not curves else ""
        return curves, note or ("" if members else f"{net} is not loaded"), True
    without = [name for name, c in found.items() if c is None]
    note = f"no curves kept for {', '.join(without)} (the vote itself was not trained)" if without else ""
    return curves, note, False


class FigureImage:
    """A Figure of ``width`` x ``height`` logical pixels (times the screen's pixel ratio,
    as Tk's own matplotlib canvas would size it), rendered by :meth:`render` on any thread
    and shown by :meth:`paste` on the Tk thread."""

    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        ratio = round(float(master.tk.call("tk", "scaling")) / (96 / 72), 2)
        inches = 100 * scale
        self.figure = Figure(figsize=(width / inches, height / inches), dpi=FIGURE_DPI * ratio,
                             facecolor=theme.SURFACE)
        self.agg = FigureCanvasAgg(self.figure)
        pixels = self.agg.get_width_height()
        self.widget = tk.Canvas(master, width=pixels[0], height=pixels[1], highlightthickness=0,
                                background=theme.SURFACE)
        self._picture = Picture(self.widget)

    def render(self) -> np.ndarray:
        """The figure as RGB uint8 (H, W, 3): off the Tk thread, one caller at a time."""
        self.agg.draw()  # type: ignore[no-untyped-call]
        return np.array(self.agg.buffer_rgba())[..., :3]  # type: ignore[no-untyped-call]

    def paste(self, picture: np.ndarray) -> None:
        self._picture.show(picture)


class ConfusionPlot(FigureImage):
    """Rows: the true digit; columns: the answer; each cell its count, coloured by its share
    of the row (so each digit's errors show whatever its count). Built once; a new matrix
    only changes the picture's data and the cells' texts (rebuilding the axes took
    ~100 ms a net). ``counts`` and ``title`` are what is pasted (set by :meth:`shown`)."""

    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        super().__init__(master, width, height, scale)
        self.figure.subplots_adjust(left=0.13, right=0.98, top=0.9, bottom=0.11)
        ax = self.axes = self.figure.add_subplot()
        self.counts: np.ndarray = np.zeros((10, 10), np.int64)
        self.title = ""
        self.heading = ax.set_title("", fontsize=10, color=theme.TEXT)
        self.image = ax.imshow(np.zeros((10, 10)), cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
        self.cells = {(t, a): ax.text(a, t, "", ha="center", va="center", fontsize=8)
                      for t, a in np.ndindex(10, 10)}
        ax.set_xticks(range(10))
        ax.set_yticks(range(10))
        ax.tick_params(labelsize=8, colors=theme.MUTED, length=0)
        ax.set_xlabel("answer", fontsize=8, color=theme.MUTED)
        ax.set_ylabel("true digit", fontsize=8, color=theme.MUTED)
        for spine in ax.spines.values():
            spine.set_color(theme.BORDER)

    def draw(self, counts: np.ndarray | None, title: str) -> np.ndarray:
        """The figure for ``counts`` int (10, 10), row = true digit, column = answer (None:
        only ``title``), rendered (off the Tk thread)."""
        self.heading.set_text(title)
        matrix = np.zeros((10, 10), np.int64) if counts is None else np.asarray(counts, np.int64)
        rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        share = (matrix / rows) ** GAMMA
        self.image.set_data(share)
        for (true, answer), text in self.cells.items():
            count = int(matrix[true, answer])
            wrong = true != answer
            light = theme.ERROR if wrong else theme.TEXT
            text.set_text(str(count) if count else "")
            text.set_visible(count > 0)  # an empty text still costs its layout when drawn
            text.set_color("white" if share[true, answer] > CELL_TEXT_DARK else light)
            text.set_fontsize(7 if count >= 1000 else 8)
            text.set_fontweight("bold" if wrong else "normal")
        return self.render()

    def shown(self, counts: np.ndarray | None, title: str, picture: np.ndarray) -> None:
        """Paste what :meth:`draw` made of ``counts`` and ``title`` (on the Tk thread)."""
        self.counts = np.zeros((10, 10), np.int64) if counts is None else np.asarray(counts, np.int64)
        self.title = title
        self.paste(picture)

    def texts(self) -> dict[tuple[int, int], str]:
        """What each non-empty cell says, by (true digit, answer): for the tests."""
        return {cell: text.get_text() for cell, text in self.cells.items() if text.get_text()}


class CurvesPlot(FigureImage):
    """Accuracy per epoch on the training and the validation images, with the kept epoch
    marked; for the vote, each member's validation curve. Nets without curves are named.
    ``note`` is the note of what is pasted (set by :meth:`shown`)."""

    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        super().__init__(master, width, height, scale)
        self.figure.subplots_adjust(left=0.12, right=0.97, top=0.84, bottom=0.2)
        self.axes = self.figure.add_subplot()
        self.note = ""

    def shown(self, note: str, picture: np.ndarray) -> None:
        """Paste what :meth:`draw` made (on the Tk thread)."""
        self.note = note
        self.paste(picture)

    def draw(self, curves: Sequence[Curves], note: str, both: bool) -> np.ndarray:
        """``curves``: one net's (``both``: training and validation) or several nets'
        validation curves; ``note``: said in the plot (why some or all are missing);
        rendered (off the Tk thread)."""
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        ax = self.axes
        ax.clear()
        ax.set_axis_on()  # a note alone turned it off
        ax.set_facecolor(theme.SURFACE)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(colors=theme.MUTED, labelsize=8)
        ax.grid(True, color="#eef0f3", linewidth=0.8)
        ax.set_xlabel("epoch", fontsize=8, color=theme.MUTED)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        for index, curve in enumerate(curves):
            self._plot(curve, index, both)
        if curves:
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=7, frameon=False,
                      borderaxespad=0.2)
            low = min(float(np.min(c.val[len(c.val) // 10:])) for c in curves)
            ax.set_ylim(max(0.0, low - 0.01), 1.001)
        if not curves:
            ax.set_axis_off()  # nothing to read off the axes: only the note
        if note:
            ax.text(0.5, 0.5 if not curves else 0.08, textwrap.fill(note, NOTE_WIDTH), transform=ax.transAxes,
                    ha="center", va="center", color=theme.MUTED, fontsize=9 if not curves else 7)
        return self.render()

    def _plot(self, curve: Curves, index: int, both: bool) -> None:
        ax = self.axes
        if both:
            ax.plot(curve.epochs, curve.train, "-", color=TRAIN_COLOUR, linewidth=1.5, label="training")
            ax.plot(curve.epochs, curve.val, "-", color=VAL_COLOUR, linewidth=1.5, label="validation")
            if curve.best_epoch:
                ax.axvline(curve.best_epoch, color=theme.HINT, linewidth=1, linestyle="--")
                ax.text(curve.best_epoch, 1.0, f" kept: epoch {curve.best_epoch}", fontsize=7,
                        color=theme.MUTED, va="top")
            return
        colour = MEMBER_COLOURS[index % len(MEMBER_COLOURS)]
        ax.plot(curve.epochs, curve.val, "-", color=colour, linewidth=1.5, label=f"{curve.net} validation")
