"""The README's shots of Network > How good is it?... (made by ``tools/screenshots.py``).

* ``quality-k1.png``: K1 on the MNIST test set (its confusion matrix, its most confident
  mistakes, its learning curves), the surest mistake clicked and on the pad;
* ``quality-test-digit.png``: B1, whose weights file kept no curves (the window says so),
  after "Give me a test digit" put a pen-drawn digit by an unseen writer on the pad.

Reading the 10,000 test digits with five nets takes a minute on a 2-core machine the
first time (the shots run in a fresh user folder, so there is no cache).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitpad.gui.app import App
    from digitpad.gui.quality import QualityWindow

log = logging.getLogger("screenshots")

SHOTS = ("quality-k1", "quality-test-digit")
TIMEOUT_S = 600


def wait(app: App, done: object, what: str) -> None:
    """Run Tk until ``done()`` is true (the window computes in the background)."""
    from tools import screenshots

    end = time.monotonic() + TIMEOUT_S
    while not done():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError(f"{what}: not done after {TIMEOUT_S} s")
        screenshots.settle(app, 0.1)


def how_good(app: App, folder: Path, names: set[str]) -> None:
    """Make the shots of :data:`SHOTS` that are in ``names``, the window beside the app."""
    from digitpad.gui import quality
    from tools import screenshots

    app.clear()
    window = quality.open_for(app)
    screenshots.beside(app, window)
    wait(app, lambda: window.shown is not None, "the MNIST test set")
    window.net.set("K1")
    window.show()
    wait(app, lambda: not window.working, "K1's figures")  # drawn off the Tk thread
    first = window.mistakes.ids[0]
    window.mistakes.select(first)
    screenshots.settle(app, 0.6)
    if "quality-k1" in names:
        screenshots.grab(folder / "quality-k1.png", app.root, window)
    _test_digit(app, window)
    if "quality-test-digit" in names:
        screenshots.grab(folder / "quality-test-digit.png", app.root, window)
    window.destroy()
    app.select("vote")
    screenshots.settle(app)


def _test_digit(app: App, window: QualityWindow) -> None:
    from tools import screenshots

    window.net.set("B1")
    window.show()
    wait(app, lambda: not window.working, "B1's figures")
    window.source.set("pen")
    window.rng = np.random.default_rng(4)
    window.test_digit = None
    window.give_test_digit()
    wait(app, lambda: window.test_digit is not None, "a test digit")
    screenshots.settle(app, 0.6)
