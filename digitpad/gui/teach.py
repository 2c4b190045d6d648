"""Teaching: after the nets read a digit, the user says what it really was (a click on
"It was: 0 … 9" under the answer, or Ctrl+digit). The drawing, the image the nets saw
and what each net said are kept in the user's :class:`DrawingStore`, to retrain with and
to score the nets on; the pad is then cleared for the next digit.

The store may be damaged (it is then started afresh, and the app says so once) or
locked by another program (teaching is then off, with the reason; drawing goes on).
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np

from digitpad.drawings import DrawingsError, DrawingStore
from digitpad.gui import theme
from digitpad.gui.predictor import Predictor
from digitpad.gui.tooltip import Tooltip
from digitpad.nets import VOTE

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)


class Teaching:
    """The user's store of labelled drawings, or why there is none (``problem``)."""

    def __init__(self, store: DrawingStore | None, problem: str = "") -> None:
        self.store = store
        self.problem = problem

    @classmethod
    def open(cls) -> Teaching:
        try:
            return cls(DrawingStore())
        except (DrawingsError, OSError, sqlite3.Error) as exc:
            log.warning("teaching is off: %s", exc)
            return cls(None, f"Your drawings cannot be saved: {exc}")

    def startup_messages(self) -> list[str]:
        """Said once, at start: a damaged file was moved aside, or saving is off."""
        if self.store is None:
            return [f"{self.problem} (drawing and reading still work)"]
        notice = self.store.take_notice()
        return [notice] if notice else []

    def count(self) -> int:
        if self.store is None:
            return 0
        try:
            return len(self.store)
        except DrawingsError as exc:
            log.warning("could not count the drawings: %s", exc)
            return 0

    def retrain_offer(self) -> tuple[int, str]:
        """How many drawings a retraining can include, and why none when none."""
        if self.store is None:
            return 0, self.problem
        count = self.count()
        return count, "" if count else ("No saved drawings yet: after the nets read a digit, "
                                        "click what it was under the answer.")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def all_predictions(predictor: Predictor, image: np.ndarray) -> dict[str, list[float]]:
    """Every loaded net's ten probabilities and the vote's, for ``image``."""
    result = predictor.predict(image, VOTE)
    if result is None:
        return {}
    answers = {name: probs.tolist() for name, probs in result.per_net.items()}
    answers[VOTE] = result.probabilities.tolist()
    return answers


def drawings_phrase(count: int) -> str:
    return f"{count} drawing" if count == 1 else f"{count} drawings"


def a_digit(digit: int) -> str:
    """"a 4", "an 8"."""
    return f"{'an' if digit == 8 else 'a'} {digit}"


def digit_styles(widget: tk.Misc) -> None:
    """Small digit buttons; the current one (a drawing's label) filled."""
    style = ttk.Style(widget)
    style.configure("Teach.TButton", padding=(7, 2))
    style.configure("Current.Teach.TButton", background="#2563eb", foreground="white",
                    lightcolor="#2563eb", darkcolor="#2563eb", bordercolor="#1d4ed8")
    style.map("Current.Teach.TButton", background=[("active", "#1d4ed8")])


def save_as(app: App, label: int) -> bool:
    """Keep what is on the pad as a ``label``, then clear the pad; False (and said why)
    when there is nothing to keep or it cannot be saved."""
    store = app.teaching.store
    image = app.current_image()
    if store is None or image is None:
        app.root.bell()
        app.status.say(app.teaching.problem or "Draw a digit first, then say what it was",
                       "error" if store is None else "warning")
        return False
    try:
        store.add(app.pad.strokes, image, label, all_predictions(app.predictor, image))
    except DrawingsError as exc:
        log.warning("drawing not saved: %s", exc)
        app.status.say(f"Not saved: {exc}", "error")
        return False
    app.clear()
    saved = f"Saved as {a_digit(label)} — {drawings_phrase(app.teaching.count())}"
    notice = store.take_notice()  # the file had been deleted or replaced: say so, not just "saved"
    if notice:
        app.status.say(f"{notice}. {saved}", "warning")
    else:
        app.status.say(f"{saved}; the pad is clear for the next one", "success")
    drawings_changed(app)
    return True


def drawings_changed(app: App) -> None:
    """After a drawing was kept, relabelled or deleted: the windows showing them follow."""
    if app.gallery is not None and app.gallery.winfo_exists():
        app.gallery.refresh()
    if app.retrain_dialog is not None and app.retrain_dialog.winfo_exists():
        app.retrain_dialog.form.set_my_drawings(*app.teaching.retrain_offer())


class TeachRow(ttk.Frame):
    """"It was: 0 1 … 9": one click keeps the drawing with that label."""

    def __init__(self, master: tk.Misc, on_teach: Callable[[int], object], shortcut: str) -> None:
        super().__init__(master)
        digit_styles(self)
        title = ttk.Label(self, text="It was:", style="Heading.TLabel")
        title.pack(side=tk.LEFT, padx=(0, 6))
        self.buttons: list[ttk.Button] = []
        for digit in range(10):
            button = ttk.Button(self, text=str(digit), width=1, style="Teach.TButton",
                                takefocus=False, command=functools.partial(on_teach, digit))
            button.pack(side=tk.LEFT, padx=(0 if digit == 0 else 2, 0))
            self.buttons.append(button)
        self.note = ttk.Label(self, text=shortcut, style="Muted.TLabel")
        self.note.pack(side=tk.RIGHT)
        self.shortcut = shortcut
        self.tip = Tooltip(title)
        Tooltip(self.note, f"{shortcut}: it was that digit; the drawing is kept and the pad cleared")
        self.tooltips = [Tooltip(b) for b in self.buttons]
        self._problem = ""
        self.ready = False
        self.set_ready(False)

    def set_problem(self, problem: str) -> None:
        """Teaching is off for good (the drawings cannot be saved): say why."""
        self._problem = problem
        self.note.configure(text="saving is off" if problem else self.shortcut,
                            foreground=theme.ERROR if problem else theme.MUTED)
        self.set_ready(self.ready)

    def set_ready(self, ready: bool) -> None:
        """Enabled while there is a digit to keep."""
        self.ready = ready
        usable = ready and not self._problem
        for digit, (button, tip) in enumerate(zip(self.buttons, self.tooltips)):
            button.state(["!disabled"] if usable else ["disabled"])
            tip.text = self._problem or f"It was {a_digit(digit)}: keep the drawing to learn " \
                f"your handwriting, and clear the pad ({self.shortcut.replace('0…9', str(digit))})"
        self.tip.text = self._problem or ("Say what you drew: the drawing is kept with that "
                                          "label, to retrain the nets with and to score them on")
