"""The answer (big digit and its probability) and the status bar."""

from __future__ import annotations

import logging
import tkinter as tk
from tkinter import ttk

from digitpad.gui import theme
from digitpad.gui.predictor import Prediction

log = logging.getLogger(__name__)


class ResultPanel(ttk.Frame):
    """"B1 says" / the digit, large / its probability."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Card.TFrame", padding=0)
        self.configure(borderwidth=0)
        self.title = ttk.Label(self, text="", style="CardMuted.TLabel")
        self.digit = ttk.Label(self, text="–", style="Digit.TLabel", foreground=theme.HINT,
                               anchor=tk.CENTER, width=2)
        self.probability = ttk.Label(self, text="draw a digit", style="Big.TLabel",
                                     foreground=theme.MUTED, anchor=tk.CENTER)
        self.title.pack(anchor=tk.CENTER)
        self.digit.pack(anchor=tk.CENTER)
        self.probability.pack(anchor=tk.CENTER)

    def show(self, prediction: Prediction | None, net_label: str, colour: str,
             unavailable: bool = False) -> None:
        self.title.configure(text=f"{net_label} says")
        if prediction is None:
            self.digit.configure(text="–", foreground=theme.HINT)
            text = "not available" if unavailable else "draw a digit"
            self.probability.configure(text=text, foreground=theme.MUTED)
            return
        self.digit.configure(text=str(prediction.digit), foreground=colour)
        self.probability.configure(text=f"{prediction.probability:.1%}", foreground=theme.TEXT)


class StatusBar(ttk.Frame):
    """Left: what the selected net is. Right: the latest message (info, warning or error)."""

    COLOURS = {"info": theme.MUTED, "success": theme.SUCCESS, "warning": theme.WARNING,
               "error": theme.ERROR}

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Status.TFrame")
        ttk.Style(self).configure("Status.TFrame", background="#e5e7eb")
        self.describe = ttk.Label(self, text="", style="Status.TLabel")
        self.message = ttk.Label(self, text="", style="Status.TLabel", anchor=tk.E)
        self.describe.pack(side=tk.LEFT)
        self.message.pack(side=tk.RIGHT)

    def set_net(self, text: str) -> None:
        self.describe.configure(text=text)

    def say(self, text: str, kind: str = "info") -> None:
        log.log(logging.WARNING if kind in ("warning", "error") else logging.INFO,
                "status: %s", text)
        self.message.configure(text=text, foreground=self.COLOURS.get(kind, theme.MUTED))
