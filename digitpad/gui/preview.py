"""The 28x28 image the nets read, enlarged with square pixels so each one can be seen."""

from __future__ import annotations

import logging
import tkinter as tk

import numpy as np
from PIL import Image, ImageTk

from digitpad.gui import theme

log = logging.getLogger(__name__)

ZOOM = 4  # screen pixels per input pixel at scale 1


class Preview(tk.Canvas):
    """Shows white ink on dark slate, as the nets see it (ink high); empty when None."""

    def __init__(self, master: tk.Misc, scale: float) -> None:
        self.pixels = round(28 * ZOOM * scale)
        super().__init__(master, width=self.pixels, height=self.pixels, highlightthickness=0,
                         borderwidth=0, background=theme.hex_colour(theme.PREVIEW_BG))
        self.image: np.ndarray | None = None
        self._photo: ImageTk.PhotoImage | None = None
        self._item = self.create_image(0, 0, anchor=tk.NW)
        self._empty = self.create_text(self.pixels / 2, self.pixels / 2, text="28 × 28",
                                       fill="#4b5563", font=("TkDefaultFont", 9))

    def show(self, image: np.ndarray | None) -> None:
        """``image``: float (28, 28) in [0, 1], ink high."""
        self.image = None if image is None else np.array(image, dtype=np.float32)
        if self.image is None:
            self.itemconfigure(self._item, image="")
            self.itemconfigure(self._empty, state=tk.NORMAL)
            self._photo = None
            return
        self._photo = ImageTk.PhotoImage(self.render(self.image, self.pixels), master=self)
        self.itemconfigure(self._item, image=self._photo)
        self.itemconfigure(self._empty, state=tk.HIDDEN)

    @staticmethod
    def render(image: np.ndarray, pixels: int) -> Image.Image:
        """Blend from the slate background (0) to white (1), then enlarge with square pixels."""
        ink = np.clip(image, 0.0, 1.0)[..., None]
        bg = np.array(theme.PREVIEW_BG, dtype=np.float32)
        rgb = bg + (255.0 - bg) * ink
        small = Image.fromarray(np.round(rgb).astype(np.uint8))
        return small.resize((pixels, pixels), Image.Resampling.NEAREST)
