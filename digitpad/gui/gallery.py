"""File ▸ My drawings…: the drawings the user taught the app, to look through, relabel
or delete; how often each net was right on them; and export as IDX files or PNGs.

Not modal: drawing and teaching go on, and the window follows what is taught."""

from __future__ import annotations

import datetime
import functools
import logging
import os
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog, ttk
from typing import TYPE_CHECKING

from digitpad.drawings import Drawing, DrawingsError, DrawingStore
from digitpad.gui import theme
from digitpad.gui.netbar import label_of
from digitpad.gui.preview import Preview
from digitpad.gui.scores import ScoresTable, ordered
from digitpad.gui.teach import a_digit, digit_styles, drawings_phrase
from digitpad.gui.thumbs import COLUMNS, ThumbnailGrid

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

EXPORTS = {"idx": ("IDX files", "IDX files (MNIST format)"), "png": ("PNGs", "one PNG per drawing")}


def open_for(app: App) -> GalleryWindow | None:
    """Show the window (one per app); None, with the reason said, when there is no store."""
    from digitpad.gui import teach

    store = app.teaching.store
    if store is None:
        app.root.bell()
        app.status.say(app.teaching.problem, "error")
        return None
    if app.gallery is None or not app.gallery.winfo_exists():
        app.gallery = GalleryWindow(app.root, store, app.scale,
                                    functools.partial(teach.drawings_changed, app))
    app.gallery.lift()
    return app.gallery


def when(created: str) -> str:
    """The stored UTC time, in the user's time zone."""
    try:
        moment = datetime.datetime.fromisoformat(created).astimezone()
    except ValueError:
        return created
    return moment.strftime("%d %b %Y, %H:%M")


class GalleryWindow(tk.Toplevel):
    """``on_change()`` runs after a relabel or delete (the main window follows)."""

    def __init__(self, root: tk.Tk, store: DrawingStore, scale: float,
                 on_change: Callable[[], None]) -> None:
        super().__init__(root, background=theme.BG, padx=16, pady=12)
        self.title("My drawings")
        self.store, self.on_change = store, on_change
        self.drawings: dict[int, Drawing] = {}
        digit_styles(self)
        self._header()
        body = ttk.Frame(self)
        body.pack(fill=tk.BOTH, expand=True)
        self.grid_view = ThumbnailGrid(body, scale, self._selected)
        self.grid_view.pack(side=tk.LEFT, fill=tk.Y)
        side = ttk.Frame(body, padding=(12, 0, 0, 0))
        side.pack(side=tk.LEFT, fill=tk.Y)
        self.detail = DetailCard(side, scale, self.relabel, self.delete_selected)
        self.detail.pack(fill=tk.X)
        self.scores = ScoresTable(side, scale)
        self.scores.pack(fill=tk.X, pady=(12, 0))
        self.message = ttk.Label(self, text="", style="Muted.TLabel")
        self.message.pack(fill=tk.X, pady=(8, 0))
        self._bind_keys()
        self.refresh()

    def _header(self) -> None:
        row = ttk.Frame(self, padding=(0, 0, 0, 8))
        row.pack(fill=tk.X)
        self.heading = ttk.Label(row, text="My drawings", style="Title.TLabel")
        self.heading.pack(side=tk.LEFT)
        self.export_buttons: dict[str, ttk.Button] = {}
        for kind in ("png", "idx"):
            button = ttk.Button(row, text=f"Export {EXPORTS[kind][0]}…",
                                command=functools.partial(self.ask_export, kind))
            button.pack(side=tk.RIGHT, padx=(8, 0))
            self.export_buttons[kind] = button

    def _bind_keys(self) -> None:
        for digit in range(10):
            self.bind(f"<KeyPress-{digit}>", functools.partial(self._key, self.relabel, digit))
        for key in ("Delete", "BackSpace"):
            self.bind(f"<KeyPress-{key}>", functools.partial(self._key, self.delete_selected))
        for key, step in (("Left", -1), ("Right", 1), ("Up", -COLUMNS), ("Down", COLUMNS)):
            self.bind(f"<KeyPress-{key}>", functools.partial(self._key, self.grid_view.move, step))
        self.bind("<Escape>", lambda _e: self.destroy())

    @staticmethod
    def _key(command: Callable[..., object], *args: object) -> None:
        command(*args[:-1])  # the event, last, is not passed on

    # --- what is shown -----------------------------------------------------------------
    def refresh(self) -> None:
        """Read the drawings again (newest first) and show them, and the nets' scores."""
        try:
            drawings = self.store.all()[::-1]
            scores = self.store.net_scores()
        except DrawingsError as exc:
            self.say(f"Could not read your drawings: {exc}", theme.ERROR)
            return
        notice = self.store.take_notice()  # the file was deleted or replaced meanwhile
        if notice:
            self.say(notice, theme.WARNING)
        self.drawings = {d.id: d for d in drawings}
        self.heading.configure(text=f"My drawings ({len(drawings)})")
        self.grid_view.show(drawings)
        self.scores.show(scores)
        for button in self.export_buttons.values():
            button.state(["!disabled"] if drawings else ["disabled"])
        self._selected(self.grid_view.selected)

    @property
    def selected(self) -> Drawing | None:
        return self.drawings.get(self.grid_view.selected or -1)

    def _selected(self, _drawing_id: int | None) -> None:
        self.detail.show(self.selected)

    def say(self, text: str, colour: str = theme.MUTED) -> None:
        self.message.configure(text=text, foreground=colour)

    # --- commands ----------------------------------------------------------------------
    def relabel(self, label: int) -> None:
        drawing = self.selected
        if drawing is None or drawing.label == label:
            return
        if self._write(self.store.relabel, drawing.id, label):
            self.say(f"Drawing {drawing.id} is now labelled {label} (was {drawing.label})")

    def delete_selected(self) -> None:
        drawing = self.selected
        if drawing is None:
            return
        index = self.grid_view.ids.index(drawing.id)
        if self._write(self.store.delete, drawing.id):
            ids = self.grid_view.ids
            self.grid_view.select(ids[min(index, len(ids) - 1)] if ids else None)
            self.say(f"Deleted drawing {drawing.id} ({a_digit(drawing.label)}); "
                     f"{drawings_phrase(len(ids))} left")

    def _write(self, change: Callable[..., None], *args: int) -> bool:
        try:
            change(*args)
        except DrawingsError as exc:
            self.say(str(exc), theme.ERROR)
            return False
        self.on_change()  # refreshes this window too
        return True

    def ask_export(self, kind: str) -> None:
        folder = filedialog.askdirectory(parent=self, title=f"Export your drawings as {EXPORTS[kind][1]}",
                                         mustexist=False)
        if folder:
            self.export(kind, folder)

    def export(self, kind: str, folder: str | os.PathLike[str]) -> list[Path]:
        """Write the drawings to ``folder``; [] (and said why) when that fails."""
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            paths = self.store.export_idx(folder) if kind == "idx" else self.store.export_png(folder)
        except (OSError, DrawingsError) as exc:
            self.say(f"Export failed: {exc}", theme.ERROR)
            return []
        what = f"{len(paths)} files" if kind == "png" else "the images and labels IDX files"
        self.say(f"Wrote {what} to {folder}", theme.SUCCESS)
        return paths


