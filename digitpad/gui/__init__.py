"""The desktop app: draw a digit, and the nets say which one it is.

``run_app(verbose)`` opens the window and runs until it is closed; ``build_app()``
builds the whole app without running the main loop (tests pump it with ``update``).
Importing this package is cheap: Tk, matplotlib and the nets load when the app is built.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tkinter as tk

    from digitpad.gui.app import App

log = logging.getLogger(__name__)

__all__ = ["build_app", "run_app"]

# How often a thread running Python hands the GIL on. Python's 5 ms made every Tcl call of
# the Tk thread wait up to 5 ms for a worker drawing figures (How good is it?: a click took
# 5-20 ms just to start its worker); at 1 ms the Tk thread gets it back within a slice.
SWITCH_INTERVAL_S = 0.001


def build_app(root: tk.Tk | None = None, chart: bool = True) -> App:
    """The app in ``root`` (a new Tk by default). ``chart``: build the chart now; otherwise
    it is built once matplotlib has been imported in the background."""
    import tkinter as tk

    from digitpad.gui.app import App

    sys.setswitchinterval(SWITCH_INTERVAL_S)
    app = App(root or tk.Tk(className="digitpad"))
    if chart:
        app.ensure_chart()
    return app


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    for noisy in ("matplotlib", "PIL"):  # their debug output drowns ours
        logging.getLogger(noisy).setLevel(logging.INFO)


def run_app(verbose: bool = False) -> int:
    """Open the window; returns the exit status when it is closed."""
    started = time.perf_counter()
    setup_logging(verbose)
    app = build_app(chart=False)
    app.root.update()  # on screen now; the chart follows once matplotlib is imported
    log.debug("window shown %.3f s after run_app; tensorflow loaded: %s",
              time.perf_counter() - started, "tensorflow" in __import__("sys").modules)
    app.load_chart_in_background()
    app.root.mainloop()
    return 0
