"""The other parts of Network ▸ Look inside…: the why-map (every net and the vote), K1's
feature maps and dense head, and the vote's members side by side. Each view gets
arrays already computed (:mod:`digitpad.inside`) and only draws them; K1's pictures
(:func:`conv_pictures`) are made off the Tk thread, and only pasted on it."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from digitpad.gui import theme
from digitpad.inside import cnn as cnn_inside
from digitpad.inside import pictures, why
from digitpad.inside.cnn import ConvTrace, HeadInput
from digitpad.nets.cnn import ConvNet

log = logging.getLogger(__name__)

# conv layer -> (columns of the grid, tile pixels at scale 1)
GRIDS = {"conv1": (8, 28), "conv2": (8, 28), "conv3": (16, 14), "conv4": (16, 14), "conv5": (16, 10)}


@dataclass(frozen=True)
class ConvPictures:
    """K1 looked inside for one image, ready to paste: ``grids`` each conv layer's maps
    (RGB, :meth:`ConvView.grids`), ``top`` the dense head's top inputs into ``answer``,
    ``heat`` the why-map over the image (RGB, :func:`digitpad.inside.pictures.heat`;
    None without an answer)."""

    grids: dict[str, np.ndarray]
    top: list[HeadInput]
    answer: int | None
    runner_up: int
    heat: np.ndarray | None


def conv_pictures(net: ConvNet, image: np.ndarray, answer: int | None, runner_up: int,
                  scale: float, why_pixels: int) -> ConvPictures:
    """Everything the K1 view and the why-map show (no Tk: run off the Tk thread): one
    trace serves the maps, the head and the gradient."""
    t = cnn_inside.trace(net, image)
    top = cnn_inside.head_inputs(net, t, answer) if answer is not None else []
    heat = None
    if answer is not None:
        gradient = cnn_inside.input_gradient(net, t, why.direction(answer, runner_up))
        heat = pictures.heat(gradient.astype(np.float64) * image, image, why_pixels)
    return ConvPictures(ConvView.grids(t, scale), top, answer, runner_up, heat)


class Picture:
    """One RGB uint8 (H, W, 3) array shown on ``canvas`` at (x, y). The Tk image is made
    once per size and pasted into afterwards, and the canvas (``fit``: resized to the
    picture) changes size only when the picture does: a new Tk image and a resize each
    cost milliseconds, and the view is redrawn after every stroke."""

    def __init__(self, canvas: tk.Canvas, x: int = 0, y: int = 0, fit: bool = False) -> None:
        self.canvas, self.x, self.y, self.fit = canvas, x, y, fit
        self.photo: ImageTk.PhotoImage | None = None
        self.item: int | None = None
        self.shape: tuple[int, ...] = ()

    def show(self, picture: np.ndarray | None) -> None:
        if picture is None:
            if self.item is not None:
                self.canvas.itemconfigure(self.item, state=tk.HIDDEN)
            return
        image = Image.fromarray(picture)
        if self.photo is None or picture.shape != self.shape:
            self.photo = ImageTk.PhotoImage(image, master=self.canvas)
            self.shape = picture.shape
            if self.fit:
                self.canvas.configure(width=picture.shape[1], height=picture.shape[0])
            if self.item is None:
                self.item = self.canvas.create_image(self.x, self.y, anchor=tk.NW, image=self.photo)
            self.canvas.itemconfigure(self.item, image=self.photo)
        else:  # same size: into the Tk image already shown
            self.photo.paste(image)
        self.canvas.itemconfigure(self.item, state=tk.NORMAL)  # type: ignore[arg-type]


class WhyPanel(ttk.Frame):
    """The why-map over the 28x28 image, with what red and blue mean for this answer."""

    def __init__(self, master: tk.Misc, scale: float) -> None:
        super().__init__(master)
        self.pixels = 28 * max(3, round(7 * scale))
        self.heading = ttk.Label(self, text="Why?", style="Heading.TLabel")
        self.heading.pack(anchor=tk.W)
        self.canvas = tk.Canvas(self, width=self.pixels, height=self.pixels, highlightthickness=0,
                                background=theme.SURFACE)
        self.canvas.pack(anchor=tk.W, pady=(4, 4))
        self.legend = ttk.Label(self, text="draw a digit", style="Muted.TLabel",
                                wraplength=self.pixels)
        self.legend.pack(anchor=tk.W)
        self.picture: np.ndarray | None = None
        self._shown = Picture(self.canvas)

    def show(self, why: np.ndarray | None, image: np.ndarray | None, answer: int, runner_up: int) -> None:
        self.show_heat(pictures.heat(why, image, self.pixels) if why is not None and image is not None
                       else None, answer, runner_up)

    def show_heat(self, heat: np.ndarray | None, answer: int, runner_up: int) -> None:
        """``heat``: the map already coloured (:func:`digitpad.inside.pictures.heat` at
        :attr:`pixels`); None: nothing to say."""
        if heat is None:
            self.picture = None
            self._shown.show(None)
            self.heading.configure(text="Why?")
            self.legend.configure(text="draw a digit")
            return
        self.picture = heat
        self._shown.show(self.picture)
        self.heading.configure(text=f"Why {answer}, not {runner_up}?")
        self.legend.configure(text=f"red: ink that pushed toward {answer}; blue: toward "
                                   f"{runner_up} (gradient × input of the gap between their scores)")


class ConvView(ttk.Frame):
    """K1's feature maps, a grid of small images per conv layer (each map scaled to its
    own maximum), and the dense units that add most to the answer."""

    def __init__(self, master: tk.Misc, scale: float) -> None:
        super().__init__(master)
        self.scale = scale
        self.canvases: dict[str, tk.Canvas] = {}
        self.pictures: dict[str, np.ndarray] = {}
        self._shown: dict[str, Picture] = {}
        for index, name in enumerate(GRIDS):
            cell = ttk.Frame(self, padding=(0, 0, 12, 8))
            cell.grid(row=index // 2, column=index % 2, sticky=tk.NW)
            ttk.Label(cell, text=name, style="Muted.TLabel").pack(anchor=tk.W)
            canvas = tk.Canvas(cell, highlightthickness=0, background=theme.SURFACE,
                               width=1, height=1)
            canvas.pack(anchor=tk.W)
            self.canvases[name] = canvas
            self._shown[name] = Picture(canvas, fit=True)
        head = ttk.Frame(self, padding=(0, 0, 12, 8))
        head.grid(row=2, column=1, sticky=tk.NW)
        self.head_title = ttk.Label(head, text="dense head: top inputs", style="Muted.TLabel")
        self.head_title.pack(anchor=tk.W)
        self.mono = tkfont.nametofont("TkFixedFont").copy()
        self.mono.configure(size=8)
        self.head = tk.Canvas(head, width=round(330 * scale), height=round(120 * scale),
                              highlightthickness=0, background=theme.SURFACE)
        self.head.pack(anchor=tk.W)

    @staticmethod
    def grids(t: ConvTrace, scale: float) -> dict[str, np.ndarray]:
        """Each conv layer's maps as one RGB picture (no Tk: on any thread)."""
        return {name: pictures.map_grid(t.maps[name], columns, max(1, round(tile * scale)))
                for name, (columns, tile) in GRIDS.items()}

    def show(self, t: ConvTrace | None, top: list[HeadInput], answer: int | None) -> None:
        self.draw(self.grids(t, self.scale) if t is not None else None, top, answer)

    def draw(self, grids: Mapping[str, np.ndarray] | None, top: list[HeadInput], answer: int | None) -> None:
        """Paste ``grids`` (:meth:`grids`; None: an empty view) and draw the head's bars."""
        for name in GRIDS:
            if grids is None:
                self._shown[name].show(None)
                continue
            self.pictures[name] = grids[name]
            self._shown[name].show(grids[name])
        self._show_head(top, answer)

    def _show_head(self, top: list[HeadInput], answer: int | None) -> None:
        self.head.delete("all")
        if not top or answer is None:
            return
        self.head_title.configure(text=f"dense head: the units that add most to {answer}'s score")
        width, row = int(self.head.cget("width")), int(self.head.cget("height")) / len(top)
        largest = max(abs(h.contribution) for h in top) or 1.0
        for i, h in enumerate(top):
            y = (i + 0.5) * row
            self.head.create_text(4, y, anchor=tk.W, text=f"unit {h.unit:3d}", fill=theme.TEXT,
                                  font=self.mono)
            bar = (width - 200) * max(h.contribution, 0) / largest
            self.head.create_rectangle(70, y - row * 0.3, 70 + bar, y + row * 0.3,
                                       fill="#9333ea", width=0)
            self.head.create_text(76 + bar, y, anchor=tk.W, fill=theme.MUTED, font=self.mono,
                                  text=f"+{h.contribution:.2f} (act {h.activation:.2f})")


