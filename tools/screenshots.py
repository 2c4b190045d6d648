"""Make the README's screenshots: ``python -m digitpad.gui.screenshots [FOLDER]``.

Needs an X display at least 1400 pixels wide, with no window manager (for example
``Xvfb :9 -screen 0 1920x1080x24`` and ``DISPLAY=:9``), and ImageMagick's ``import``. Draws a pen-drawn
digit from the shared UNIPEN file, and starts a short retraining (rejected at the end,
so the user's weights stay as they were).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
import time
import tkinter as tk
from pathlib import Path

import numpy as np
from PIL import Image

from digitpad import dirs
from digitpad.gui import build_app
from digitpad.gui.app import App

log = logging.getLogger(__name__)

MARGIN = 16
DESKTOP = (203, 213, 225)


def settle(app: App, seconds: float = 0.4) -> None:
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
    with tempfile.TemporaryDirectory() as folder:
        screen_file = Path(folder) / "screen.png"
        subprocess.run(["import", "-window", "root", str(screen_file)], check=True)
        screen = Image.open(screen_file).convert("RGB")
        boxes = [box(w) for w in windows]
        left, top = min(b[0] for b in boxes) - MARGIN, min(b[1] for b in boxes) - MARGIN
        right, bottom = max(b[2] for b in boxes) + MARGIN, max(b[3] for b in boxes) + MARGIN
        shot = Image.new("RGB", (right - left, bottom - top), DESKTOP)
        for b in boxes:
            shot.paste(screen.crop(b), (b[0] - left, b[1] - top))
        shot.save(path, optimize=True)
    log.info("saved %s", path)


def unipen_digit(label: int, index: int = 0) -> list[np.ndarray]:
    z = np.load(dirs.data_dir() / "unipen-digits-dev.npz")
    points, so, go = z["points"], z["stroke_offsets"], z["sample_offsets"]
    i = int(np.flatnonzero(z["labels"] == label)[index])
    strokes = [points[so[j]:so[j + 1]] for j in range(go[i], go[i + 1])]
    every = np.concatenate(strokes)
    scale = 190 / max(float(np.ptp(every[:, 0])), float(np.ptp(every[:, 1])))
    centre = (every.min(axis=0) + every.max(axis=0)) / 2
    return [(s - centre) * scale + 140 for s in strokes]


def draw(app: App, strokes: list[np.ndarray]) -> None:
    canvas, scale = app.pad.canvas, app.pad.scale
    for stroke in strokes:
        xy = [(round(x * scale), round(y * scale)) for x, y in stroke]
        canvas.event_generate("<ButtonPress-1>", x=xy[0][0], y=xy[0][1])
        for x, y in xy[1:]:
            canvas.event_generate("<B1-Motion>", x=x, y=y, state=256)
        canvas.event_generate("<ButtonRelease-1>", x=xy[-1][0], y=xy[-1][1], state=256)
        app.root.update()


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    app = build_app()
    app.root.geometry("+20+20")
    settle(app)
    grab(folder / "idle.png", app.root)
    draw(app, unipen_digit(4, 23))
    settle(app)
    grab(folder / "digit.png", app.root)
    dialog = app.open_retrain(extra={"limit": 30000, "test_limit": 2000})
    dialog.form.epochs.set("4")
    dialog.geometry(f"+{app.root.winfo_rootx() + app.root.winfo_width() + MARGIN}+20")
    dialog.start()
    while len(dialog.plot.epochs) < 2 and not dialog.outcome:
        settle(app, 0.1)
    settle(app, 0.8)
    grab(folder / "retraining.png", app.root, dialog)
    dialog.close()
    settle(app, 2.0)
    app.quit()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    with tempfile.TemporaryDirectory(prefix="digitpad-shots-") as home:
        os.environ["DIGITPAD_HOME"] = home  # never the real user folder
        main(target)
    from digitpad.gui import screenshots_teach

    screenshots_teach.main(target)
