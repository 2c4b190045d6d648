"""The answer (big digit and its probability) and the status bar."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from tkinter import ttk

from digitpad.gui import theme
from digitpad.gui.predictor import Prediction
from digitpad.gui.tooltip import Tooltip
from digitpad.nets import VOTE
from digitpad.verdict import Verdict, judge

log = logging.getLogger(__name__)

NO_DIGIT = " "  # keeps the digit's line height while nothing is read
NOT_SURE_SAMPLE = "not sure: 8 or 8?"


def verdict_of(prediction: Prediction | None) -> Verdict | None:
    """Sure or not: the vote also needs the nets to agree (see verdict.MIN_AGREEMENT);
    one net, its probability alone."""
    if prediction is None:
        return None
    return judge(prediction.probs, prediction.per_net if prediction.net == VOTE else None)


class ResultPanel(ttk.Frame):
    """"B1 says" / the digit, large / its probability; when the nets are not sure, the
    digit greyed with a "?" and "not sure: 4 or 9?" instead of the probability."""

    def __init__(self, master: tk.Misc, font: tkfont.Font | None = None) -> None:
        super().__init__(master, style="Card.TFrame", padding=0)
        self.configure(borderwidth=0)
        self.title = ttk.Label(self, text="", style="CardMuted.TLabel")
        answer = ttk.Frame(self, style="Card.TFrame", padding=0)
        answer.configure(borderwidth=0)
        self.digit = ttk.Label(answer, text=NO_DIGIT, style="Digit.TLabel", foreground=theme.HINT,
                               anchor=tk.CENTER, width=2)
        self.doubt = ttk.Label(answer, text="?", style="Digit.TLabel", foreground=theme.WARNING)
        self.probability = ttk.Label(self, text="draw a digit", style="Note.TLabel",
                                     foreground=theme.HINT, anchor=tk.CENTER)
        # as wide as "not sure: 4 or 9?" from the start, so the card never jumps
        tk.Frame(self, width=font.measure(NOT_SURE_SAMPLE) + 8 if font else 1, height=1,
                 background=theme.SURFACE).pack()
        self.title.pack(anchor=tk.CENTER)
        answer.pack(anchor=tk.CENTER)
        self.digit.pack(side=tk.LEFT)
        self.probability.pack(anchor=tk.CENTER)

    def show(self, verdict: Verdict | None, net_label: str, colour: str,
             hint: str = "draw a digit") -> None:
        """``verdict``: what to say, or None with ``hint`` instead (nothing to read)."""
        self.title.configure(text=f"{net_label} says")
        self.doubt.pack_forget()
        if verdict is None:
            self.digit.configure(text=NO_DIGIT, foreground=theme.HINT, width=2)
            self.probability.configure(text=hint, foreground=theme.HINT, style="Note.TLabel")
        elif verdict.sure:
            self.digit.configure(text=str(verdict.digit), foreground=colour, width=2)
            self.probability.configure(text=f"{verdict.probability:.1%}", foreground=theme.TEXT,
                                       style="Big.TLabel")
        else:
            self.digit.configure(text=str(verdict.digit), foreground=theme.HINT, width=1)
            self.doubt.pack(side=tk.LEFT)
            self.probability.configure(text=verdict.text, foreground=theme.WARNING,
                                       style="Big.TLabel")


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
