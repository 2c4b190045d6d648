"""The answer (big digit and its probability) and the status bar."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from tkinter import ttk

from digitpad.gui import theme
from digitpad.gui.tooltip import Tooltip
from digitpad.reading import Reading, percent

log = logging.getLogger(__name__)

NO_DIGIT = " "  # keeps the digit's line height while nothing is read
NOT_SURE_SAMPLE = "not sure: 8 or 8?"
# how long a status message stays, by kind (ms); an error stays until replaced
LIFETIME_MS: dict[str, int | None] = {"info": 6000, "success": 6000, "warning": 15000,
                                      "error": None}
MESSAGE_SHARE = 0.6  # at most this share of the status bar for the message


class ResultPanel(ttk.Frame):
    """"B1 says" / the digit, large / its probability; when the nets are not sure, the
    digit greyed with a "?" and "not sure: 4 or 9?" instead of the probability; for a
    drawing that is not a digit, a grey cross and "that doesn't look like a digit"."""

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

    def show(self, verdict: Reading | None, net_label: str, colour: str,
             hint: str = "draw a digit") -> None:
        """``verdict``: what was read, or None with ``hint`` instead (nothing to read)."""
        self.title.configure(text=f"{net_label} says")
        self.doubt.pack_forget()
        if verdict is None:
            self.digit.configure(text=NO_DIGIT, foreground=theme.HINT, width=2)
            self.probability.configure(text=hint, foreground=theme.HINT, style="Note.TLabel")
        elif verdict.not_a_digit:
            self.digit.configure(text="✗", foreground=theme.HINT, width=2)
            self.probability.configure(text=verdict.reason or "that doesn't look like a digit",
                                       foreground=theme.WARNING, style="Note.TLabel")
        elif verdict.sure:
            self.digit.configure(text=str(verdict.digit), foreground=colour, width=2)
            self.probability.configure(text=percent(verdict.probability), foreground=theme.TEXT,
                                       style="Big.TLabel")
        else:
            self.digit.configure(text=str(verdict.digit), foreground=theme.HINT, width=1)
            self.doubt.pack(side=tk.LEFT)
            self.probability.configure(text=verdict.text, foreground=theme.WARNING,
                                       style="Big.TLabel")


class StatusBar(ttk.Frame):
    """Left: what the selected net is. Right: the latest message, which goes away after a
    while (:data:`LIFETIME_MS`: an error stays until another message replaces it) and never
    takes more than :data:`MESSAGE_SHARE` of the bar (shortened, in full in its tooltip)."""

    COLOURS = {"info": theme.MUTED, "success": theme.SUCCESS, "warning": theme.WARNING,
               "error": theme.ERROR}

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Status.TFrame")
        ttk.Style(self).configure("Status.TFrame", background="#e5e7eb")
        self.describe = ttk.Label(self, text="", style="Status.TLabel", width=1)
        self.message = ttk.Label(self, text="", style="Status.TLabel", anchor=tk.E)
        self.message.pack(side=tk.RIGHT)
        self.describe.pack(side=tk.LEFT, fill=tk.X, expand=True)  # long text is cut, not widening
        self.lifetimes: dict[str, int | None] = dict(LIFETIME_MS)  # tests make them short
        self.kind = ""
        self._tooltip = Tooltip(self.describe)
        self._message_tooltip = Tooltip(self.message)
        self._full = ""
        self._message = ""
        self._expiry: str | None = None
        self.describe.bind("<Configure>", self._fit, add="+")
        self.bind("<Configure>", self._fit_message, add="+")

    @property
    def net_text(self) -> str:
        """The whole description (the bar may show it shortened)."""
        return self._full

    @property
    def text(self) -> str:
        """The whole message shown now ("" when none; the bar may show it shortened)."""
        return self._message

    def set_net(self, text: str) -> None:
        self._full = text
        self._tooltip.text = text  # the bar may be too narrow for all of it
        self._fit()

    def _fit(self, _event: object = None) -> None:
        """Shorten the description with an ellipsis to the width it has."""
        self.describe.configure(text=shorten(self._full, self.describe.winfo_width() - 20))

    def _fit_message(self, _event: object = None) -> None:
        room = round(self.winfo_width() * MESSAGE_SHARE) if self.winfo_width() > 1 else 0
        self.message.configure(text=shorten(self._message, room))

    def say(self, text: str, kind: str = "info") -> None:
        """Show ``text`` ("info", "success", "warning" or "error") until it expires or the
        next message replaces it."""
        log.log(logging.WARNING if kind in ("warning", "error") else logging.INFO,
                "status: %s", text)
        self._cancel_expiry()
        self._message, self.kind = text, kind
        self._message_tooltip.text = text
        self.message.configure(foreground=self.COLOURS.get(kind, theme.MUTED))
        self._fit_message()
        lifetime = self.lifetimes.get(kind, LIFETIME_MS["info"])
        if text and lifetime is not None:
            self._expiry = self.after(lifetime, self._expire)

    def _expire(self) -> None:
        self._expiry = None
        self._message, self.kind = "", ""
        self._message_tooltip.text = ""
        self._fit_message()

    def _cancel_expiry(self) -> None:
        if self._expiry is not None:
            self.after_cancel(self._expiry)
            self._expiry = None


def shorten(text: str, room: int, font_name: str = "TkDefaultFont") -> str:
    """``text``, cut with an ellipsis to fit ``room`` pixels (as is when ``room`` is
    unknown yet: 20 pixels or less)."""
    font = tkfont.nametofont(font_name)
    if room <= 20 or font.measure(text) <= room:
        return text
    while text and font.measure(text + "…") > room:
        text = text[:-1]
    return text.rstrip(" ,;") + "…"
