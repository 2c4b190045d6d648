"""Screenshots of Train > Teach it my handwriting... (for the README and for checking it).

    python3 tools/adapt_shots.py [OUTDIR]      (OUTDIR: docs/screenshots)

In a temporary user folder it teaches 3 pen-drawn digits of each digit (UNIPEN, drawn on
the pad as a user would), then makes, the window beside the main one:

* ``adapting.png``: the progress bar and Cancel while the nets adapt;
* ``adapting-offer.png``: the before/after table and the question;
* ``adapted.png``: the main window after "Use them", the nets marked as adapted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tools/
from tools import screenshots  # noqa: E402
from tools.xvfb import x_display  # noqa: E402

log = logging.getLogger("screenshots")

PER_DIGIT = 3


def wait(app: object, condition: object, seconds: float) -> None:
    from digitpad.gui.app import App

    assert isinstance(app, App) and callable(condition)
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        screenshots.settle(app, 0.05)


def take(folder: Path) -> None:
    from digitpad.gui import adapting, build_app, teach

    folder.mkdir(parents=True, exist_ok=True)
    app = build_app()
    app.root.geometry("+20+20")
    screenshots.settle(app, 1.0)
    try:
        for label in range(10):
            for index in range(PER_DIGIT):
                app.clear()
                screenshots.draw(app, screenshots.unipen_digit(label, index))
                teach.save_as(app, label)
        app.clear()
        teaching = adapting.start(app)
        assert teaching is not None
        screenshots.beside(app, teaching.dialog)
        wait(app, lambda: teaching.dialog.fraction > 0.3, 120)
        screenshots.grab(folder / "adapting.png", app.root, teaching.dialog)
        wait(app, lambda: teaching.dialog.state_ == "offered", 300)
        screenshots.settle(app)
        screenshots.grab(folder / "adapting-offer.png", app.root, teaching.dialog)
        assert teaching.dialog.use_button is not None
        teaching.dialog.use_button.invoke()
        wait(app, lambda: id(app) not in adapting._running, 60)
        app.select("vote")
        screenshots.draw(app, screenshots.unipen_digit(*screenshots.PEN_FOUR))
        screenshots.settle(app, 1.0)
        screenshots.grab(folder / "adapted.png", app.root)
    finally:
        app.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory(prefix="digitpad-shots-") as home, x_display(screenshots.SCREEN):
        os.environ["DIGITPAD_HOME"] = home
        take(args.outdir.resolve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