class DetailCard(ttk.Frame):
    """The selected drawing, large; when it was kept; what each net said; its label
    (click another digit to relabel) and Delete."""

    def __init__(self, master: tk.Misc, scale: float, relabel: Callable[[int], None],
                 delete: Callable[[], None]) -> None:
        super().__init__(master, style="Card.TFrame", padding=(10, 8))
        self.preview = Preview(self, scale)
        self.preview.grid(row=0, column=0, rowspan=4, sticky=tk.NW, padx=(0, 10))
        self.title = ttk.Label(self, text="", style="CardHeading.TLabel")
        self.title.grid(row=0, column=1, sticky=tk.NW)
        self.caption = ttk.Label(self, text="", style="CardMuted.TLabel", wraplength=round(160 * scale))
        self.caption.grid(row=1, column=1, sticky=tk.NW)
        self.said = ttk.Frame(self, style="Card.TFrame", padding=0)
        self.said.configure(borderwidth=0)
        self.said.grid(row=2, column=1, sticky=tk.NW, pady=(2, 0))
        self.delete_button = ttk.Button(self, text="Delete", command=delete, takefocus=False)
        self.delete_button.grid(row=3, column=1, sticky=tk.SW)
        self.rowconfigure(3, weight=1)
        labels = ttk.Frame(self, style="Card.TFrame", padding=(0, 8, 0, 0))
        labels.configure(borderwidth=0)
        labels.grid(row=4, column=0, columnspan=2, sticky=tk.W)
        ttk.Label(labels, text="Label:", style="CardHeading.TLabel").pack(side=tk.LEFT, padx=(0, 6))
        self.label_buttons = [ttk.Button(labels, text=str(d), width=1, style="Teach.TButton",
                                         takefocus=False, command=functools.partial(relabel, d))
                              for d in range(10)]
        for digit, button in enumerate(self.label_buttons):
            button.pack(side=tk.LEFT, padx=(0 if digit == 0 else 2, 0))
        self.show(None)

    def show(self, drawing: Drawing | None) -> None:
        for child in self.said.winfo_children():
            child.destroy()
        state = ["disabled"] if drawing is None else ["!disabled"]
        for digit, button in enumerate(self.label_buttons):
            button.state(state)
            current = drawing is not None and digit == drawing.label
            button.configure(style="Current.Teach.TButton" if current else "Teach.TButton")
        self.delete_button.state(state)
        if drawing is None:
            self.preview.show(None)
            self.title.configure(text="No drawing selected")
            self.caption.configure(text="Click one to see it, relabel it (0–9) or delete it.")
            return
        self.preview.show(drawing.image)
        self.title.configure(text=a_digit(drawing.label).capitalize())
        self.caption.configure(text=f"kept {when(drawing.created)}\nThe nets said:")
        self._said(drawing)

    def _said(self, drawing: Drawing) -> None:
        answers = ordered({name: (0, 0) for name in drawing.predictions})
        for index, (name, _r, _t) in enumerate(answers):
            digit = drawing.predicted(name)
            right = digit == drawing.label
            cell = tk.Label(self.said, text=f"{label_of(name)} {digit}", background=theme.SURFACE,
                            foreground=theme.SUCCESS if right else theme.ERROR,
                            font=("TkDefaultFont", 9, "bold"))
            cell.grid(row=index // 3, column=index % 3, sticky=tk.W, padx=(0, 8))
        if not answers:
            ttk.Label(self.said, text="(not recorded)", style="CardMuted.TLabel").grid(row=0, column=0)
