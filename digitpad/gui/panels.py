"""The answer (big digit and its probability) and the status bar."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from tkinter import ttk

from digitpad.gui import theme
from digitpad.gui.predictor import Prediction
from digitpad.gui.tooltip import Tooltip

log = logging.getLogger(__name__)

NO_DIGIT = " "  # keeps the digit's line height while nothing is read


class ResultPanel(ttk.Frame):
    """"B1 says" / the digit, large / its probability."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Card.TFrame", padding=0)
        self.configure(borderwidth=0)
        self.title = ttk.Label(self, text="", style="CardMuted.TLabel")
        self.digit = ttk.Label(self, text=NO_DIGIT, style="Digit.TLabel", foreground=theme.HINT,
                               anchor=tk.CENTER, width=2)
        self.probability = ttk.Label(self, text="draw a digit", style="Big.TLabel",
                                     foreground=theme.HINT, anchor=tk.CENTER)
        self.title.pack(anchor=tk.CENTER)
        self.digit.pack(anchor=tk.CENTER)
        self.probability.pack(anchor=tk.CENTER)

    def show(self, prediction: Prediction | None, net_label: str, colour: str,
             unavailable: bool = False) -> None:
        self.title.configure(text=f"{net_label} says")
        if prediction is None:
            self.digit.configure(text=NO_DIGIT, foreground=theme.HINT)
            text = f"{net_label} is not available" if unavailable else "draw a digit"
            self.probability.configure(text=text, foreground=theme.HINT, style="Note.TLabel")
            return
        self.probability.configure(style="Big.TLabel")
        self.digit.configure(text=str(prediction.digit), foreground=colour)
        self.probability.configure(text=f"{prediction.probability:.1%}", foreground=theme.TEXT)


class StatusBar(ttk.Frame):
    """Left: what the selected net is. Right: the latest message (info, warning or error)."""

    COLOURS = {"info": theme.MUTED, "success": theme.SUCCESS, "warning": theme.WARNING,
               "error": theme.ERROR}

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Status.TFrame")
        ttk.Style(self).configure("Status.TFrame", background="#e5e7eb")
        self.describe = ttk.Label(self, text="", style="Status.TLabel", width=1)
        self.message = ttk.Label(self, text="", style="Status.TLabel", anchor=tk.E)
        self.message.pack(side=tk.RIGHT)
        self.describe.pack(side=tk.LEFT, fill=tk.X, expand=True)  # long text is cut, not widening
        self._tooltip = Tooltip(self.describe)
        self._full = ""
        self.describe.bind("<Configure>", self._fit, add="+")

    @property
    def net_text(self) -> str:
        """The whole description (the bar may show it shortened)."""
        return self._full

    def set_net(self, text: str) -> None:
        self._full = text
        self._tooltip.text = text  # the bar may be too narrow for all of it
        self._fit()

    def _fit(self, _event: object = None) -> None:
        """Shorten the description with an ellipsis to the width it has."""
        font = tkfont.nametofont("TkDefaultFont")
        room = self.describe.winfo_width() - 20
        text = self._full
        if room > 20 and font.measure(text) > room:
            while text and font.measure(text + "…") > room:
                text = text[:-1]
            text = text.rstrip(" ,;") + "…"
        self.describe.configure(text=text)

    def say(self, text: str, kind: str = "info") -> None:
        log.log(logging.WARNING if kind in ("warning", "error") else logging.INFO,
                "status: %s", text)
        self.message.configure(text=text, foreground=self.COLOURS.get(kind, theme.MUTED))
