"""The live plot of training and validation accuracy per epoch in the retrain dialog."""

from __future__ import annotations

import logging
import tkinter as tk

from digitpad.gui import theme

log = logging.getLogger(__name__)

TRAIN_COLOUR = "#2563eb"
VAL_COLOUR = "#ea580c"


class AccuracyPlot:
    def __init__(self, master: tk.Misc, width: int, height: int, scale: float) -> None:
        from matplotlib.backends.backend_tkagg import FigureCanvasTkAgg
        from matplotlib.figure import Figure

        dpi = 100 * scale
        self.figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor=theme.BG,
                             layout="constrained")
        self.axes = self.figure.add_subplot()
        self.canvas = FigureCanvasTkAgg(self.figure, master=master)  # type: ignore[no-untyped-call]
        self.widget = self.canvas.get_tk_widget()  # type: ignore[no-untyped-call]
        self.widget.configure(highlightthickness=0, background=theme.BG)
        self.epochs: list[int] = []
        self.train: list[float] = []
        self.val: list[float] = []
        self.total_epochs = 1
        self.reset(1)

    def reset(self, epochs: int) -> None:
        self.epochs, self.train, self.val = [], [], []
        self.total_epochs = max(1, epochs)
        self._redraw()

    def add(self, epoch: int, train_accuracy: float, val_accuracy: float) -> None:
        self.epochs.append(epoch)
        self.train.append(train_accuracy)
        self.val.append(val_accuracy)
        self._redraw()

    def _redraw(self) -> None:
        from matplotlib.ticker import MaxNLocator

        ax = self.axes
        ax.clear()
        ax.set_facecolor(theme.SURFACE)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(theme.BORDER)
        ax.tick_params(colors=theme.MUTED, labelsize=8)
        ax.grid(True, color="#eef0f3", linewidth=0.8)
        ax.set_xlabel("epoch", fontsize=8, color=theme.MUTED)
        ax.set_ylabel("accuracy", fontsize=8, color=theme.MUTED)
        ax.set_xlim(0.8, self.total_epochs + 0.2)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if self.epochs:
            ax.plot(self.epochs, self.train, "o-", color=TRAIN_COLOUR, label="training",
                    markersize=4, linewidth=1.8)
            ax.plot(self.epochs, self.val, "o-", color=VAL_COLOUR, label="validation",
                    markersize=4, linewidth=1.8)
            low = min(self.train + self.val)
            ax.set_ylim(max(0.0, min(0.9, low) - 0.02), 1.0)
            ax.legend(loc="lower right", fontsize=8, frameon=False)
        else:
            ax.set_ylim(0.0, 1.0)
            ax.text(0.5, 0.5, "accuracy per epoch appears here", transform=ax.transAxes,
                    ha="center", va="center", color=theme.HINT, fontsize=9)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]
