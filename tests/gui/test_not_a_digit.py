"""A letter drawn on the pad: "that doesn't look like a digit", the chart faded, the nets'
guesses still in the per-net row, and teaching it as a digit still works."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from digitpad import drawn, notdigit
from digitpad.drawings import DrawingStore
from digitpad.gui import theme
from tests.conftest import SHARED_DATA
from tests.gui.conftest import Harness

LETTERS = SHARED_DATA / "unipen-letters-dev.npz"
pytestmark = pytest.mark.skipif(not LETTERS.is_file(), reason="unipen-letters-dev.npz is not here")


def held_out_letter(letter: str) -> list[list[tuple[float, float]]]:
    """The first held-out writer's ``letter`` that the check rejects, as pad strokes."""
    data = drawn.load(LETTERS)
    mask = (data.labels == ord(letter)) & drawn.held_out_writers(data.writers)
    rng = np.random.default_rng(0)
    for i in data.subset(mask):
        strokes = drawn.place(data.strokes(i), rng, height=(0.6, 0.6))
        from digitpad.preprocess import rasterize, to_mnist
        from digitpad.reading import read

        if read(to_mnist(rasterize(strokes))).not_a_digit:  # type: ignore[union-attr]
            return [[(float(x), float(y)) for x, y in s] for s in strokes]
    raise AssertionError(f"no held-out {letter} is rejected")


@pytest.fixture
def app_with_letter(real_weights: Path, make_harness: Callable[[], Harness]) -> Harness:
    gui = make_harness()
    for stroke in held_out_letter("H"):
        gui.stroke(stroke)
    gui.wait_for(lambda: gui.app.prediction is not None, 20, "a reading")
    return gui


def test_a_letter_shows_the_not_a_digit_state(app_with_letter: Harness) -> None:
    app = app_with_letter.app
    reading = app.prediction
    assert reading is not None and reading.not_a_digit and not reading.sure
    assert app.result.probability.cget("text") == notdigit.NOT_A_DIGIT
    assert app.result.digit.cget("text") == "✗"
    chart = app.ensure_chart()
    app_with_letter.pump()
    assert chart.greyed and chart.centre.get_text() == "not a digit"
    assert all(w.get_alpha() is not None and w.get_alpha() < 1 for w in chart.wedges)
    # each net's own guess is still shown
    for name, (_title, answer) in app.answers.cells.items():
        guess = int(np.argmax(reading.per_net[name]))
        assert answer.cget("text").startswith(str(guess)), name
    assert str(app.result.probability.cget("foreground")) == theme.WARNING


def test_a_letter_can_still_be_taught_as_a_digit(app_with_letter: Harness) -> None:
    app = app_with_letter.app
    app.teach_row.buttons[4].invoke()  # the user is always right
    app_with_letter.pump()
    store = DrawingStore()
    try:
        (drawing,) = store.all()
    finally:
        store.close()
    assert drawing.label == 4
    assert app.pad.is_empty


def test_a_digit_after_the_letter_clears_the_state(app_with_letter: Harness) -> None:
    gui = app_with_letter
    gui.app.clear()
    gui.stroke([(140.0, 60.0), (141.0, 140.0), (142.0, 220.0)])  # a plain 1
    gui.wait_for(lambda: gui.app.prediction is not None, 20, "a reading")
    reading = gui.app.prediction
    assert reading is not None and not reading.not_a_digit and reading.digit == 1
    chart = gui.app.ensure_chart()
    gui.pump()
    assert not chart.greyed


def test_a_dash_on_the_pad_is_not_a_digit(real_weights: Path, make_harness: Callable[[], Harness]) -> None:
    gui = make_harness()
    gui.stroke([(60.0, 150.0), (120.0, 146.0), (180.0, 148.0), (230.0, 152.0)])
    gui.wait_for(lambda: gui.app.prediction is not None, 20, "a reading")
    reading = gui.app.prediction
    assert reading is not None and reading.not_a_digit and reading.reason == notdigit.NOT_A_DIGIT
    assert gui.app.result.probability.cget("text") == notdigit.NOT_A_DIGIT
    assert all(int(np.argmax(p)) == 1 for p in reading.per_net.values())  # why a rule is needed
