"""The live plot of training and validation accuracy per epoch in the retrain dialog.

Built once and then only its data and limits change: a full re-layout costs tens of
milliseconds on the Tk thread, which the window would feel while a net trains.
"""

from __future__ import annotations

import logging
import tkinter as tk

from digitpad.gui import theme
from digitpad.gui.chart import FIGURE_DPI

log = logging.getLogger(__name__)

TRAIN_COLOUR = "#2563eb"
VAL_COLOUR = "#ea580c"


class AccuracyPlot:
    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator, PercentFormatter

        inches = 100 * scale  # the canvas scales the dpi by the screen's pixel ratio itself
        self.figure = Figure(figsize=(width / inches, height / inches), dpi=FIGURE_DPI,
                             facecolor=theme.BG)
        self.figure.subplots_adjust(left=0.12, right=0.98, top=0.86, bottom=0.2)
        ax = self.axes = self.figure.add_subplot()
        ax.set_facecolor(theme.SURFACE)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(theme.BORDER)
        ax.tick_params(colors=theme.MUTED, labelsize=8)
        ax.grid(True, color="#eef0f3", linewidth=0.8)
        ax.set_xlabel("epoch", fontsize=8, color=theme.MUTED)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        (self.train_line,) = ax.plot([], [], "o-", color=TRAIN_COLOUR, label="training",
                                     markersize=4, linewidth=1.8)
        (self.val_line,) = ax.plot([], [], "o-", color=VAL_COLOUR, label="validation",
                                   markersize=4, linewidth=1.8)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8, frameon=False,
                  borderaxespad=0.2)
        self.empty_note = ax.text(0.5, 0.5, "accuracy per epoch appears here",
                                  transform=ax.transAxes, ha="center", va="center",
                                  color=theme.HINT, fontsize=9)
        self.canvas = FigureCanvasTkAgg(self.figure, master=master)  # type: ignore[no-untyped-call]
        self.widget = self.canvas.get_tk_widget()  # type: ignore[no-untyped-call]
        self.widget.configure(highlightthickness=0, background=theme.BG)
        self.epochs: list[int] = []
        self.train: list[float] = []
        self.val: list[float] = []
        self.reset(10)  # a plain 1..10 axis until a run says how many epochs

    def reset(self, epochs: int) -> None:
        self.epochs, self.train, self.val = [], [], []
        self.axes.set_xlim(0.8, max(1, epochs) + 0.2)
        self._update()

    def add(self, epoch: int, train_accuracy: float, val_accuracy: float) -> None:
        self.epochs.append(epoch)
        self.train.append(train_accuracy)
        self.val.append(val_accuracy)
        self._update()

    def _update(self) -> None:
        self.train_line.set_data(self.epochs, self.train)
        self.val_line.set_data(self.epochs, self.val)
        self.empty_note.set_visible(not self.epochs)
        low = min(self.train + self.val, default=0.0)
        self.axes.set_ylim(max(0.0, min(0.9, low) - 0.02) if self.epochs else 0.0, 1.005)
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]
