"""The MLP part of Network ▸ Look inside…: the hidden layers and the output as columns
of neurons (brightness = activation), the strongest contributions into the answer as
lines, hover for a neuron's value, click for its incoming weights and to switch it off."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from digitpad.gui import theme
from digitpad.gui.inside_views import Picture
from digitpad.inside import mlp as mlp_inside
from digitpad.inside import pictures
from digitpad.nets.mlp import MLP

log = logging.getLogger(__name__)

CELL, GAP, SPACING, MAX_ROWS, MARGIN = 8, 1, 64, 32, 24
DYNAMIC = "dynamic"  # canvas items redrawn with each trace: links, labels, the selection


@dataclass(frozen=True)
class Block:
    """Where layer ``layer`` (1: the first hidden, last: the output) is drawn: unit ``i``
    at row ``i % rows`` and column ``i // rows`` of cells ``step`` pixels apart."""

    layer: int
    units: int
    x: int
    y: int
    rows: int
    columns: int
    step: int

    def centre(self, unit: int) -> tuple[float, float]:
        half = (self.step - GAP) / 2
        return (self.x + (unit // self.rows) * self.step + half,
                self.y + (unit % self.rows) * self.step + half)

    def unit_at(self, x: float, y: float) -> int | None:
        column, row = int((x - self.x) // self.step), int((y - self.y) // self.step)
        if x < self.x or y < self.y or column >= self.columns or row >= self.rows:
            return None
        unit = column * self.rows + row
        return unit if unit < self.units else None


def blocks_for(sizes: list[int], cell: int, spacing: int) -> list[Block]:
    """The blocks of every layer after the input, left to right, centred vertically."""
    shapes = [pictures.column_shape(units, MAX_ROWS) for units in sizes[1:]]
    steps = [cell + GAP] * (len(shapes) - 1) + [2 * cell + GAP]  # the ten outputs larger
    height = max(rows * step for (rows, _), step in zip(shapes, steps))
    found, x = [], MARGIN
    for layer, (units, (rows, columns), step) in enumerate(zip(sizes[1:], shapes, steps), start=1):
        found.append(Block(layer, units, x, MARGIN + (height - rows * step) // 2, rows, columns, step))
        x += columns * step + spacing
    return found


class MLPView(ttk.Frame):
    """``on_toggle(hidden, unit)`` switches a hidden neuron off or back on."""

    def __init__(self, master: tk.Misc, scale: float, on_toggle: Callable[[int, int], None]) -> None:
        super().__init__(master)
        self.scale, self.on_toggle = scale, on_toggle
        self.cell, self.spacing = max(4, round(CELL * scale)), round(SPACING * scale)
        self.canvas = tk.Canvas(self, background=theme.SURFACE, highlightthickness=0)
        self.canvas.pack(side=tk.TOP, anchor=tk.NW)
        self.hover = ttk.Label(self, text="hover a neuron for its value; click it for its weights",
                               style="Muted.TLabel")
        self.hover.pack(side=tk.TOP, anchor=tk.W, pady=(4, 0))
        self.detail = NeuronDetail(self, scale, self._toggle_selected)
        self.detail.pack(side=tk.TOP, anchor=tk.W, fill=tk.X, pady=(8, 0))
        self.net: MLP | None = None
        self.off = mlp_inside.SwitchedOff()
        self.trace: mlp_inside.Trace | None = None
        self.blocks: list[Block] = []
        self.selected: tuple[int, int] | None = None  # (layer, unit)
        self._pictures: list[Picture] = []
        self.fonts = (tkfont.Font(self, size=8), tkfont.Font(self, size=9, weight="bold"))
        self._bold: int | None = None  # the output digit shown in bold
        self.canvas.bind("<Motion>", self._motion)
        self.canvas.bind("<ButtonPress-1>", self._click)

    def show(self, net: MLP, off: mlp_inside.SwitchedOff, t: mlp_inside.Trace | None,
             answer: int | None) -> None:
        """Draw ``net``'s neurons for trace ``t`` (None: nothing drawn, all dark)."""
        if net is not self.net:
            self._lay_out(net)
        self.off, self.trace = off, t
        self._draw(answer)
        self.detail.show(net, off, t, self.selected)

    def _lay_out(self, net: MLP) -> None:
        """The blocks, their titles and pictures of a newly shown net."""
        self.net, self.selected = net, None
        self.blocks = blocks_for(net.sizes, self.cell, self.spacing)
        last = self.blocks[-1]
        self.canvas.delete("all")
        self.canvas.configure(width=last.x + last.step * last.columns + 3 * MARGIN,
                              height=max(b.y + b.rows * b.step for b in self.blocks) + MARGIN)
        self._pictures = [Picture(self.canvas, block.x, block.y) for block in self.blocks]
        for block in self.blocks:
            title = "output" if block.layer == len(self.blocks) else f"hidden {block.layer}"
            self.canvas.create_text(block.x, block.y - 6, anchor=tk.SW, text=f"{title} ({block.units})",
                                    fill=theme.MUTED, font=self.fonts[0])
        for digit in range(last.units):
            x, y = last.centre(digit)
            self.canvas.create_text(x + last.step, y, anchor=tk.W, text=str(digit), fill=theme.MUTED,
                                    font=self.fonts[0], tags=f"digit{digit}")
        self._bold = None

    def _draw(self, answer: int | None) -> None:
        assert self.net is not None
        self.canvas.delete(DYNAMIC)
        for block, shown in zip(self.blocks, self._pictures):
            values = self.trace.acts[block.layer] if self.trace is not None else np.zeros(block.units)
            hidden = block.layer - 1
            off = self.off.units.get(hidden, set()) if block.layer < len(self.blocks) else set()
            shown.show(pictures.layer_block(values, block.rows, block.columns, block.step - GAP, off))
        self._draw_outputs(answer)
        if self.trace is not None and answer is not None:
            self._draw_links(answer)
        if self.selected is not None:
            block = self.blocks[self.selected[0] - 1]
            x, y = block.centre(self.selected[1])
            r = block.step / 2 + 1
            self.canvas.create_rectangle(x - r, y - r, x + r, y + r, outline="#2563eb", width=2,
                                         tags=DYNAMIC)

    def _draw_outputs(self, answer: int | None) -> None:
        """The answer's digit in bold (only what changed is reconfigured: a canvas text
        with a new font costs a fraction of a millisecond)."""
        if answer == self._bold:
            return
        if self._bold is not None:
            self.canvas.itemconfigure(f"digit{self._bold}", font=self.fonts[0], fill=theme.MUTED)
        if answer is not None:
            self.canvas.itemconfigure(f"digit{answer}", font=self.fonts[1], fill=theme.TEXT)
        self._bold = answer

    def _draw_links(self, answer: int) -> None:
        assert self.net is not None and self.trace is not None
        found = mlp_inside.links(self.net, self.trace, answer)
        top = max((link.strength for link in found), default=1.0)
        for link in found:
            x0, y0 = self.blocks[link.layer - 1].centre(link.source)
            x1, y1 = self.blocks[link.layer].centre(link.target)
            width = 0.5 + 3 * link.strength / top
            self.canvas.create_line(x0, y0, x1, y1, fill="#f97316", width=width, tags=DYNAMIC)

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(layer, unit) under canvas point (x, y), or None."""
        for block in self.blocks:
            unit = block.unit_at(x, y)
            if unit is not None:
                return block.layer, unit
        return None

    def describe(self, layer: int, unit: int) -> str:
        """"hidden 2, neuron 17: 3.214 (off)" for the hover line."""
        last = layer == len(self.blocks)
        name = f"output {unit}" if last else f"hidden {layer}, neuron {unit}"
        value = self.trace.acts[layer][unit] if self.trace is not None else None
        text = f"{name}: {value:.3f}" if value is not None else name
        if not last and self.off.is_off(layer - 1, unit):
            text += " (switched off)"
        return text

    def _motion(self, event: tk.Event) -> None:
        found = self.neuron_at(event.x, event.y)
        if found is not None:
            self.hover.configure(text=self.describe(*found))

    def _click(self, event: tk.Event) -> None:
        found = self.neuron_at(event.x, event.y)
        if found is not None:
            self.select(*found)

    def select(self, layer: int, unit: int) -> None:
        """Show neuron ``unit`` of ``layer`` (1-based, as :class:`Block`) in the detail."""
        self.selected = (layer, unit)
        self.hover.configure(text=self.describe(layer, unit))
        if self.net is not None:
            self._draw(int(np.argmax(self.trace.acts[-1])) if self.trace is not None else None)
            self.detail.show(self.net, self.off, self.trace, self.selected)

    def _toggle_selected(self) -> None:
        if self.selected is not None and self.selected[0] < len(self.blocks):
            self.on_toggle(self.selected[0] - 1, self.selected[1])


class NeuronDetail(ttk.Frame):
    """The clicked neuron: its value, its incoming weights (the first hidden layer's as a
    28x28 picture of what it looks for; a deeper one's laid out like the layer before),
    and a button to switch it off or on."""

    def __init__(self, master: tk.Misc, scale: float, on_toggle: Callable[[], None]) -> None:
        super().__init__(master)
        self.pixels = round(112 * scale)
        self.weights = tk.Canvas(self, width=self.pixels, height=self.pixels, highlightthickness=0,
                                 background=theme.SURFACE)
        self.weights.pack(side=tk.LEFT, anchor=tk.NW)
        side = ttk.Frame(self, padding=(10, 0, 0, 0))
        side.pack(side=tk.LEFT, anchor=tk.NW, fill=tk.X)
        self.title = ttk.Label(side, text="no neuron chosen", style="Heading.TLabel")
        self.title.pack(anchor=tk.W)
        self.text = ttk.Label(side, text="", style="Muted.TLabel", wraplength=round(260 * scale))
        self.text.pack(anchor=tk.W, pady=(2, 6))
        self.button = ttk.Button(side, text="Switch off", command=on_toggle, state=tk.DISABLED)
        self.button.pack(anchor=tk.W)
        self._photo: ImageTk.PhotoImage | None = None

    def show(self, net: MLP, off: mlp_inside.SwitchedOff, t: mlp_inside.Trace | None,
             selected: tuple[int, int] | None) -> None:
        if selected is None:
            return
        layer, unit = selected
        output = layer == len(net.sizes) - 1
        value = f"{t.acts[layer][unit]:.3f}" if t is not None else "-"
        self.title.configure(text=f"output {unit}" if output else f"hidden {layer}, neuron {unit}")
        is_off = not output and off.is_off(layer - 1, unit)
        what = "red: input here raises it, blue: lowers it"
        self.text.configure(text=f"activation {value}{' (switched off)' if is_off else ''}; "
                                 f"{net.sizes[layer - 1]} incoming weights ({what})")
        self.button.configure(state=tk.DISABLED if output else tk.NORMAL,
                              text="Switch on" if is_off else "Switch off")
        incoming = net.weights[layer - 1][:, unit]
        if layer == 1:
            picture = pictures.weights_picture(incoming, self.pixels)
        else:
            rows, columns = pictures.column_shape(len(incoming), MAX_ROWS)
            padded = np.zeros(rows * columns)
            padded[:len(incoming)] = incoming
            colours = pictures.signed(padded).reshape(columns, rows, 3).transpose(1, 0, 2)
            picture = pictures.cells(colours, max(2, self.pixels // max(rows, columns) - 1))
        self._photo = ImageTk.PhotoImage(Image.fromarray(picture), master=self.weights)
        self.weights.delete("all")
        self.weights.create_image(0, 0, anchor=tk.NW, image=self._photo)
