"""The whole loop: the nets misread a drawing, the user says what it was, the net is
retrained from the dialog with the user's drawings included, and now reads it right."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from digitpad.drawings import DrawingStore

from .conftest import Harness

pytestmark = pytest.mark.gui

# a filled-in box, drawn as a zigzag: no digit, so the nets read anything
FILLED_BOX = [(90.0 if (y // 8) % 2 == 0 else 190.0, float(y)) for y in range(80, 200, 4)]


@pytest.mark.slow
def test_teach_then_retrain_with_my_drawings(gui: Harness, mnist_available: Path) -> None:
    if subprocess.run([sys.executable, "-m", "digitpad", "train", "--help"],
                      capture_output=True, timeout=60).returncode != 0:
        pytest.skip("'digitpad train' is not available")
    app = gui.app
    gui.key("1")  # the app starts on the vote; this is B1's lesson
    gui.stroke(FILLED_BOX)
    assert app.prediction is not None and app.selected.get() == "B1"
    label = 7 if app.prediction.digit != 7 else 2  # B1 misreads it
    app.teach_row.buttons[label].invoke()
    gui.pump()
    (drawing,) = DrawingStore().all()
    assert drawing.label == label and drawing.predicted("B1") != label

    dialog = app.open_retrain(extra={"limit": 1200, "test_limit": 500})
    gui.pump()
    form = dialog.form
    assert form.mine.get(), "offered, and ticked, once there are drawings"
    form.mine_repeat.set("200")
    form.epochs.set("3")
    form.augment.set("none")
    dialog.start()
    assert dialog.job is not None
    assert dialog.job.argv[dialog.job.argv.index("--my-drawings") + 1] == "200"
    gui.wait_for(lambda: dialog.outcome != "", 120, "the training to finish")
    assert dialog.outcome == "done", dialog.message.cget("text")
    dialog.accept()
    gui.pump()
    assert app.predictor.nets["B1"].meta["path"] == str(dialog.job.out.resolve())

    result = app.predictor.predict(drawing.image, "B1")
    assert result is not None and result.digit == label
    gui.stroke(FILLED_BOX)  # drawn again, it is read as what the user said
    assert app.prediction is not None and app.prediction.digit == label