class VoteView(ttk.Frame):
    """Each member's own why-map for the vote's answer, with its share of the vote."""

    def __init__(self, master: tk.Misc, scale: float) -> None:
        super().__init__(master)
        self.pixels = 28 * max(2, round(4 * scale))
        ttk.Label(self, text="the vote's members: each one's why-map for the vote's answer",
                  style="Muted.TLabel").grid(row=0, column=0, columnspan=5, sticky=tk.W)
        self.canvases: dict[str, tk.Canvas] = {}
        self.captions: dict[str, ttk.Label] = {}
        self._shown: dict[str, Picture] = {}
        self.note = ttk.Label(self, text="choose a single net (keys 1–5) to see its neurons or maps",
                              style="Muted.TLabel")
        self.note.grid(row=3, column=0, columnspan=5, sticky=tk.W, pady=(8, 0))

    def show(self, own: Mapping[str, np.ndarray], shares: Mapping[str, float],
             answers: Mapping[str, int], image: np.ndarray | None) -> None:
        for column, name in enumerate(own):
            if name not in self.canvases:
                self.canvases[name] = tk.Canvas(self, width=self.pixels, height=self.pixels,
                                                highlightthickness=0, background=theme.SURFACE)
                self.canvases[name].grid(row=1, column=column, padx=(0, 8), pady=(4, 2))
                self.captions[name] = ttk.Label(self, text=name, style="Muted.TLabel",
                                                justify=tk.LEFT)
                self.captions[name].grid(row=2, column=column, sticky=tk.NW)
                self._shown[name] = Picture(self.canvases[name])
            share = Fraction(shares[name]).limit_denominator(100)
            self.captions[name].configure(text=f"{name} says {answers[name]}\ncounts {share}")
            self._shown[name].show(pictures.heat(own[name], image, self.pixels)
                                   if image is not None else None)
