"""Network ▸ Look inside…: a window beside the main one showing, live as the user draws,
what the selected net computes for the drawing (:mod:`digitpad.inside`) and why it
answered as it did.

The main window calls :meth:`InsideWindow.schedule` from its ``listeners`` after each
prediction; with the window closed the list is empty and nothing extra runs. Switching a
neuron off puts a :class:`~digitpad.inside.mlp.MaskedMLP` in place of the net in the
app's reader, so the main window's answer, chart and the vote all read through
:mod:`digitpad.reading` with the neuron off; Reset and closing the window put the net
back. B1-B4 and the vote are looked inside on the Tk thread (4.6-10.6 ms median a
refresh, ``benchmarks/inside_latency.py``); K1, whose refreshes reached 40 ms on a loaded
2-core machine, off it: its maps, head and why-map are computed and coloured in a worker
(:func:`~digitpad.gui.inside_views.conv_pictures`, one at a time by
:class:`~digitpad.gui.threads.LatestOnly`, a newer drawing dropping an older result)
and only pasted on the Tk thread.
"""

from __future__ import annotations

import functools
import logging
import time
import tkinter as tk
import weakref
from tkinter import ttk
from typing import TYPE_CHECKING

import numpy as np

from digitpad.gui import keys, theme
from digitpad.gui.inside_mlp import MLPView
from digitpad.gui.inside_views import ConvPictures, ConvView, VoteView, WhyPanel, conv_pictures
from digitpad.gui.netbar import label_of
from digitpad.gui.threads import LatestOnly
from digitpad.inside import mlp as mlp_inside
from digitpad.inside import why
from digitpad.nets import VOTE
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP
from digitpad.nets.threads import one_thread_if_small
from digitpad.nets.vote import weights

if TYPE_CHECKING:
    from digitpad.gui.app import App
    from digitpad.reading import Reading

log = logging.getLogger(__name__)

_windows: weakref.WeakKeyDictionary[App, InsideWindow] = weakref.WeakKeyDictionary()
FOLLOWED = ("clear", "undo")  # besides choosing a net: keys that work in this window too


def open_for(app: App) -> InsideWindow:
    """The app's look-inside window (one per app), opened beside the main window."""
    window = _windows.get(app)
    if window is None or not window.winfo_exists():
        window = InsideWindow(app)
        _windows[app] = window
    window.lift()
    return window


