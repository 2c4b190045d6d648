"""Network ▸ How good is it?…: per net, the confusion matrix on the MNIST test set or on
the user's drawings, the most confident mistakes (click one: it goes on the pad), the
learning curves its weights file kept, and "Give me a test digit".

Reading 10,000 test digits with five nets takes tens of seconds on a small machine, so it
runs off the Tk thread (:func:`digitpad.gui.threads.run_in_thread`) with its progress
said in the window; :mod:`digitpad.quality` keeps the answers per weights, so the window
opens at once the next time. Not modal: drawing goes on meanwhile.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any

import numpy as np

from digitpad import curves, quality, samples
from digitpad.gui import theme
from digitpad.gui.netbar import label_of
from digitpad.gui.quality_plots import ConfusionPlot, CurvesPlot
from digitpad.gui.threads import MainThreadQueue, run_in_thread
from digitpad.gui.thumbs import ThumbnailGrid
from digitpad.nets import NAMES, VOTE
from digitpad.reading import percent

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

NAME = "quality"  # the window's Tk name: one per app, found again by it
SETS = {"mnist": "MNIST test", "mine": "My drawings"}
NO_MISTAKES = "No mistakes on this set."


def open_for(app: App) -> QualityWindow:
    """Show the window (one per app) and bring what it shows up to date."""
    found = app.root.children.get(NAME)
    window = found if isinstance(found, QualityWindow) and found.winfo_exists() else QualityWindow(app)
    window.lift()
    window.refresh()
    return window


class QualityWindow(tk.Toplevel):
    def __init__(self, app: App) -> None:
        super().__init__(app.root, name=NAME, background=theme.BG, padx=16, pady=12)
        self.title("How good is it?")
        self.app, s = app, app.scale
        chosen = app.selected.get()
        self.net = tk.StringVar(self, chosen)
        self.which = tk.StringVar(self, "mnist")
        self.source = tk.StringVar(self, "mnist")
        self.judged: dict[str, tuple[tuple[int, ...], dict[str, quality.NetQuality]]] = {}
        self.busy: str | None = None  # the set being computed
        self.rng = np.random.default_rng()
        self.test_digit: samples.TestDigit | None = None  # the last one put on the pad
        self._curves_of: tuple[object, ...] = ()  # the net (and its members) the curves show
        self.calls = MainThreadQueue(self)  # progress from the worker
        self._header()
        body = ttk.Frame(self)
        body.pack(fill=tk.BOTH, expand=True)
        self.confusion = ConfusionPlot(body, round(400 * s), round(400 * s), s)
        self.confusion.widget.grid(row=0, column=0, rowspan=4, sticky=tk.NW, padx=(0, 14))
        heading = ttk.Frame(body)
        heading.grid(row=0, column=1, sticky=tk.EW, pady=(0, 4))
        ttk.Label(heading, text="Most confident mistakes", style="Heading.TLabel").pack(anchor=tk.W)
        ttk.Label(heading, text="each: its true label, what it was read as; click one to put it on the pad",
                  style="Muted.TLabel").pack(anchor=tk.W)
        self.mistakes = ThumbnailGrid(body, s, self._mistake_chosen, self._note, NO_MISTAKES)
        self.mistakes.grid(row=1, column=1, sticky=tk.NW)
        ttk.Label(body, text="Learning curves", style="Heading.TLabel").grid(
            row=2, column=1, sticky=tk.W, pady=(10, 4))
        self.curves = CurvesPlot(body, round(488 * s), round(190 * s), s)
        self.curves.widget.grid(row=3, column=1, sticky=tk.NW)
        self._footer()
        self.bind("<Escape>", lambda _e: self.destroy())

    def _header(self) -> None:
        row = ttk.Frame(self, padding=(0, 0, 0, 10))
        row.pack(fill=tk.X)
        ttk.Label(row, text="How good is it?", style="Title.TLabel").pack(side=tk.LEFT, padx=(0, 16))
        ttk.Label(row, text="Network", style="Heading.TLabel").pack(side=tk.LEFT, padx=(0, 8))
        self.net_buttons: dict[str, ttk.Radiobutton] = {}
        for name in NAMES:
            button = ttk.Radiobutton(row, text=label_of(name), value=name, variable=self.net,
                                     command=self.show, takefocus=False)
            button.pack(side=tk.LEFT, padx=(0, 6))
            self.net_buttons[name] = button
        sets = ttk.Frame(self, padding=(0, 0, 0, 8))
        sets.pack(fill=tk.X)
        ttk.Label(sets, text="On", style="Heading.TLabel").pack(side=tk.LEFT, padx=(0, 8))
        for key, text in SETS.items():
            ttk.Radiobutton(sets, text=text, value=key, variable=self.which,
                            command=self.refresh, takefocus=False).pack(side=tk.LEFT, padx=(0, 8))

    def _footer(self) -> None:
        row = ttk.Frame(self, padding=(0, 10, 0, 0))
        row.pack(fill=tk.X)
        self.test_button = ttk.Button(row, text="Give me a test digit", style="Accent.TButton",
                                      command=self.give_test_digit)
        self.test_button.pack(side=tk.LEFT)
        for key, text in (("mnist", "from MNIST test"), ("pen", "pen-drawn (unseen writers)")):
            ttk.Radiobutton(row, text=text, value=key, variable=self.source,
                            takefocus=False).pack(side=tk.LEFT, padx=(10, 0))
        self.message = ttk.Label(self, text="", style="Muted.TLabel")
        self.message.pack(fill=tk.X, pady=(8, 0))

    # --- computing, off the Tk thread --------------------------------------------------
    def _nets_now(self) -> tuple[dict[str, Any], tuple[int, ...]]:
        nets = dict(self.app.predictor.nets)
        return nets, tuple(id(net) for net in nets.values())

    def refresh(self) -> None:
        """Show the chosen set, computing what is not known yet for the nets loaded now."""
        which = self.which.get()
        nets, identity = self._nets_now()
        known = self.judged.get(which)
        if known is not None and known[0] == identity and which == "mnist":
            self.show()
            return
        found = quality.cached(nets) if which == "mnist" else None
        if found is not None:
            self.judged[which] = (identity, found)
            self.show()
        elif self.busy != which:
            self._compute(which, nets, identity)

    def _compute(self, which: str, nets: dict[str, Any], identity: tuple[int, ...]) -> None:
        self.busy = which
        self.say(f"Computing {SETS[which]}…")
        self.show()
        store = self.app.teaching.store
        self.calls.acquire()

        def progress(what: str, share: float) -> None:
            self.calls.put(functools.partial(self.say, f"Computing: {what} ({share:.0%} done)…"))

        def work() -> dict[str, quality.NetQuality]:
            if which == "mnist":
                return quality.mnist_judged(nets, progress)
            if store is None:
                raise RuntimeError(self.app.teaching.problem or "your drawings cannot be read")
            return quality.my_drawings(nets, store).judge()

        run_in_thread(self, work, functools.partial(self._computed, which, identity),
                      functools.partial(self._failed, which))

    def _computed(self, which: str, identity: tuple[int, ...], found: dict[str, quality.NetQuality]) -> None:
        self.calls.release()
        if not self.winfo_exists():
            return
        self.busy = None
        self.judged[which] = (identity, found)
        self.say("")
        self.show()

    def _failed(self, which: str, error: BaseException) -> None:
        self.calls.release()
        if not self.winfo_exists():
            return
        self.busy = None
        log.warning("How good is it? %s: %s", SETS[which], error)
        self.say(f"{SETS[which]}: {error}", theme.ERROR)
        self.confusion.show(None, f"{SETS[which]}: not available")
        self.mistakes.show([])

    # --- what is shown -----------------------------------------------------------------
    @property
    def shown(self) -> quality.NetQuality | None:
        """The chosen net on the chosen set, once computed."""
        known = self.judged.get(self.which.get())
        return known[1].get(self.net.get()) if known is not None else None

    def show(self) -> None:
        known = self.judged.get(self.which.get())
        for name, button in self.net_buttons.items():
            button.state(["!disabled"] if known is None or name in known[1] else ["disabled"])
        net, result = self.net.get(), self.shown
        what = SETS[self.which.get()]
        if result is None:
            state = "computing…" if self.busy == self.which.get() else "not available"
            self.confusion.show(None, f"{label_of(net)} on {what}: {state}")
            self.mistakes.show([])
        else:
            self.confusion.show(result.confusion, f"{label_of(net)} on {what}: {percent(result.accuracy)}"
                                f" right ({result.count:,} digits)")
            self.mistakes.show(result.mistakes)
        self._show_curves(net)

    def _show_curves(self, net: str) -> None:
        """The curves of ``net`` (each member's for the vote); redrawn only when they change."""
        nets = self.app.predictor.nets
        members = list(nets.values()) if net == VOTE else [nets[net]] if net in nets else []
        key = (net, *(id(m) for m in members))
        if key == self._curves_of:
            return
        self._curves_of = key
        kept = {m.name: curves.learning_curves(m) for m in members}
        found = [c for c in kept.values() if c is not None]
        if net != VOTE:
            note = curves.no_curves_text(members[0]) if members and not found else ""
            self.curves.show(found, note or ("" if members else f"{net} is not loaded"), both=True)
            return
        without = [name for name, c in kept.items() if c is None]
        note = f"no curves kept for {', '.join(without)} (the vote itself was not trained)" if without else ""
        self.curves.show(found, note, both=False)

    def _note(self, mistake: quality.Mistake) -> str:
        return f"read {mistake.answer} ({int(mistake.probability * 100)}%)"  # floor: never "100%"

    def say(self, text: str, colour: str = theme.MUTED) -> None:
        self.message.configure(text=text, foreground=colour)

    # --- onto the pad ------------------------------------------------------------------
    def _mistake_chosen(self, index: int | None) -> None:
        result = self.shown
        mistake = next((m for m in result.mistakes if m.index == index), None) if result else None
        if mistake is None or result is None:
            return
        where = "MNIST test digit" if self.which.get() == "mnist" else "your drawing"
        caption = f"{where} #{mistake.index}: a {mistake.label}"
        self.app.select(result.net, remember=False)
        self.app.show_input_image(mistake.image, samples.picture_of(mistake.image), caption)
        self.say(f"On the pad: {caption}, which {label_of(result.net)} read as {mistake.answer} "
                 f"({percent(mistake.probability)})")

    def give_test_digit(self) -> None:
        """A random MNIST test digit or unseen pen-drawn digit on the pad, with its label."""
        source = self.source.get()
        rng = self.rng
        picker: Callable[[], samples.TestDigit] = (
            (lambda: samples.mnist_digit(*quality.CACHE.images()[:2], rng)) if source == "mnist"
            else (lambda: samples.pen_digit(rng)))
        self.test_button.state(["disabled"])
        run_in_thread(self, picker, self._got_test_digit, self._no_test_digit)

    def _got_test_digit(self, digit: samples.TestDigit) -> None:
        if not self.winfo_exists():
            return
        self.test_button.state(["!disabled"])
        self.test_digit = digit
        self.app.show_input_image(digit.image, digit.picture, f"{digit.caption}: a {digit.label}")
        said = self.app.prediction.text if self.app.prediction is not None else "nothing"
        self.say(f"On the pad: a {digit.label} ({digit.caption}); "
                 f"{label_of(self.app.selected.get())} says {said}")

    def _no_test_digit(self, error: BaseException) -> None:
        if self.winfo_exists():
            self.test_button.state(["!disabled"])
            self.say(f"No test digit: {error}", theme.ERROR)
