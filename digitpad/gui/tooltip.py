"""A small hover tooltip for any widget."""

from __future__ import annotations

import tkinter as tk

from digitpad.gui import theme

DELAY_MS = 500


class Tooltip:
    """Shows ``text`` (changeable later) in a small box under ``widget`` while hovered."""

    def __init__(self, widget: tk.Misc, text: str = "") -> None:
        self.widget = widget
        self.text = text
        self._window: tk.Toplevel | None = None
        self._pending: str | None = None
        widget.bind("<Enter>", self._schedule, add="+")
        widget.bind("<Leave>", self._hide, add="+")
        widget.bind("<ButtonPress>", self._hide, add="+")

    def _schedule(self, _event: object = None) -> None:
        self._cancel()
        self._pending = self.widget.after(DELAY_MS, self.show)

    def _cancel(self) -> None:
        if self._pending is not None:
            self.widget.after_cancel(self._pending)
            self._pending = None

    def show(self) -> None:
        self._pending = None
        if not self.text or self._window is not None:
            return
        x = self.widget.winfo_rootx() + 4
        y = self.widget.winfo_rooty() + self.widget.winfo_height() + 4
        window = tk.Toplevel(self.widget)
        window.wm_overrideredirect(True)
        window.wm_geometry(f"+{x}+{y}")
        tk.Label(window, text=self.text, justify=tk.LEFT, background="#1f2937", foreground="white",
                 padx=8, pady=4, wraplength=360, font=("TkDefaultFont", 9)).pack()
        window.configure(background=theme.BORDER)
        self._window = window

    def _hide(self, _event: object = None) -> None:
        self._cancel()
        if self._window is not None:
            self._window.destroy()
            self._window = None
