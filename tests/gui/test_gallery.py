"""File ▸ My drawings…: the thumbnails, relabel and delete (mouse and keys), the nets'
scores on your drawings, export, and the window following what is taught."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad.datasets.idx import read_idx
from digitpad.drawings import DrawingStore
from digitpad.gui.gallery import GalleryWindow
from digitpad.gui.thumbs import COLUMNS

from .conftest import Harness

pytestmark = pytest.mark.gui

CONTROL = 4
SEVEN = [(70.0, 60.0), (210.0, 60.0), (130.0, 240.0)]


def one_hot(digit: int) -> list[float]:
    p = [0.0] * 10
    p[digit] = 1.0
    return p


def keep(label: int, said: dict[str, int]) -> None:
    """Store a drawing labelled ``label`` that each net in ``said`` read as its digit."""
    store = DrawingStore()
    image = np.zeros((28, 28), np.float32)
    image[4:24, 10 + label:14 + label] = 1.0
    store.add([[[1.0, 2.0], [3.0, 4.0]]], image, label, {n: one_hot(d) for n, d in said.items()})
    store.close()


def open_gallery(gui: Harness) -> GalleryWindow:
    menu = gui.app.menus["file"]
    index = next(i for i in range(menu.index("end") + 1)
                 if menu.type(i) == "command" and menu.entrycget(i, "label") == "My drawings…")
    menu.invoke(index)
    gui.pump()
    assert gui.app.gallery is not None
    return gui.app.gallery


def click_cell(gui: Harness, gallery: GalleryWindow, index: int) -> None:
    grid = gallery.grid_view
    x = (index % COLUMNS + 0.5) * grid.cell_w
    y = (index // COLUMNS + 0.5) * grid.cell_h
    grid.canvas.event_generate("<ButtonPress-1>", x=round(x), y=round(y))
    gui.pump()


def texts(gallery: GalleryWindow, bold: bool = False) -> list[str]:
    """The texts under the thumbnails (the labels alone with ``bold``), newest first."""
    canvas = gallery.grid_view.canvas
    return [str(canvas.itemcget(i, "text")) for i in canvas.find_all() if canvas.type(i) == "text"
            and (not bold or str(canvas.itemcget(i, "font")).endswith("bold"))]


def labels_shown(gallery: GalleryWindow) -> list[str]:
    return texts(gallery, bold=True)


def test_lists_relabels_and_deletes(gui: Harness) -> None:
    for label in (3, 5, 8):
        keep(label, {"B1": label, "vote": 1})
    gallery = open_gallery(gui)
    assert gallery.heading.cget("text") == "My drawings (3)"
    assert labels_shown(gallery) == ["8", "5", "3"]  # newest first
    assert len(gallery.grid_view.canvas.find_withtag("frame")) == 3
    click_cell(gui, gallery, 1)
    assert gallery.selected is not None and gallery.selected.label == 5
    np.testing.assert_allclose(gallery.detail.preview.image, gallery.selected.image)
    assert gallery.detail.label_buttons[5].cget("style") == "Current.Teach.TButton"
    gallery.detail.label_buttons[6].invoke()
    gui.pump()
    assert [d.label for d in DrawingStore().all()] == [3, 6, 8]
    assert labels_shown(gallery) == ["8", "6", "3"]
    gallery.detail.delete_button.invoke()
    gui.pump()
    assert [d.label for d in DrawingStore().all()] == [3, 8]
    assert gallery.selected is not None and gallery.selected.label == 3  # the next one
    assert "Deleted" in str(gallery.message.cget("text"))


def test_keys_relabel_move_and_delete(gui: Harness) -> None:
    for label in (1, 2):
        keep(label, {})
    gallery = open_gallery(gui)
    gallery.focus_force()
    for key in ("Right", "Left", "9"):
        gallery.event_generate(f"<KeyPress-{key}>")
        gui.pump()
    assert [d.label for d in DrawingStore().all()] == [1, 9]
    gallery.event_generate("<KeyPress-Delete>")
    gui.pump()
    assert [d.label for d in DrawingStore().all()] == [1]


def test_scores_table(gui: Harness) -> None:
    keep(4, {"B1": 4, "B2": 9, "vote": 4})
    keep(7, {"B1": 1, "B2": 7, "vote": 7})
    keep(2, {"B1": 2, "B2": 2, "vote": 2})
    gallery = open_gallery(gui)
    assert gallery.scores.rows == {"B1": ("2 of 3", "67%"), "B2": ("2 of 3", "67%"),
                                   "vote": ("3 of 3", "100%")}
    assert texts(gallery) == ["2", "7", "4"]
    click_cell(gui, gallery, 2)
    gallery.relabel(3)  # now every net was wrong about it
    gui.pump()
    assert gallery.scores.rows["vote"] == ("2 of 3", "67%")
    assert texts(gallery) == ["2", "7", "3", "vote read 4"]


def test_export(gui: Harness, tmp_path: Path) -> None:
    gallery = open_gallery(gui)
    assert all(b.instate(["disabled"]) for b in gallery.export_buttons.values())
    keep(4, {})
    keep(8, {})
    gallery.refresh()
    assert all(b.instate(["!disabled"]) for b in gallery.export_buttons.values())
    images, labels = gallery.export("idx", tmp_path / "idx")
    assert read_idx(images).shape == (2, 28, 28) and read_idx(labels).tolist() == [4, 8]
    pngs = gallery.export("png", tmp_path / "png")
    assert [p.name for p in pngs] == ["drawing-00001-label-4.png", "drawing-00002-label-8.png"]
    assert "Wrote 2 files" in str(gallery.message.cget("text"))
    (tmp_path / "file").write_text("in the way")
    assert gallery.export("png", tmp_path / "file") == []
    assert "Export failed" in str(gallery.message.cget("text"))


def test_the_window_follows_teaching(gui: Harness) -> None:
    gallery = open_gallery(gui)
    assert gallery.heading.cget("text") == "My drawings (0)"
    gui.stroke(SEVEN)
    gui.key("7", state=CONTROL)
    assert gallery.heading.cget("text") == "My drawings (1)"
    assert labels_shown(gallery) == ["7"]
    gui.key("d", state=CONTROL)  # already open: the same window
    assert gui.app.gallery is gallery