class InsideWindow(tk.Toplevel):
    def __init__(self, app: App) -> None:
        super().__init__(app.root, background=theme.BG, padx=16, pady=12)
        self.title("Look inside")
        self.app = app
        self.off: dict[str, mlp_inside.SwitchedOff] = {}
        self.updates, self.shown_at = 0, 0.0  # refreshes drawn, and when the last was on screen
        self.work_ms: list[float] = []  # time each refresh took on the Tk thread
        self._pending: str | None = None
        self.k1 = LatestOnly(app.root, functools.partial(one_thread_if_small, 1))  # K1's pictures
        self._header()
        body = ttk.Frame(self)
        body.pack(fill=tk.BOTH, expand=True)
        self.left = ttk.Frame(body)
        self.left.pack(side=tk.LEFT, anchor=tk.NW)
        self.why = WhyPanel(body, app.scale)
        self.why.pack(side=tk.LEFT, anchor=tk.NW, padx=(16, 0))
        self.mlp_view = MLPView(self.left, app.scale, self.toggle)
        self.conv_view = ConvView(self.left, app.scale)
        self.vote_view = VoteView(self.left, app.scale)
        self._shown: ttk.Frame | None = None
        self._bind_keys()
        self.protocol("WM_DELETE_WINDOW", self.close)
        app.listeners.append(self.schedule)
        x = app.root.winfo_rootx() + app.root.winfo_width() + 16
        self.geometry(f"+{x}+{max(0, app.root.winfo_rooty() - 40)}")
        self.refresh()

    def _header(self) -> None:
        top = ttk.Frame(self)
        top.pack(fill=tk.X, pady=(0, 10))
        self.heading = ttk.Label(top, text="Look inside", style="Heading.TLabel")
        self.heading.pack(side=tk.LEFT)
        self.answer = ttk.Label(top, text="", style="Muted.TLabel")
        self.answer.pack(side=tk.LEFT, padx=(12, 0))
        self.reset_button = ttk.Button(top, text="Reset", command=self.reset, state=tk.DISABLED,
                                       takefocus=False)
        self.reset_button.pack(side=tk.RIGHT)
        self.switched = ttk.Label(top, text="", style="Muted.TLabel")
        self.switched.pack(side=tk.RIGHT, padx=(0, 8))

    def _bind_keys(self) -> None:
        """Choosing a net, clearing and undoing work from this window as from the main one."""
        for shortcut in keys.SHORTCUTS:
            for key, action in shortcut.pairs():
                if action.startswith("net:") or action in FOLLOWED:
                    for sequence in keys.sequences(self, key, shortcut.command_key):
                        self.bind(sequence, functools.partial(_call, keys.command(self.app, action)))

    # --- following the main window ----------------------------------------------------------
    def schedule(self) -> None:
        """After a prediction: refresh once the main window is on screen. Its chart draws
        in the first round of idle handlers and Tk repaints in the second, so this view
        refreshes in the third and never delays the main window's answer."""
        if not self._pending:
            self._pending = "waiting"
            self.after_idle(lambda: self.after_idle(lambda: self.after_idle(self.refresh)))

    @property
    def busy(self) -> bool:
        """Whether K1's pictures for the latest drawing are still being made."""
        return self.k1.busy

    def refresh(self) -> None:
        self._pending = None
        if not self.winfo_exists():
            return
        started = time.perf_counter()
        self._forget_replaced()
        name, image, reading = self.app.selected.get(), self.app.preview.image, self.app.prediction
        net = self.app.predictor.nets.get(name)
        if isinstance(net, ConvNet) and image is not None:
            answer, runner_up = (reading.digit, reading.runner_up) if reading is not None else (None, 0)
            work = functools.partial(conv_pictures, net, image, answer, runner_up, self.app.scale,
                                     self.why.pixels)
            spent = time.perf_counter() - started
            self.k1.submit(work, functools.partial(self._k1_made, name, reading, spent))
            return
        self.k1.cancel()  # what it still makes is for an older view than this one
        self._say(name, reading)
        with one_thread_if_small(1):
            if name == VOTE:
                self._show_vote(image, reading)
            elif net is not None:
                self._show_net(name, image, reading)
        self._shown_now(time.perf_counter() - started)

    def _k1_made(self, name: str, reading: Reading | None, spent: float, made: ConvPictures) -> None:
        """On the Tk thread: K1's pictures of the latest drawing, pasted."""
        if not self.winfo_exists():
            return
        started = time.perf_counter()
        self._say(name, reading)
        self._use(self.conv_view)
        self.conv_view.draw(made.grids, made.top, made.answer)
        self.why.show_heat(made.heat, made.answer or 0, made.runner_up)
        self._shown_now(spent + time.perf_counter() - started)

    def _say(self, name: str, reading: Reading | None) -> None:
        self.heading.configure(text=f"Look inside {label_of(name)}")
        self.answer.configure(text=reading.text if reading is not None else "draw a digit")

    def _shown_now(self, spent: float) -> None:
        """After a view was drawn, which took ``spent`` s on the Tk thread in all."""
        count = sum(off.count for off in self.off.values())
        self.switched.configure(text=", ".join(f"{n}: {o.count} off" for n, o in self.off.items()
                                               if o.count))
        self.reset_button.configure(state=tk.NORMAL if count else tk.DISABLED)
        self.work_ms.append(spent * 1000)
        self.updates += 1
        self.after_idle(lambda: self.after_idle(self._on_screen))

    def _on_screen(self) -> None:
        self.shown_at = time.perf_counter()

    def _use(self, view: ttk.Frame) -> None:
        if self._shown is not view:
            if self._shown is not None:
                self._shown.pack_forget()
            view.pack(anchor=tk.NW)
            self._shown = view

    def _show_net(self, name: str, image: np.ndarray | None, reading: Reading | None) -> None:
        net = self.app.predictor.nets[name]
        answer = reading.digit if reading is not None else None
        parts = mlp_inside.unwrap(net)
        if parts is not None:
            mlp, _ = parts
            off = self.off.get(name, mlp_inside.SwitchedOff())
            self._use(self.mlp_view)
            t = mlp_inside.trace(mlp, image, off) if image is not None else None
            self.mlp_view.show(mlp, off, t, answer)
        elif isinstance(net, ConvNet):  # with a drawing, K1 is looked inside off the Tk thread
            self._use(self.conv_view)
            self.conv_view.show(None, [], answer)
        self._show_why(net, image, reading)

    def _show_why(self, net: object, image: np.ndarray | None, reading: Reading | None,
                  picture: np.ndarray | None = None) -> None:
        if image is None or reading is None:
            self.why.show(None, None, 0, 0)
            return
        if picture is None:
            from digitpad.nets.base import Classifier

            assert isinstance(net, Classifier)
            picture = why.why_map(net, image, reading.digit, reading.runner_up)
        self.why.show(picture, image, reading.digit, reading.runner_up)

    def _show_vote(self, image: np.ndarray | None, reading: Reading | None) -> None:
        self._use(self.vote_view)
        nets = self.app.predictor.nets
        if image is None or reading is None or not nets:
            self.vote_view.show({}, {}, {}, None)
            self._show_why(None, None, None)
            return
        mixed, own = why.vote_map(nets, image, reading.digit, reading.runner_up)
        answers = {n: int(np.argmax(p)) for n, p in reading.per_net.items()}
        self.vote_view.show(own, weights(list(nets)), answers, image)
        self._show_why(None, image, reading, mixed)

    # --- switching neurons off ----------------------------------------------------------------
    def toggle(self, hidden: int, unit: int) -> None:
        """Switch neuron ``unit`` of hidden layer ``hidden`` of the selected net off or on;
        the app reads again with it, so the main window follows."""
        name = self.app.selected.get()
        net = self.app.predictor.nets.get(name)
        if net is None or mlp_inside.unwrap(net) is None:
            return
        off = self.off.setdefault(name, mlp_inside.SwitchedOff())
        if not isinstance(net, mlp_inside.MaskedMLP):
            assert isinstance(net, MLP)
            self.app.predictor.nets[name] = mlp_inside.MaskedMLP(net, off)
        now_off = off.toggle(hidden, unit)
        log.info("%s: hidden %d neuron %d switched %s", name, hidden + 1, unit, "off" if now_off else "on")
        self.app.predict()

    def reset(self) -> None:
        """Every neuron back on, in every net; the app reads again."""
        self._restore()
        self.app.predict()

    def _restore(self) -> None:
        for name in list(self.off):
            net = self.app.predictor.nets.get(name)
            if isinstance(net, mlp_inside.MaskedMLP):
                self.app.predictor.nets[name] = net.net
        self.off.clear()

    def _forget_replaced(self) -> None:
        """Nets the app loaded again (other weights) lost their switched-off neurons."""
        for name in list(self.off):
            if not isinstance(self.app.predictor.nets.get(name), mlp_inside.MaskedMLP):
                del self.off[name]

    def close(self) -> None:
        """Close the window and put every switched-off neuron back on."""
        had_off = any(off.count for off in self.off.values())
        self.k1.cancel()
        self._restore()
        if self.schedule in self.app.listeners:
            self.app.listeners.remove(self.schedule)
        self.destroy()
        if had_off:
            self.app.predict()


def _call(command: object, _event: object) -> None:
    assert callable(command)
    command()
