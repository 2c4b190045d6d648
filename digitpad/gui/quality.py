"""Network ▸ How good is it?…: per net, the confusion matrix on the MNIST test set or on
the user's drawings, the most confident mistakes (click one: it goes on the pad), the
learning curves its weights file kept, and "Give me a test digit".

Reading 10,000 test digits with five nets takes tens of seconds on a small machine, so it
runs off the Tk thread (:func:`digitpad.gui.threads.run_in_thread`) with its progress
said in the window; :mod:`digitpad.quality` keeps the answers per weights, so the window
opens at once the next time. Not modal: drawing goes on meanwhile.

Choosing a net draws its two figures off the Tk thread too (matplotlib took 70-140 ms a
switch there; :mod:`digitpad.gui.quality_plots`), one drawing at a time with the newest
choice winning (:class:`~digitpad.gui.threads.LatestOnly`); the window says "working…"
meanwhile, then pastes the figures and the mistakes in one go.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk
from typing import TYPE_CHECKING, Any

import numpy as np

from digitpad import quality, samples
from digitpad.gui import theme
from digitpad.gui.netbar import label_of
from digitpad.gui.quality_plots import ConfusionPlot, CurvesPlot, Drawn, curves_shown, members_of
from digitpad.gui.threads import LatestOnly, MainThreadQueue, run_in_thread
from digitpad.gui.thumbs import ThumbnailGrid
from digitpad.nets import NAMES, Classifier
from digitpad.reading import percent

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

NAME = "quality"  # the window's Tk name: one per app, found again by it
SETS = {"mnist": "MNIST test", "mine": "My drawings"}
NO_MISTAKES = "No mistakes on this set."
WORKING = "working…"


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
        self.drawing = LatestOnly(app.root)  # the figures, drawn off the Tk thread
        self.displayed: tuple[str, str] | None = None  # the (net, set) on screen
        self._on_screen: quality.NetQuality | None = None  # and its numbers
        self._curves_pasted: tuple[object, ...] = ()  # the net (and its members) the curves show
        self._curves_drawn: tuple[tuple[object, ...], str, np.ndarray] | None = None  # the worker's
        self._pasting = 0  # mistakes still to be shown after their figures were pasted
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
        self.working_label = ttk.Label(row, text="", style="Muted.TLabel")
        self.working_label.pack(side=tk.RIGHT)
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
        if self.message.cget("text").startswith("Computing"):  # not what was said since
            self.say("")
        self.show()

    def _failed(self, which: str, error: BaseException) -> None:
        self.calls.release()
        if not self.winfo_exists():
            return
        self.busy = None
        log.warning("How good is it? %s: %s", SETS[which], error)
        self.say(f"{SETS[which]}: {error}", theme.ERROR)
        self.show()

    # --- what is shown -----------------------------------------------------------------
    @property
    def shown(self) -> quality.NetQuality | None:
        """The chosen net on the chosen set, once computed."""
        known = self.judged.get(self.which.get())
        return known[1].get(self.net.get()) if known is not None else None

    @property
    def working(self) -> bool:
        """Whether a choice is not wholly on screen yet (its figures being drawn or shown)."""
        return self.drawing.busy or self._pasting > 0

    def show(self) -> None:
        """Show the chosen net on the chosen set: its figures drawn off the Tk thread, then
        pasted with its mistakes (a later choice drops what an earlier one drew)."""
        known = self.judged.get(self.which.get())
        for name, button in self.net_buttons.items():
            button.state(["!disabled"] if known is None or name in known[1] else ["disabled"])
        net, which, result = self.net.get(), self.which.get(), self.shown
        what = SETS[which]
        if result is None:
            state = "computing…" if self.busy == which else "not available"
            title = f"{label_of(net)} on {what}: {state}"
        else:
            title = f"{label_of(net)} on {what}: {percent(result.accuracy)} right ({result.count:,} digits)"
        members = members_of(net, self.app.predictor.nets)
        key = (net, *(id(m) for m in members))
        self.working_label.configure(text=WORKING)
        self.drawing.submit(functools.partial(self._draw, result, title, net, key, members),
                            functools.partial(self._drawn, (net, which), result, title))

    def _draw(self, result: quality.NetQuality | None, title: str, net: str, key: tuple[object, ...],
              members: Sequence[Classifier]) -> Drawn:
        """Off the Tk thread: both figures rendered (the curves only when they change) and
        the mistakes' thumbnails."""
        matrix = self.confusion.draw(result.confusion if result is not None else None, title)
        if self._curves_drawn is None or self._curves_drawn[0] != key:
            found, note, both = curves_shown(net, members)
            self._curves_drawn = (key, note, self.curves.draw(found, note, both))
        thumbs = ThumbnailGrid.pictures(result.mistakes if result is not None else [], self.app.scale)
        return Drawn(matrix, self._curves_drawn, thumbs)

    def _drawn(self, chosen: tuple[str, str], result: quality.NetQuality | None, title: str,
               drawn: Drawn) -> None:
        """On the Tk thread: the figures pasted; the mistakes in the next slice (each slice
        a few ms: together they took up to 30 on a loaded machine)."""
        if not self.winfo_exists():
            return
        key, note, plot = drawn.curves
        self.confusion.shown(result.confusion if result is not None else None, title, drawn.matrix)
        if key != self._curves_pasted:
            self.curves.shown(note, plot)
            self._curves_pasted = key
        self._pasting += 1
        self.app.root.after_idle(functools.partial(self._show_mistakes, chosen, result, drawn))

    def _show_mistakes(self, chosen: tuple[str, str], result: quality.NetQuality | None,
                       drawn: Drawn) -> None:
        self._pasting -= 1
        if not self.winfo_exists():
            return
        self.mistakes.show(result.mistakes if result is not None else [], drawn.thumbs)
        self.displayed, self._on_screen = chosen, result
        if not self.working:
            self.working_label.configure(text="")

    def _note(self, mistake: quality.Mistake) -> str:
        return f"read {mistake.answer} ({int(mistake.probability * 100)}%)"  # floor: never "100%"

    def say(self, text: str, colour: str = theme.MUTED) -> None:
        self.message.configure(text=text, foreground=colour)

    # --- onto the pad ------------------------------------------------------------------
    def _mistake_chosen(self, index: int | None) -> None:
        result = self._on_screen  # the grid's, even while another net's figures are drawn
        mistake = next((m for m in result.mistakes if m.index == index), None) if result else None
        if mistake is None or result is None or self.displayed is None:
            return
        where = "MNIST test digit" if self.displayed[1] == "mnist" else "your drawing"
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
