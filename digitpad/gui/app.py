"""The main window: the pad, the net buttons, the answer, the chart, the preview, and
every net's answer; prediction runs live after each stroke and, throttled, while drawing."""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from pathlib import Path
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from digitpad import settings
from digitpad.adapt_files import is_adapted
from digitpad.gui import keys, layout, theme
from digitpad.gui.netbar import AnswersRow, NetButtons, colour_of, label_of
from digitpad.gui.pad import DrawingPad
from digitpad.gui.panels import ResultPanel, StatusBar
from digitpad.gui.predictor import Predictor
from digitpad.gui.preview import Preview
from digitpad.gui.teach import Teaching, TeachRow, save_as
from digitpad.gui.threads import run_in_thread
from digitpad.gui.timing import LatencyTimer
from digitpad.nets import SPECS, VOTE
from digitpad.preprocess import EmptyDrawing, rasterize, to_mnist
from digitpad.reading import Reading
from digitpad.verdict import TOO_SMALL, too_small

if TYPE_CHECKING:
    from collections.abc import Callable

    from digitpad.gui.chart import ProbabilityChart
    from digitpad.gui.gallery import GalleryWindow
    from digitpad.gui.retrain import RetrainDialog
    from digitpad.gui.training import Command

log = logging.getLogger(__name__)

THROTTLE_MS = 120  # at most one prediction this often while the pen moves
PAD = 14


