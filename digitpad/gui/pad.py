"""The drawing pad: a square canvas standing for the nets' 280x280 input, drawn on with a
round pen.

Strokes are kept as lists of (x, y) points in logical pixels (0..280), whatever the
screen's scale and however large the window makes the pad, so
:func:`digitpad.preprocess.rasterize` draws exactly what was drawn here; the screen is
never grabbed. :meth:`DrawingPad.resize` changes only how the strokes are shown.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import ttk

import numpy as np
from PIL import Image, ImageTk

from digitpad.gui import theme
from digitpad.preprocess import CANVAS_SIZE, pen_width

log = logging.getLogger(__name__)

Point = tuple[float, float]
HINT_TEXT = "Draw a digit here"
MIN_STEP = 1.0  # logical pixels between kept points
CAPTION_ROOM = 24  # screen pixels under an opened picture for its file name


@dataclass(frozen=True)
class OpenedPicture:
    """A picture shown instead of strokes (File ▸ Open), and the 28x28 image read from it."""

    picture: Image.Image
    caption: str
    image: np.ndarray


class DrawingPad(ttk.Frame):
    """``on_change(finished)`` runs while drawing (False) and after each stroke,
    undo or clear (True). ``scale``: screen pixels per logical pixel, as shown now."""

    def __init__(self, master: tk.Misc, scale: float, on_change: Callable[[bool], None],
                 size: int = CANVAS_SIZE) -> None:
        super().__init__(master, style="Card.TFrame", padding=1)
        self.logical_size = size
        self.scale = scale
        self.on_change = on_change
        self.strokes: list[list[Point]] = []
        self.opened: OpenedPicture | None = None
        self._items: list[list[int]] = []  # canvas items of each stroke
        self._drawing = False
        self._photo: ImageTk.PhotoImage | None = None
        self._image_items: list[int] = []
        pixels = round(size * scale)
        self.canvas = tk.Canvas(self, width=pixels, height=pixels, background=theme.SURFACE,
                                highlightthickness=0, borderwidth=0, cursor="pencil")
        self.canvas.pack()
        self._hint = self.canvas.create_text(pixels / 2, pixels / 2, text=HINT_TEXT,
                                             fill=theme.HINT, font=("TkDefaultFont", 13))
        self.canvas.bind("<ButtonPress-1>", self._press)
        self.canvas.bind("<B1-Motion>", self._motion)
        self.canvas.bind("<ButtonRelease-1>", self._release)

    # --- state -----------------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not any(self.strokes)

    @property
    def pixels(self) -> int:
        """The canvas's side on screen."""
        return round(self.logical_size * self.scale)

    @property
    def hint_visible(self) -> bool:
        return str(self.canvas.itemcget(self._hint, "state")) != tk.HIDDEN  # type: ignore[no-untyped-call]

    @property
    def showing_image(self) -> bool:
        return self.opened is not None

    @property
    def _pen(self) -> float:
        return pen_width(self.logical_size) * self.scale

    def resize(self, pixels: int) -> None:
        """Show the pad ``pixels`` wide and high; the strokes keep their logical points."""
        if pixels < 1 or pixels == self.pixels:
            return
        self.scale = pixels / self.logical_size
        self.canvas.configure(width=pixels, height=pixels)
        self.canvas.coords(self._hint, pixels / 2, pixels / 2)
        self.canvas.delete("stroke")
        self._items = [self._draw_stroke(stroke) for stroke in self.strokes]
        if self.opened is not None:
            self._show_opened(self.opened)
        log.debug("pad shown %d px wide (%.2f screen pixels per logical pixel)", pixels, self.scale)

    def undo(self) -> bool:
        """Remove the last stroke; False when there was none."""
        if not self.strokes or self._drawing:
            return False
        self.strokes.pop()
        for item in self._items.pop():
            self.canvas.delete(item)
        self._update_hint()
        self.on_change(True)
        return True

    def clear(self) -> None:
        self._drawing = False
        self.strokes.clear()
        self._items.clear()
        self.canvas.delete("stroke")
        self._remove_image()
        self._update_hint()
        self.on_change(True)

    def show_image(self, picture: Image.Image, caption: str, image: np.ndarray) -> None:
        """Show an opened picture instead of strokes; ``image`` is what the nets read from it
        (:attr:`opened` until the pad is drawn on or cleared)."""
        self.strokes.clear()
        self._items.clear()
        self.canvas.delete("stroke")
        self._remove_image()
        self.opened = OpenedPicture(picture, caption, image)
        self._show_opened(self.opened)
        self._update_hint()

    # --- mouse -------------------------------------------------------------------------
    def _logical(self, event: tk.Event[tk.Canvas]) -> Point:
        limit = float(self.logical_size)
        x = min(max(event.x / self.scale, 0.0), limit)
        y = min(max(event.y / self.scale, 0.0), limit)
        return (x, y)

    def _press(self, event: tk.Event[tk.Canvas]) -> None:
        if self.opened is not None:
            self._remove_image()
        self._drawing = True
        self.strokes.append([self._logical(event)])
        self._items.append(self._draw_stroke(self.strokes[-1]))
        self._update_hint()
        self.on_change(False)

    def _motion(self, event: tk.Event[tk.Canvas]) -> None:
        if self._drawing and self._extend(event):
            self.on_change(False)

    def _release(self, event: tk.Event[tk.Canvas]) -> None:
        if not self._drawing:
            return
        self._extend(event)
        self._drawing = False
        log.debug("stroke %d: %d points", len(self.strokes), len(self.strokes[-1]))
        self.on_change(True)

    def _extend(self, event: tk.Event[tk.Canvas]) -> bool:
        """Add the pointer's position to the current stroke; False if it barely moved."""
        x, y = self._logical(event)
        stroke = self.strokes[-1]
        last_x, last_y = stroke[-1]
        if abs(x - last_x) < MIN_STEP and abs(y - last_y) < MIN_STEP:
            return False
        stroke.append((x, y))
        items = self._items[-1]
        if len(items) == 1:
            items.append(self._line(stroke))
        else:
            self.canvas.coords(items[1], *self._screen(stroke))
        return True

    # --- drawing -----------------------------------------------------------------------
    def _screen(self, stroke: list[Point]) -> list[float]:
        return [c * self.scale for point in stroke for c in point]

    def _draw_stroke(self, stroke: list[Point]) -> list[int]:
        """A dot where the stroke starts, and the line through its points if it has more."""
        r = self._pen / 2
        sx, sy = stroke[0][0] * self.scale, stroke[0][1] * self.scale
        items = [self.canvas.create_oval(sx - r, sy - r, sx + r, sy + r, fill=theme.INK,
                                         outline="", tags="stroke")]
        if len(stroke) > 1:
            items.append(self._line(stroke))
        return items

    def _line(self, stroke: list[Point]) -> int:
        return self.canvas.create_line(*self._screen(stroke), fill=theme.INK, width=self._pen,
                                       capstyle=tk.ROUND, joinstyle=tk.ROUND, tags="stroke")

    def _show_opened(self, opened: OpenedPicture) -> None:
        for item in self._image_items:
            self.canvas.delete(item)
        pixels = self.pixels
        shown = opened.picture.convert("RGB")
        shown.thumbnail((max(1, pixels - 16), max(1, pixels - 16 - CAPTION_ROOM)),
                        Image.Resampling.LANCZOS)
        self._photo = ImageTk.PhotoImage(shown, master=self.canvas)
        self._image_items = [
            self.canvas.create_image(pixels / 2, (pixels - CAPTION_ROOM) / 2, image=self._photo),
            self.canvas.create_text(pixels / 2, pixels - CAPTION_ROOM / 2, text=opened.caption,
                                    fill=theme.MUTED, font=("TkDefaultFont", 9)),
        ]

    def _remove_image(self) -> None:
        for item in self._image_items:
            self.canvas.delete(item)
        self._image_items = []
        self._photo = None
        self.opened = None

    def _update_hint(self) -> None:
        hidden = bool(self.strokes) or self.opened is not None
        self.canvas.itemconfigure(self._hint, state=tk.HIDDEN if hidden else tk.NORMAL)
