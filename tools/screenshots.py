"""Make the README's screenshots of the app.

    python3 tools/screenshots.py [OUTDIR] [--only NAME ...]     (OUTDIR: docs/screenshots)

Needs an X display at least 1920x1080 with no window manager: without ``$DISPLAY`` a
private ``Xvfb`` of that size is started (``apt-get install xvfb``); with one, use e.g.
``Xvfb :9 -screen 0 1920x1080x24 &`` and ``DISPLAY=:9``. The screen is read with Pillow's
``ImageGrab`` (its XCB support). Reads the shared UNIPEN file (``unipen-digits-dev.npz``)
and MNIST from the data folder (``DIGITPAD_DATA``, or ``../shared/data`` beside a
checkout), and uses the weights the app would.

Everything runs in one temporary user folder (``DIGITPAD_HOME``), removed at the end, so
the user's own drawings, weights and settings are never read or touched; the short
retraining it starts is cancelled.

Makes, in OUTDIR:

* ``idle.png``, ``digit.png`` (a pen-drawn 4), ``retraining.png`` (beside the main window);
* ``window-small.png`` and ``window-large.png``: the window at its minimum size (620x420
  when it has none) and at 1400x1000, with the same 4;
* ``inside-b4.png``, ``inside-off.png``, ``inside-k1.png``, ``inside-vote.png``: Network >
  Look inside... beside the main window (``tools/inside_shots.py`` says what each shows);
* ``quality-k1.png``, ``quality-test-digit.png``: Network > How good is it?... beside the
  main window (``tools/quality_shots.py`` says what each shows);
* ``not-sure.png`` (the vote unsure about a pen-drawn digit), ``not-a-digit.png`` (a
  held-out writer's pen-drawn H), ``my-drawings.png`` (after
  teaching, beside File > My drawings...) and ``retrain-mine.png``.

``--only digit window-small`` makes just those (the names without ``.png``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageGrab

from digitpad import dirs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tools/
from tools import inside_shots, quality_shots, replay  # noqa: E402
from tools.xvfb import x_display  # noqa: E402

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger("screenshots")

SCREEN = "1920x1080x24"
MARGIN = 16
DESKTOP = (203, 213, 225)
SMALL = (620, 420)  # when the window has no minimum size
LARGE = (1400, 1000)
PEN_FOUR = (4, 23)  # label and index of the pen-drawn digit most shots show
TAUGHT = [(4, 23), (7, 3), (9, 5), (1, 2), (3, 7), (8, 1), (2, 4), (5, 6), (0, 3), (6, 2)]
SEARCH = 120  # pen-drawn digits tried per label when looking for a particular answer
SHOTS = ("idle", "digit", "retraining", "window-small", "window-large", "not-sure", "not-a-digit",
         "my-drawings",
         "retrain-mine", *inside_shots.SHOTS, *quality_shots.SHOTS)


def settle(app: App, seconds: float = 0.4) -> None:
    """Let Tk draw (and a background chart load) for ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.root.update()
        time.sleep(0.01)


def box(window: tk.Wm) -> tuple[int, int, int, int]:
    """The screen area of a toplevel, its menu bar included (no window manager)."""
    assert isinstance(window, tk.Misc)
    x, y = (int(v) for v in window.wm_geometry().split("+")[1:3])
    return (x, y, x + window.winfo_width(), window.winfo_rooty() + window.winfo_height())


def grab(path: Path, *windows: tk.Wm) -> None:
    """Save the windows as one picture, on a plain desktop colour."""
    screen = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
    boxes = [box(w) for w in windows]
    left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
    right, bottom = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
    shot = Image.new("RGB", (right - left, bottom - top), DESKTOP)
    for b in boxes:
        shot.paste(screen.crop(b), (b[0] - left, b[1] - top))
    shot.save(path, optimize=True)
    log.info("saved %s", path)


def unipen_digit(label: int, index: int = 0) -> list[np.ndarray]:
    """The ``index``-th pen-drawn ``label`` of the shared UNIPEN file, fitted to the pad."""
    z = np.load(dirs.data_dir() / "unipen-digits-dev.npz")
    points, so, go = z["points"], z["stroke_offsets"], z["sample_offsets"]
    i = int(np.flatnonzero(z["labels"] == label)[index])
    return replay.fitted([points[so[j]:so[j + 1]] for j in range(go[i], go[i + 1])], 190)


def draw(app: App, strokes: list[np.ndarray]) -> None:
    replay.draw(app.pad, strokes, after_stroke=app.root.update)


def beside(app: App, window: tk.Wm) -> None:
    """Place ``window`` to the right of the main window."""
    window.wm_geometry(f"+{app.root.winfo_rootx() + app.root.winfo_width() + MARGIN}+20")


# --- the main window and retraining ---------------------------------------------------------
def idle(app: App, folder: Path) -> None:
    app.clear()
    settle(app)
    grab(folder / "idle.png", app.root)


def digit(app: App, folder: Path) -> None:
    app.clear()
    draw(app, unipen_digit(*PEN_FOUR))
    settle(app)
    grab(folder / "digit.png", app.root)


