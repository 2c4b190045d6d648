"""The choices of the retrain dialog: net, data, epochs, whether to include your own
drawings and, under "Advanced", learning rate, batch size, augmentation and whether to
learn from K1's answers as well. Data that is not on this machine, and your drawings when
there are none, are greyed out with the reason."""

from __future__ import annotations

import importlib.util
import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from digitpad.datasets import sources
from digitpad.gui import theme
from digitpad.gui.training import DEFAULTS, TrainOptions
from digitpad.nets import SPECS

log = logging.getLogger(__name__)

DATA_LABELS = {"mnist": "MNIST", "emnist": "EMNIST digits"}
AUGMENTS = ("none", "light", "strong")
TEACHER = "K1"  # the most accurate net; the numpy nets can learn from its answers
MY_REPEAT = "20"  # a few dozen drawings, each seen 20 times an epoch, weigh against 55000 digits


def net_unavailable_reason(name: str) -> str:
    """Why ``name`` cannot be trained here ("" if it can), without importing TensorFlow."""
    if SPECS[name].kind == "cnn" and importlib.util.find_spec("tensorflow") is None:
        return "K1 is trained with TensorFlow, which is not installed (pip install digitpad[cnn])"
    return ""


class RetrainForm(ttk.Frame):
    """``on_mine_changed()``: the number of saved drawings on offer changed."""

    def __init__(self, master: tk.Misc, net: str, scale: float = 1.0,
                 on_mine_changed: Callable[[], None] | None = None) -> None:
        super().__init__(master)
        self.scale = scale  # screen pixels per logical pixel, for the notes' wrapping
        self.on_mine_changed: Callable[[], None] | None = None  # set once the form is built
        self.net = tk.StringVar(self, net if net in SPECS else "B1")
        self.data = tk.StringVar(self)
        self.epochs = tk.StringVar(self, str(DEFAULTS.epochs))  # TrainConfig's, as the CLI's
        self.learning_rate = tk.StringVar(self, f"{DEFAULTS.learning_rate:g}")
        self.batch_size = tk.StringVar(self, str(DEFAULTS.batch_size))
        self.augment = tk.StringVar(self, DEFAULTS.augment)
        self.mine = tk.BooleanVar(self, False)
        self.learn_from_teacher = tk.BooleanVar(self, False)
        self.mine_repeat = tk.StringVar(self, MY_REPEAT)
        self.mine_count = 0
        self.enabled = True
        self.data_buttons: dict[str, ttk.Radiobutton] = {}
        self.reasons: dict[str, str] = {}
        self.net_note = ttk.Label(self, style="Muted.TLabel")
        self._grid_basic()
        self._grid_mine()
        self.advanced = self._advanced_frame()
        self._toggle = ttk.Button(self, text="▸ Advanced", style="Toggle.TButton",
                                  command=self.toggle_advanced, takefocus=False)
        self._toggle.grid(row=4, column=0, columnspan=3, sticky=tk.W, pady=(6, 0))
        self.net.trace_add("write", lambda *_: self._net_changed())
        self._net_changed()
        self.on_mine_changed = on_mine_changed

    def _grid_basic(self) -> None:
        ttk.Label(self, text="Network").grid(row=0, column=0, sticky=tk.W, pady=3)
        box = ttk.Combobox(self, textvariable=self.net, values=list(SPECS), state="readonly",
                           width=8)
        box.grid(row=0, column=1, sticky=tk.W)
        self.net_note.grid(row=0, column=2, sticky=tk.W, padx=(10, 0))
        ttk.Label(self, text="Data").grid(row=1, column=0, sticky=tk.NW, pady=3)
        data = ttk.Frame(self)
        data.grid(row=1, column=1, columnspan=2, sticky=tk.W)
        for row, (name, label) in enumerate(DATA_LABELS.items()):
            ok, reason = sources.available(name)
            button = ttk.Radiobutton(data, text=label, value=name, variable=self.data)
            button.grid(row=2 * row, column=0, sticky=tk.W, pady=1)
            if not ok:
                button.state(["disabled"])
                self.reasons[name] = reason
                ttk.Label(data, text=reason, style="Muted.TLabel", wraplength=round(380 * self.scale)).grid(
                    row=2 * row + 1, column=0, sticky=tk.W, padx=(22, 0), pady=(0, 4))
            self.data_buttons[name] = button
        ttk.Label(self, text="Epochs").grid(row=3, column=0, sticky=tk.W, pady=3)
        ttk.Spinbox(self, from_=1, to=200, textvariable=self.epochs, width=6).grid(
            row=3, column=1, sticky=tk.W)
        self.columnconfigure(2, weight=1)

    def _grid_mine(self) -> None:
        frame = ttk.Frame(self)  # more data: under the data sets
        frame.grid(row=2, column=1, columnspan=2, sticky=tk.W, pady=(2, 4))
        self.mine_check = ttk.Checkbutton(frame, text="Include my drawings, each", variable=self.mine,
                                          command=self._mine_changed)
        self.mine_spin = ttk.Spinbox(frame, from_=1, to=1000, textvariable=self.mine_repeat, width=5)
        self.mine_times = ttk.Label(frame, text="times an epoch")
        self.mine_note = ttk.Label(frame, style="Muted.TLabel", wraplength=round(380 * self.scale))
        self.mine_check.grid(row=0, column=0, sticky=tk.W)
        self.mine_spin.grid(row=0, column=1, sticky=tk.W, padx=(4, 4))
        self.mine_times.grid(row=0, column=2, sticky=tk.W)
        self.mine_note.grid(row=1, column=0, columnspan=3, sticky=tk.W, padx=(22, 0))
        self.set_my_drawings(0, "")

    def set_my_drawings(self, count: int, reason: str) -> None:
        """``count`` saved drawings can be included; with none, ``reason`` says why."""
        first = self.mine_count == 0 and count > 0
        self.mine_count = count
        if first:
            self.mine.set(True)  # the user taught the app: learn from it unless told not to
        elif not count:
            self.mine.set(False)
        self.mine_note.configure(text=reason if not count else
                                 f"{count} saved drawing{'s' if count != 1 else ''} "
                                 "(File ▸ My drawings…)")
        self._mine_changed()
        if self.on_mine_changed is not None:
            self.on_mine_changed()

    def _mine_changed(self) -> None:
        usable = self.enabled and self.mine_count > 0
        self.mine_check.state(["!disabled"] if usable else ["disabled"])
        ticked = usable and self.mine.get()
        self.mine_spin.state(["!disabled"] if ticked else ["disabled"])
        self.mine_times.configure(foreground=theme.TEXT if ticked else theme.HINT)

    def _advanced_frame(self) -> ttk.Frame:
        frame = ttk.Frame(self, padding=(16, 2, 0, 0))
        rows = (("Learning rate", ttk.Entry(frame, textvariable=self.learning_rate, width=10)),
                ("Batch size", ttk.Spinbox(frame, from_=8, to=4096, increment=32,
                                           textvariable=self.batch_size, width=8)),
                ("Augmentation", ttk.Combobox(frame, textvariable=self.augment, values=AUGMENTS,
                                              state="readonly", width=8)))
        for row, (label, widget) in enumerate(rows):
            ttk.Label(frame, text=label).grid(row=row, column=0, sticky=tk.W, pady=2, padx=(0, 10))
            widget.grid(row=row, column=1, sticky=tk.W)
        self.teacher_check = ttk.Checkbutton(frame, variable=self.learn_from_teacher,
                                             text=f"Learn also from {TEACHER}'s answers")
        self.teacher_check.grid(row=len(rows), column=0, columnspan=2, sticky=tk.W, pady=(4, 0))
        ttk.Label(frame, text="about 3 minutes longer (measured), usually more accurate",
                  style="Muted.TLabel", wraplength=round(200 * self.scale)).grid(
            row=len(rows) + 1, column=0, columnspan=2, sticky=tk.W, padx=(22, 0))
        return frame

    def _teacher_changed(self) -> None:
        """A net cannot learn from itself: the tick box is for the numpy nets only."""
        usable = self.enabled and self.net.get() != TEACHER
        self.teacher_check.state(["!disabled"] if usable else ["disabled"])

    def toggle_advanced(self) -> None:
        if self.advanced.winfo_manager():
            self.advanced.grid_remove()
            self._toggle.configure(text="▸ Advanced")
        else:
            self.advanced.grid(row=5, column=0, columnspan=3, sticky=tk.W)
            self._toggle.configure(text="▾ Advanced")

    def _net_changed(self) -> None:
        name = self.net.get()
        intended = SPECS[name].intended_data
        self.net_note.configure(text=f"made for {DATA_LABELS[intended]}")
        if intended not in self.reasons:
            self.data.set(intended)
        elif self.data.get() not in DATA_LABELS or self.data.get() in self.reasons:
            self.data.set(next((d for d in DATA_LABELS if d not in self.reasons), "mnist"))
        self._teacher_changed()

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        for widget in self._inputs(self):
            if isinstance(widget, ttk.Radiobutton) and widget.cget("value") in self.reasons:
                continue
            if widget is self.mine_spin:  # follows its tick box
                continue
            if isinstance(widget, ttk.Combobox):
                widget.state(["!disabled", "readonly"] if enabled else ["disabled"])
            else:
                widget.state(["!disabled"] if enabled else ["disabled"])
        self._mine_changed()
        self._teacher_changed()

    def _inputs(self, parent: tk.Misc) -> list[ttk.Widget]:
        found: list[ttk.Widget] = []
        for child in parent.winfo_children():
            if isinstance(child, (ttk.Entry, ttk.Radiobutton)):  # Combobox, Spinbox are Entries
                found.append(child)
            elif isinstance(child, ttk.Frame):
                found.extend(self._inputs(child))
        return found

    def options(self) -> TrainOptions:
        """The chosen options; ValueError with a sentence for people when one is wrong."""
        net = self.net.get()
        if reason := net_unavailable_reason(net):
            raise ValueError(reason)
        data = self.data.get()
        if data in self.reasons or data not in DATA_LABELS:
            raise ValueError(self.reasons.get(data, "choose the data to train on"))
        return TrainOptions(net=net, data=data,
                            epochs=round(_number(self.epochs.get(), "epochs", 1, 1000, whole=True)),
                            learning_rate=_number(self.learning_rate.get(), "learning rate",
                                                  1e-6, 10.0),
                            batch_size=round(_number(self.batch_size.get(), "batch size", 1, 65536,
                                                     whole=True)),
                            augment=self.augment.get(), my_drawings=self._repeat(),
                            teacher=TEACHER if self.learn_from_teacher.get() and net != TEACHER else None)

    def _repeat(self) -> int:
        """How often each of the user's drawings is seen an epoch; 0: not included."""
        if not (self.mine.get() and self.mine_count > 0):
            return 0
        return round(_number(self.mine_repeat.get(), "repeat of your drawings", 1, 1000, whole=True))


def _number(text: str, what: str, low: float, high: float, whole: bool = False) -> float:
    try:
        value = float(int(text.strip()) if whole else float(text.strip()))
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"the {what} must be {kind}, not {text!r}") from None
    if not low <= value <= high:
        raise ValueError(f"the {what} must be between {low:g} and {high:g}")
    return value
