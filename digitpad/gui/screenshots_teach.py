"""The README's screenshots of teaching: ``python -m digitpad.gui.screenshots_teach [FOLDER]``.

Same needs as :mod:`digitpad.gui.screenshots` (an X display at least 1920x1080 with no
window manager, ImageMagick's ``import``, the shared UNIPEN file). Works in a temporary
user folder, so the user's own drawings and weights are never touched. Makes
``not-sure.png`` (the vote unsure about a pen-drawn 4), ``my-drawings.png`` (the main
window after teaching, beside File ▸ My drawings…) and ``retrain-mine.png``.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

from digitpad.gui import build_app, gallery, teach
from digitpad.gui.app import App
from digitpad.gui.screenshots import MARGIN, draw, grab, settle, unipen_digit
from digitpad.nets import VOTE

log = logging.getLogger(__name__)

TAUGHT = [(4, 23), (7, 3), (9, 5), (1, 2), (3, 7), (8, 1), (2, 4), (5, 6), (0, 3), (6, 2)]
SEARCH = 120  # pen-drawn digits tried per label when looking for a particular answer


def find(app: App, labels: tuple[int, ...], wanted: str) -> tuple[int, int] | None:
    """A pen-drawn digit the vote is ``wanted`` ("unsure" or "wrong") about, left drawn."""
    for label in labels:
        for index in range(SEARCH):
            app.clear()
            draw(app, unipen_digit(label, index))
            verdict = app.verdict
            if verdict is not None and (not verdict.sure if wanted == "unsure"
                                        else verdict.digit != label and verdict.sure):
                return label, index
    log.warning("no pen-drawn digit found that the vote is %s about", wanted)
    return None


def teach_some(app: App) -> None:
    """Keep the digits of :data:`TAUGHT`, and two the vote reads wrong, with their labels."""
    for label, index in TAUGHT:
        draw(app, unipen_digit(label, index))
        teach.save_as(app, label)
    for labels in ((7, 1), (9, 4)):
        found = find(app, labels, "wrong")
        if found is not None:
            teach.save_as(app, found[0])
    app.clear()


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    app = build_app()
    app.root.geometry("+20+20")
    app.select(VOTE)
    find(app, (4, 9, 7, 1), "unsure")
    settle(app)
    grab(folder / "not-sure.png", app.root)
    teach_some(app)
    window = gallery.open_for(app)
    assert window is not None
    window.geometry(f"+{app.root.winfo_rootx() + app.root.winfo_width() + MARGIN}+20")
    settle(app)
    window.grid_view.select(window.grid_view.ids[0])
    settle(app)
    grab(folder / "my-drawings.png", app.root, window)
    window.destroy()
    dialog = app.open_retrain()
    dialog.geometry(f"+{app.root.winfo_rootx() + app.root.winfo_width() + MARGIN}+20")
    settle(app)
    grab(folder / "retrain-mine.png", dialog)
    dialog.close()
    app.quit()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    with tempfile.TemporaryDirectory(prefix="digitpad-shots-") as home:
        os.environ["DIGITPAD_HOME"] = home  # before anything reads the user folder
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
