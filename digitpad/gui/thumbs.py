"""A scrollable grid of small pictures of 28x28 images (as the nets see them), each with
its label and a note under it: the user's drawings with what the vote read when it read
something else (My drawings), or a net's mistakes (How good is it?)."""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk
from typing import Any, Protocol

import numpy as np
from PIL import Image, ImageTk

from digitpad.drawings import Drawing
from digitpad.gui import theme
from digitpad.gui.preview import Preview
from digitpad.nets import VOTE

log = logging.getLogger(__name__)

COLUMNS = 6
THUMB = 56  # logical pixels
CELL_W, CELL_H = 78, 104
ROWS_SHOWN = 3.5  # the half row says "there is more, scroll"
SELECTED = "#2563eb"
EMPTY_TEXT = ("No drawings yet.\n\nAfter the nets read a digit, click what it was under the "
              "answer (It was: 0 … 9): it is kept here.")


class Thumb(Protocol):
    """What a cell shows: ``image`` float (28, 28) in [0, 1], ink high, and its ``label``;
    ``id`` is what the grid selects by."""

    @property
    def id(self) -> int: ...
    @property
    def image(self) -> np.ndarray: ...
    @property
    def label(self) -> int: ...


def misread(drawing: Drawing) -> int | None:
    """What the vote said when it was not the label (None: right, or not known)."""
    said = drawing.predicted(VOTE)
    return said if said is not None and said != drawing.label else None


def vote_note(drawing: Drawing) -> str | None:
    wrong = misread(drawing)
    return None if wrong is None else f"vote read {wrong}"


class ThumbnailGrid(ttk.Frame):
    """``on_select(id or None)`` runs when the selection changes; ``note(item)`` is the red
    line under a cell (None: none); ``empty_text`` is shown when there is nothing."""

    def __init__(self, master: tk.Misc, scale: float, on_select: Callable[[int | None], None],
                 note: Callable[[Any], str | None] = vote_note,
                 empty_text: str = EMPTY_TEXT) -> None:
        super().__init__(master, style="Card.TFrame", padding=1)
        self.scale, self.on_select = scale, on_select
        self.note = note  # given each item shown (a Drawing here, what the caller shows elsewhere)
        self.empty_text = empty_text
        self.cell_w, self.cell_h = round(CELL_W * scale), round(CELL_H * scale)
        self.canvas = tk.Canvas(self, width=COLUMNS * self.cell_w, height=round(ROWS_SHOWN * self.cell_h),
                                background=theme.SURFACE, highlightthickness=0, borderwidth=0,
                                yscrollincrement=self.cell_h // 2)
        bar = ttk.Scrollbar(self, orient=tk.VERTICAL, command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=bar.set)
        self.canvas.pack(side=tk.LEFT, fill=tk.BOTH, expand=True)
        bar.pack(side=tk.RIGHT, fill=tk.Y)
        self.ids: list[int] = []
        self.selected: int | None = None
        self._photos: list[ImageTk.PhotoImage] = []
        self.canvas.bind("<ButtonPress-1>", self._click)
        for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
            self.canvas.bind(sequence, self._wheel)

    @staticmethod
    def pictures(drawings: Sequence[Thumb], scale: float) -> list[Image.Image]:
        """The cells' pictures of ``drawings``, for :meth:`show` (on any thread: no Tk)."""
        return [Preview.render(d.image, round(THUMB * scale)) for d in drawings]

    def show(self, drawings: Sequence[Thumb], pictures: Sequence[Image.Image] | None = None) -> None:
        """Draw ``drawings`` in this order (``pictures``: theirs from :meth:`pictures`, made
        beforehand off the Tk thread); the selection stays if its drawing does."""
        self.canvas.delete("all")
        self._photos = []
        self.ids = [d.id for d in drawings]
        made = pictures if pictures is not None else self.pictures(drawings, self.scale)
        for index, (drawing, picture) in enumerate(zip(drawings, made)):
            self._cell(index, drawing, picture)
        rows = -(-len(drawings) // COLUMNS)
        self.canvas.configure(scrollregion=(0, 0, COLUMNS * self.cell_w, max(1, rows) * self.cell_h))
        if not drawings:
            width = COLUMNS * self.cell_w
            self.canvas.create_text(width / 2, 1.5 * self.cell_h, width=width - 40, text=self.empty_text,
                                    fill=theme.MUTED, justify=tk.CENTER, font=("TkDefaultFont", 10))
        self.select(self.selected if self.selected in self.ids else None, notify=False)

    def _cell(self, index: int, drawing: Thumb, picture: Image.Image) -> None:
        s = self.scale
        x0, y0 = (index % COLUMNS) * self.cell_w, (index // COLUMNS) * self.cell_h
        centre = x0 + self.cell_w / 2
        tag = f"d{drawing.id}"
        inset = 3 * s
        self.canvas.create_rectangle(x0 + inset, y0 + inset, x0 + self.cell_w - inset,
                                     y0 + self.cell_h - inset, outline="", width=round(2 * s),
                                     tags=(tag, "frame"))
        photo = ImageTk.PhotoImage(picture, master=self.canvas)
        self._photos.append(photo)
        self.canvas.create_image(centre, y0 + 9 * s, image=photo, anchor=tk.N, tags=tag)
        self.canvas.create_text(centre, y0 + (THUMB + 21) * s, text=str(drawing.label), fill=theme.TEXT,
                                font=("TkDefaultFont", 11, "bold"), tags=tag)
        note = self.note(drawing)
        if note is not None:
            self.canvas.create_text(centre, y0 + (THUMB + 36) * s, text=note,
                                    fill=theme.ERROR, font=("TkDefaultFont", 8), tags=tag)

    def select(self, drawing_id: int | None, notify: bool = True) -> None:
        self.selected = drawing_id
        self.canvas.itemconfigure("frame", outline="")
        if drawing_id is not None:
            frame = self.canvas.find_withtag(f"d{drawing_id}")[0]
            self.canvas.itemconfigure(frame, outline=SELECTED)
            self._see(self.ids.index(drawing_id))
        if notify:
            self.on_select(drawing_id)

    def move(self, step: int) -> None:
        """Select the drawing ``step`` places on (arrow keys)."""
        if not self.ids:
            return
        index = self.ids.index(self.selected) + step if self.selected in self.ids else 0
        self.select(self.ids[min(max(index, 0), len(self.ids) - 1)])

    def _click(self, event: tk.Event[tk.Canvas]) -> None:
        self.canvas.focus_set()
        x, y = self.canvas.canvasx(event.x), self.canvas.canvasy(event.y)
        column, row = int(x // self.cell_w), int(y // self.cell_h)
        index = row * COLUMNS + column
        if 0 <= column < COLUMNS and 0 <= index < len(self.ids):
            self.select(self.ids[index])

    def _see(self, index: int) -> None:
        """Scroll so that cell ``index`` is in view."""
        total = max(1, -(-len(self.ids) // COLUMNS)) * self.cell_h
        top, bottom = (index // COLUMNS) * self.cell_h, (index // COLUMNS + 1) * self.cell_h
        first, last = (f * total for f in self.canvas.yview())
        if top < first:
            self.canvas.yview_moveto(top / total)
        elif bottom > last:
            self.canvas.yview_moveto((bottom - (last - first)) / total)

    def _wheel(self, event: tk.Event[tk.Canvas]) -> None:
        if event.num == 4 or event.delta > 0:
            self.canvas.yview_scroll(-1, "units")
        elif event.num == 5 or event.delta < 0:
            self.canvas.yview_scroll(1, "units")