class App:
    def __init__(self, root: tk.Tk) -> None:
        self.root = root
        self.scale = theme.ui_scale(root)
        self.fonts = theme.apply(root)
        root.title("digitpad")
        self.predictor = Predictor()
        self.selected = tk.StringVar(root, self._first_choice())
        self.prediction: Reading | None = None
        self.teaching = Teaching.open()
        self.gallery: GalleryWindow | None = None
        self.chart: ProbabilityChart | None = None
        self.retrain_dialog: RetrainDialog | None = None
        self.train_command: Command | None = None  # tests put a stand-in trainer here
        self.timer = LatencyTimer(root)
        self.menus: dict[str, tk.Menu] = {}
        self.listeners: list[Callable[[], None]] = []  # told after each prediction (Look inside)
        self._pending: str | None = None
        self._pen_down = False
        self.commands = keys.commands(self)  # what keys and menu entries do, by action
        self._layout()
        from digitpad.gui import menus

        menus.build(self)
        keys.bind(self)
        root.protocol("WM_DELETE_WINDOW", self.quit)
        self.refresh_nets()
        self._show_startup_messages()
        self.square.start()

    # --- layout ------------------------------------------------------------------------
    def _layout(self) -> None:
        s = self.scale
        edge = round(PAD * s)
        spacing = layout.Spacing(left=edge, top=round(10 * s), right=edge, bottom=0, card_gap=edge)
        main = ttk.Frame(self.root, padding=(spacing.left, spacing.top, spacing.right,
                                             spacing.bottom))
        main.pack(fill=tk.BOTH, expand=True)
        top = ttk.Frame(main)
        top.grid(row=0, column=0, columnspan=2, sticky=tk.EW, pady=(0, 10))
        ttk.Label(top, text="Network", style="Heading.TLabel").pack(side=tk.LEFT, padx=(0, 10))
        self.net_buttons = NetButtons(top, self.fonts.heading, self.select)
        self.net_buttons.pack(side=tk.LEFT)
        self.pad = DrawingPad(main, s, self._pad_changed)
        self.pad.grid(row=layout.PAD_ROW, column=0, sticky=tk.NW)
        self.card = self._result_card(main)
        self.card.grid(row=layout.PAD_ROW, column=1, sticky=tk.NSEW, padx=(spacing.card_gap, 0))
        self._pad_tools(main).grid(row=2, column=0, sticky=tk.EW, pady=(8, 0))
        self.teach_row = TeachRow(main, functools.partial(save_as, self),
                                  keys.teach_accelerator(self.root))
        self.teach_row.grid(row=2, column=1, sticky=tk.EW, padx=(spacing.card_gap, 0), pady=(8, 0))
        self.teach_row.set_problem(self.teaching.problem)
        self.answers = AnswersRow(main, self.fonts.heading, self.fonts.small)
        self.answers.grid(row=3, column=0, columnspan=2, sticky=tk.EW, pady=(10, edge))
        main.columnconfigure(1, weight=1)
        main.rowconfigure(4, weight=1)  # a window taller than the pad needs: room below
        self.status = StatusBar(self.root)
        self.status.pack(side=tk.BOTTOM, fill=tk.X, before=main)
        self.square = layout.SquarePad(self.root, main, self.pad, self.card, self.chart_holder,
                                       spacing, s)

    def _result_card(self, master: tk.Misc) -> ttk.Frame:
        padding = round(10 * self.scale)
        card = ttk.Frame(master, style="Card.TFrame", padding=padding)
        left = ttk.Frame(card, style="Card.TFrame",
                         padding=(round(4 * self.scale), 0, round(10 * self.scale), 0))
        left.configure(borderwidth=0)
        left.pack(side=tk.LEFT, fill=tk.Y)
        self.card_left = left
        self.result = ResultPanel(left, self.fonts.big)
        self.result.pack(side=tk.TOP)
        ttk.Label(left, text="what the net sees", style="CardMuted.TLabel").pack(
            pady=(round(8 * self.scale), round(3 * self.scale)))
        self.preview = Preview(left, self.scale)
        self.preview.pack(side=tk.TOP)
        # its requested size is the chart's smallest (see layout.SquarePad); it grows
        self.chart_holder = tk.Frame(card, background=theme.SURFACE)
        self.chart_holder.pack(side=tk.LEFT, fill=tk.BOTH, expand=True, padx=(4, 0))
        self.chart_holder.pack_propagate(False)
        self.chart_placement = layout.ChartPlacement(card, left, self.chart_holder, padding, 4,
                                                      self.scale)
        return card

    def _pad_tools(self, master: tk.Misc) -> ttk.Frame:
        from digitpad.gui.tooltip import Tooltip

        tools = ttk.Frame(master)
        self.undo_button = ttk.Button(tools, text="Undo", command=self.undo, takefocus=False)
        self.clear_button = ttk.Button(tools, text="Clear", command=self.clear, takefocus=False)
        self.undo_button.pack(side=tk.LEFT, fill=tk.X, expand=True)
        self.clear_button.pack(side=tk.LEFT, fill=tk.X, expand=True, padx=(6, 0))
        Tooltip(self.undo_button, f"Undo the last stroke ({keys.shown_keys(self.root, 'undo')})")
        Tooltip(self.clear_button, f"Clear the pad ({keys.shown_keys(self.root, 'clear')})")
        return tools

    # --- the chart, built once matplotlib is imported --------------------------------------
    def load_chart_in_background(self) -> None:
        """Import matplotlib off the Tk thread (it takes ~0.5 s), then build the chart."""
        def work() -> None:
            import matplotlib.backends.backend_tkagg  # noqa: F401
            import matplotlib.figure  # noqa: F401

        def done(_result: object) -> None:
            self.ensure_chart()

        run_in_thread(self.root, work, done)

    def ensure_chart(self) -> ProbabilityChart:
        if self.chart is None:
            from digitpad.gui.chart import ProbabilityChart

            self.root.update_idletasks()  # the holder's size, for the figure's first size
            self.chart = ProbabilityChart(self.chart_holder, self.chart_holder.winfo_width(),
                                          self.chart_holder.winfo_height(), self.scale)
            self.chart.widget.pack(fill=tk.BOTH, expand=True)
            self._show_chart()
        return self.chart

    def _show_chart(self) -> None:
        if self.chart is not None:
            probs = self.prediction.probabilities if self.prediction is not None else None
            greyed = self.prediction is not None and self.prediction.not_a_digit
            self.chart.show(probs, label_of(self.selected.get()), greyed)

    # --- prediction --------------------------------------------------------------------
    def _pad_changed(self, finished: bool) -> None:
        self._pen_down = not finished
        if finished:
            self._cancel_pending()
            self.timer.start()
            self.predict()
        elif self._pending is None:
            self._pending = self.root.after(THROTTLE_MS, self._throttled)

    def _throttled(self) -> None:
        self._pending = None
        self.predict()

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self.root.after_cancel(self._pending)
            self._pending = None

    def current_image(self) -> np.ndarray | None:
        """The 28x28 image the nets read now: the opened picture or the strokes."""
        if self.image_input is not None:
            return self.image_input
        if too_small(self.pad.strokes):  # empty, a dot or a tiny scribble: nothing to read
            return None
        try:
            return to_mnist(rasterize(self.pad.strokes))
        except EmptyDrawing:
            return None

    def predict(self) -> None:
        """Run the selected net (or the vote) on what is drawn and show everything."""
        image = self.current_image()
        name = self.selected.get()
        self.prediction = self.predictor.predict(image, name) if image is not None else None
        self.preview.show(image)
        self.result.show(self.prediction, label_of(name), colour_of(name), self._hint(image, name))
        self.teach_row.set_ready(image is not None)
        self.answers.show(self.prediction, set(self.predictor.missing))
        self._show_chart()
        self.timer.finish()
        for listener in self.listeners:
            listener()

    def _hint(self, image: np.ndarray | None, name: str) -> str:
        if not self.predictor.available(name):
            return f"{label_of(name)} is not available"
        if image is None and not self.pad.is_empty and not self._pen_down:
            return TOO_SMALL
        return "draw a digit"

    # --- commands ----------------------------------------------------------------------
    def select(self, name: str, remember: bool = True) -> None:
        """Show ``name``'s answer; ``remember``: start on it next time (the user chose it)."""
        if not self.predictor.available(name):
            self.root.bell()
            self.status.say(self.predictor.describe(name), "warning")
            return
        self.selected.set(name)
        if remember:
            settings.remember_net(name)
        self.net_buttons.select(name)
        self.status.set_net(self.predictor.describe(name))
        log.debug("selected %s", name)
        self.predict()

    def undo(self) -> None:
        if not self.pad.undo():
            self.root.bell()

    def clear(self) -> None:
        self.pad.clear()

    @property
    def image_input(self) -> np.ndarray | None:
        """What the nets read from the picture opened with File ▸ Open, while it is shown."""
        return self.pad.opened.image if self.pad.opened is not None else None

    def show_input_image(self, image: np.ndarray, picture: Image.Image, caption: str) -> None:
        self.pad.show_image(picture, caption, image)
        self.predict()

    def refresh_nets(self) -> None:
        """After the nets' weights changed: buttons, menu and the answer follow."""
        names = (*SPECS, VOTE)
        self.net_buttons.update_nets({n: self.predictor.describe(n) for n in names},
                                     {n: self.predictor.available(n) for n in names})
        adapted = {n for n, net in self.predictor.nets.items() if is_adapted(net.meta)}
        self.net_buttons.mark_adapted(adapted)
        self.answers.mark_adapted(adapted)
        from digitpad.gui import menus

        menus.refresh(self)
        name = self.selected.get()
        self.select(name if self.predictor.available(name) else VOTE, remember=False)

    def reload_nets(self) -> None:
        self.predictor.reload()
        self.refresh_nets()

    @staticmethod
    def _first_choice() -> str:
        """The net the user chose last time; the vote the first time."""
        name = settings.chosen_net()
        return name if name in (*SPECS, VOTE) else VOTE

    def _show_startup_messages(self) -> None:
        """Said once: weights that fell back to the shipped ones, no weights at all, and a
        drawings file that was damaged (moved aside) or cannot be written now."""
        messages = self.predictor.fallbacks
        if not self.predictor.nets:
            messages.append("No network weights found: retrain one with Train ▸ Retrain network…")
        messages += self.teaching.startup_messages()
        if messages:
            self.status.say("; ".join(messages), "warning")

    def open_retrain(self, extra: dict[str, object] | None = None) -> RetrainDialog:
        from digitpad.gui.retrain import RetrainDialog

        if self.retrain_dialog is not None and self.retrain_dialog.winfo_exists():
            self.retrain_dialog.lift()
            return self.retrain_dialog
        net = self.selected.get()
        self.retrain_dialog = RetrainDialog(
            self.root, net if net in SPECS else "B1", self.scale, self.predictor.test_accuracy,
            self.use_weights, command=self.train_command, extra=extra)
        self.retrain_dialog.form.set_my_drawings(*self.teaching.retrain_offer())
        return self.retrain_dialog

    def use_weights(self, net: str, path: Path) -> None:
        from digitpad.nets import registry

        registry.choose(net, path)
        self.reload_nets()
        self.status.say(f"{net} now uses {path.name}", "success")

    def quit(self) -> None:
        """Close the window; a training still running is stopped and leaves nothing."""
        dialog = self.retrain_dialog
        if dialog is not None:
            if dialog.winfo_exists():
                dialog.close(ask=False)  # quitting is the answer
            if dialog.job is not None and dialog.outcome in ("", "done"):
                dialog.job.stop_now()
        self.teaching.close()
        self.root.destroy()

