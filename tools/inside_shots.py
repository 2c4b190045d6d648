"""The README's shots of Network > Look inside... (made by ``tools/screenshots.py``).

* ``inside-b4.png``: B4 reading the pen-drawn 4, a first-layer neuron clicked (its 784
  incoming weights as a 28x28 picture), the why-map;
* ``inside-off.png``: the same with that answer's strongest last-layer neuron switched
  off, the main window's answer and chart following;
* ``inside-k1.png``: K1's feature maps and dense head; ``inside-vote.png``: the vote.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitpad.gui.app import App
    from digitpad.gui.inside import InsideWindow

log = logging.getLogger("screenshots")

SHOTS = ("inside-b4", "inside-off", "inside-k1", "inside-vote")


def look_inside(app: App, folder: Path, names: set[str], strokes: list[np.ndarray]) -> None:
    """Make the shots of :data:`SHOTS` that are in ``names``, the window beside the app."""
    from digitpad.gui import inside
    from tools import screenshots

    app.clear()
    screenshots.draw(app, strokes)
    window = inside.open_for(app)
    screenshots.beside(app, window)
    for net, name in (("B4", "inside-b4"), ("K1", "inside-k1"), ("vote", "inside-vote"),
                      ("B4", "inside-off")):
        app.select(net)
        screenshots.settle(app)
        if name == "inside-b4":
            window.mlp_view.select(1, _strongest_first_layer(window))
        elif name == "inside-off":
            switch_off_strongest(window)
        screenshots.settle(app, 0.6)
        if name in names:
            screenshots.grab(folder / f"{name}.png", app.root, window)
    window.close()
    screenshots.settle(app)


def _strongest_first_layer(window: InsideWindow) -> int:
    trace = window.mlp_view.trace
    assert trace is not None
    return int(np.argmax(trace.acts[1]))


def switch_off_strongest(window: InsideWindow) -> None:
    """Click the last hidden layer's strongest link into the answer, then Switch off."""
    from digitpad.inside import mlp as mlp_inside

    view = window.mlp_view
    assert view.net is not None and view.trace is not None
    answer = int(np.argmax(view.trace.acts[-1]))
    last = len(view.net.sizes) - 2
    strongest = max((link for link in mlp_inside.links(view.net, view.trace, answer)
                     if link.layer == last), key=lambda link: link.strength)
    view.select(last, strongest.source)
    view.detail.button.invoke()
