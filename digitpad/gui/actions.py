"""What the menus do with files: open a picture, save the drawing, load or restore
weights, and the Help texts. Errors are said in the status bar, never raised at Tk."""

from __future__ import annotations

import io
import logging
import os
import platform
import sys
import time
import tkinter as tk
from pathlib import Path
from tkinter import filedialog, messagebox, ttk
from typing import TYPE_CHECKING

from PIL import ImageOps

from digitpad import __version__, dirs
from digitpad.atomic import atomic_write_bytes
from digitpad.gui import keys, theme
from digitpad.nets import SPECS, VOTE, WeightsError
from digitpad.preprocess import EmptyDrawing, rasterize

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

IMAGE_TYPES = [("Images", "*.png *.jpg *.jpeg *.PNG *.JPG *.JPEG"), ("All files", "*")]
WEIGHT_TYPES = [("digitpad weights", "*.npz"), ("All files", "*")]


def drawings_dir() -> Path:
    return dirs.user_dir() / "drawings"


def ask_open_image(app: App) -> None:
    path = filedialog.askopenfilename(parent=app.root, title="Open a picture of a digit",
                                      filetypes=IMAGE_TYPES)
    if path:
        open_image(app, path)


def open_image(app: App, path: str | os.PathLike[str]) -> bool:
    """Classify a photo or scan of a dark digit on light paper."""
    from digitpad.images import ImageFileError, digit_from_picture, open_image

    try:
        picture = open_image(path)  # decoded once: shown, and read as a digit
        image = digit_from_picture(picture)
    except (ImageFileError, EmptyDrawing) as exc:
        name = Path(path).name  # the file's name, not its whole path, fits the status bar
        reason = str(exc).replace(os.fspath(path), name)
        app.status.say(f"Not opened: {reason if reason.startswith(name) else f'{name}: {reason}'}",
                       "error")
        return False
    app.show_input_image(image, picture, Path(path).name)
    app.status.say(f"Opened {Path(path).name}")
    return True


def ask_save_drawing(app: App) -> None:
    if app.pad.is_empty:
        app.status.say("Nothing to save: draw a digit first", "warning")
        return
    folder = drawings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = filedialog.asksaveasfilename(
        parent=app.root, title="Save the drawing", initialdir=folder, defaultextension=".png",
        initialfile=time.strftime("digit-%Y%m%d-%H%M%S.png"), filetypes=[("PNG", "*.png")])
    if path:
        save_drawing(app, path)


def save_drawing(app: App, path: str | os.PathLike[str]) -> bool:
    """Save the strokes as a 280x280 PNG, dark ink on white (File ▸ Open reads it back)."""
    if app.pad.is_empty:
        app.status.say("Nothing to save: draw a digit first", "warning")
        return False
    buffer = io.BytesIO()
    ImageOps.invert(rasterize(app.pad.strokes)).save(buffer, format="PNG")
    try:
        atomic_write_bytes(path, buffer.getvalue())
    except OSError as exc:
        app.status.say(f"Could not save {path}: {exc}", "error")
        return False
    app.status.say(f"Saved {Path(path).name}", "success")
    return True


def ask_load_weights(app: App) -> None:
    path = filedialog.askopenfilename(parent=app.root, title="Load network weights",
                                      filetypes=WEIGHT_TYPES)
    if path:
        load_weights(app, path)


def load_weights(app: App, path: str | os.PathLike[str]) -> bool:
    """Use ``path`` for the selected net (for the vote: the net the file says it is)."""
    from digitpad.nets import registry, store

    net = app.selected.get()
    try:
        if net == VOTE:
            net = str(store.load(path)[1].get("name", "")).upper()
            if net not in SPECS:
                raise WeightsError(f"{path}: does not say which network it is for; "
                                   "select that network first")
        registry.choose(net, path)
    except (WeightsError, OSError, ValueError) as exc:
        app.status.say(f"Not loaded: {exc}", "error")
        return False
    app.reload_nets()
    app.status.say(f"{net} now uses {Path(path).name}", "success")
    return True


def restore_shipped(app: App) -> None:
    """The selected net (all nets when the vote is selected) back to the shipped weights."""
    from digitpad.nets import registry

    selected = app.selected.get()
    names = list(SPECS) if selected == VOTE else [selected]
    for name in names:
        registry.choose(name, None)
    app.reload_nets()
    app.status.say(f"Restored the shipped weights of {', '.join(names)}", "success")


def show_shortcuts(app: App) -> tk.Toplevel:
    """Help ▸ Keyboard shortcuts: a two-column grid (keys, what they do) from
    :data:`digitpad.gui.keys.SHORTCUTS`; Esc or Close closes it."""
    window = tk.Toplevel(app.root, background=theme.BG, padx=16, pady=12)
    window.title("Keyboard shortcuts")
    window.transient(app.root)
    window.resizable(False, False)
    table = ttk.Frame(window)
    table.pack(fill=tk.BOTH)
    for row, (shown, what) in enumerate(keys.help_rows(app.root)):
        ttk.Label(table, text=shown, style="Heading.TLabel").grid(
            row=row, column=0, sticky=tk.W, padx=(0, 18), pady=2)
        ttk.Label(table, text=what).grid(row=row, column=1, sticky=tk.W, pady=2)
    close = ttk.Button(window, text="Close", command=window.destroy)
    close.pack(anchor=tk.E, pady=(12, 0))
    window.bind("<Escape>", lambda _e: window.destroy())
    close.focus_set()
    return window


def about_text(root: tk.Misc) -> str:
    import matplotlib
    import numpy
    import PIL

    return "\n".join([
        f"digitpad {__version__}",
        "Draw a digit; neural networks say which one it is.",
        "",
        f"Python {platform.python_version()} · numpy {numpy.__version__} · "
        f"Pillow {PIL.__version__} · matplotlib {matplotlib.__version__} · "
        f"Tk {root.tk.call('info', 'patchlevel')}",
        "",
        f"Your files: {dirs.user_dir()}",
        f"Data: {dirs.data_dir()}",
        f"Shipped weights: {dirs.shipped_weights_dir()}",
        f"Running on {sys.platform}",
    ])


def show_about(app: App) -> None:
    messagebox.showinfo("About digitpad", about_text(app.root), parent=app.root)