def retraining(app: App, folder: Path) -> None:
    app.clear()
    draw(app, unipen_digit(*PEN_FOUR))
    dialog = app.open_retrain(extra={"limit": 30000, "test_limit": 2000})
    dialog.form.epochs.set("4")
    beside(app, dialog)
    dialog.start()
    if dialog.job is None:
        log.warning("retraining.png not made: %s", dialog.message.cget("text"))
        dialog.close()
        return
    while len(dialog.plot.epochs) < 2 and not dialog.outcome:
        settle(app, 0.1)
    settle(app, 0.8)
    grab(folder / "retraining.png", app.root, dialog)
    dialog.cancel()
    while not dialog.outcome:
        settle(app, 0.1)
    dialog.close()
    settle(app)


def window_sizes(app: App, folder: Path, names: set[str]) -> None:
    app.root.update_idletasks()
    natural = (app.root.winfo_width(), app.root.winfo_height())
    smallest = tuple(app.root.wm_minsize())
    sizes = {"window-small": smallest if min(smallest) > 1 else SMALL, "window-large": LARGE}
    for name, (width, height) in sizes.items():
        if name not in names:
            continue
        app.root.geometry(f"{width}x{height}+20+20")
        settle(app)
        app.clear()
        draw(app, unipen_digit(*PEN_FOUR))
        settle(app)
        grab(folder / f"{name}.png", app.root)
    app.root.geometry("{}x{}+20+20".format(*natural))  # back to the size it opened at
    settle(app)


# --- teaching -------------------------------------------------------------------------------
def find(app: App, labels: tuple[int, ...], wanted: str) -> tuple[int, int] | None:
    """A pen-drawn digit the vote is ``wanted`` ("unsure" or "wrong") about, left drawn."""
    for label in labels:
        for index in range(SEARCH):
            app.clear()
            draw(app, unipen_digit(label, index))
            reading = app.prediction
            if reading is not None and (not reading.sure if wanted == "unsure"
                                        else reading.digit != label and reading.sure):
                return label, index
    log.warning("no pen-drawn digit found that the vote is %s about", wanted)
    return None


def not_sure(app: App, folder: Path) -> None:
    from digitpad.nets import VOTE

    app.select(VOTE)
    find(app, (4, 9, 7, 1), "unsure")
    settle(app)
    grab(folder / "not-sure.png", app.root)


def not_a_digit(app: App, folder: Path) -> None:
    """A pen-drawn H by a writer no net or detector trained on: "that doesn't look like a digit"."""
    from digitpad import drawn
    from digitpad.nets import VOTE

    app.select(VOTE)
    letters = drawn.load(dirs.data_dir() / "unipen-letters-dev.npz")
    mask = (letters.labels == ord("H")) & drawn.held_out_writers(letters.writers)
    for index in letters.subset(mask):
        app.clear()
        draw(app, [np.asarray(s) for s in drawn.place(letters.strokes(index), np.random.default_rng(0),
                                                      height=(0.6, 0.6))])
        if app.prediction is not None and app.prediction.not_a_digit:
            break
    app.ensure_chart()
    settle(app)
    grab(folder / "not-a-digit.png", app.root)


def teach_some(app: App) -> None:
    """Keep the digits of :data:`TAUGHT`, and two the vote reads wrong, with their labels."""
    from digitpad.gui import teach

    for label, index in TAUGHT:
        app.clear()
        draw(app, unipen_digit(label, index))
        teach.save_as(app, label)
    for labels in ((7, 1), (9, 4)):
        found = find(app, labels, "wrong")
        if found is not None:
            teach.save_as(app, found[0])
    app.clear()


def my_drawings(app: App, folder: Path) -> None:
    from digitpad.gui import gallery

    teach_some(app)
    window = gallery.open_for(app)
    assert window is not None
    beside(app, window)
    settle(app)
    window.grid_view.select(window.grid_view.ids[0])
    settle(app)
    grab(folder / "my-drawings.png", app.root, window)
    window.destroy()


def retrain_mine(app: App, folder: Path) -> None:
    dialog = app.open_retrain()
    beside(app, dialog)
    settle(app)
    grab(folder / "retrain-mine.png", dialog)
    dialog.close()


def take(folder: Path, names: set[str]) -> None:
    """Open the app and make the shots ``names``, in an order where each finds the state
    it shows (the teaching shots come last: they fill the drawings database)."""
    from digitpad.gui import build_app

    folder.mkdir(parents=True, exist_ok=True)
    app = build_app()
    app.root.geometry("+20+20")
    settle(app, 1.0)
    steps: list[tuple[str, Callable[[App, Path], None]]] = [
        ("idle", idle), ("digit", digit), ("retraining", retraining),
        ("window", lambda a, f: window_sizes(a, f, names)),
        ("inside", lambda a, f: inside_shots.look_inside(a, f, names, unipen_digit(*PEN_FOUR))),
        ("quality", lambda a, f: quality_shots.how_good(a, f, names)),
        ("not-sure", not_sure), ("not-a-digit", not_a_digit), ("my-drawings", my_drawings),
        ("retrain-mine", retrain_mine)]
    try:
        for name, step in steps:
            if name in names or (name == "window" and names & {"window-small", "window-large"}) \
                    or (name == "inside" and names & set(inside_shots.SHOTS)) \
                    or (name == "quality" and names & set(quality_shots.SHOTS)):
                step(app, folder)
    finally:
        app.quit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--only", nargs="+", choices=SHOTS, metavar="NAME",
                        help=f"just these shots: {', '.join(SHOTS)}")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="digitpad-shots-") as home, x_display(SCREEN):
        os.environ["DIGITPAD_HOME"] = home  # before anything reads the user folder
        take(args.outdir.resolve(), set(args.only or SHOTS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
