"""The main window, built in-process and driven with generated mouse and key events."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from digitpad.gui.chart import gather
from digitpad.nets import SPECS, VOTE
from digitpad.preprocess import rasterize, to_mnist
from digitpad.reading import percent

from .conftest import Harness

pytestmark = pytest.mark.gui

VERTICAL = [(140.0, float(y)) for y in range(50, 236, 5)]
CIRCLE = [(140 + 70 * math.cos(t / 24 * 2 * math.pi), 140 + 90 * math.sin(t / 24 * 2 * math.pi))
          for t in range(25)]


def shown_digit(gui: Harness) -> str:
    return str(gui.app.result.digit.cget("text")).strip()


def test_vertical_stroke_is_read_as_one(real_weights: object,
                                        make_harness: Callable[[], Harness]) -> None:
    gui = make_harness()
    gui.stroke(VERTICAL)
    assert shown_digit(gui) == "1"
    assert gui.app.prediction is not None and gui.app.prediction.digit == 1
    gui.key("v")
    assert shown_digit(gui) == "1", "the vote of all nets"


def test_hidpi_screen_gets_a_bigger_pad_and_the_same_strokes(
        random_weights: object, make_harness: Callable[..., Harness]) -> None:
    normal, hidpi = make_harness(scaling=96 / 72), make_harness(scaling=2 * 96 / 72)
    assert hidpi.app.scale == 2.0 and normal.app.scale == 1.0
    # about twice as large (fonts do not scale exactly, and the pad is as tall as the card)
    ratio = int(hidpi.app.pad.canvas.cget("width")) / int(normal.app.pad.canvas.cget("width"))
    assert 1.85 < ratio < 2.1
    for gui in (normal, hidpi):
        gui.stroke(CIRCLE)
    # the same logical points, to within each pad's rounding to its screen pixels
    rounding = 0.5 / normal.app.pad.scale + 0.5 / hidpi.app.pad.scale
    np.testing.assert_allclose(hidpi.app.pad.strokes[0], normal.app.pad.strokes[0], atol=rounding)
    assert hidpi.app.prediction is not None and normal.app.prediction is not None
    assert hidpi.app.prediction.digit == normal.app.prediction.digit


def test_empty_pad_shows_hint_and_predicts_nothing(gui: Harness) -> None:
    pad = gui.app.pad
    assert pad.is_empty
    assert pad.hint_visible
    assert gui.app.prediction is None
    assert shown_digit(gui) == ""
    assert gui.app.preview.image is None
    assert gui.app.chart is not None and gui.app.chart.slices == []


def test_a_stroke_predicts_and_hides_the_hint(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    app = gui.app
    assert app.prediction is not None
    assert shown_digit(gui) == str(app.prediction.digit)
    verdict = app.prediction
    expected = percent(verdict.probability) if verdict.sure else verdict.text
    assert app.result.probability.cget("text") == expected
    assert not app.pad.hint_visible
    assert len(app.pad.strokes) == 1 and len(app.pad.strokes[0]) == len(CIRCLE)


def test_prediction_is_throttled_while_drawing(gui: Harness) -> None:
    gui.stroke(CIRCLE[:10], release=False)
    assert gui.app.prediction is None  # nothing yet: throttled
    gui.wait_for(lambda: gui.app.prediction is not None, 2.0, "a prediction while drawing")


@pytest.mark.parametrize("how", ["button", "menu", "Escape", "Delete"])
def test_clear(gui: Harness, how: str) -> None:
    gui.stroke(CIRCLE)
    gui.stroke(VERTICAL)  # two strokes: an Undo in Clear's place would leave one
    if how == "button":
        gui.app.clear_button.invoke()
    elif how == "menu":
        edit = gui.app.menus["edit"]
        edit.invoke(_entry(edit, "Clear pad"))
    else:
        gui.key(how)
    gui.pump()
    assert gui.app.pad.is_empty
    assert gui.app.prediction is None
    assert gui.app.pad.canvas.find_withtag("stroke") == ()
    assert shown_digit(gui) == ""


@pytest.mark.parametrize("how", ["button", "menu", "keys"])
def test_undo_removes_the_last_stroke(gui: Harness, how: str) -> None:
    gui.stroke(CIRCLE)
    gui.stroke(VERTICAL)
    two_strokes = gui.app.preview.image
    assert len(gui.app.pad.strokes) == 2
    if how == "button":
        gui.app.undo_button.invoke()  # a Clear in Undo's place would leave none
    elif how == "menu":
        edit = gui.app.menus["edit"]
        edit.invoke(_entry(edit, "Undo stroke"))
    else:
        gui.key("z", state=4)  # Control
    gui.pump()
    assert len(gui.app.pad.strokes) == 1
    assert gui.app.preview.image is not None and two_strokes is not None
    assert not np.array_equal(gui.app.preview.image, two_strokes)
    expected = to_mnist(rasterize(gui.app.pad.strokes))
    np.testing.assert_allclose(gui.app.preview.image, expected, atol=1e-6)
    gui.app.undo_button.invoke()
    gui.pump()
    assert gui.app.pad.is_empty and gui.app.prediction is None


@pytest.mark.parametrize("name", [*SPECS, VOTE])
def test_each_net_button(gui: Harness, name: str) -> None:
    gui.stroke(CIRCLE)
    app = gui.app
    button = app.net_buttons.buttons[name]
    if name == "K1":  # no K1 weights in this test's folder
        assert button.instate(["disabled"])
        return
    button.invoke()
    gui.pump()
    assert app.selected.get() == name
    assert ".On." in str(button.cget("style"))
    others = [b for n, b in app.net_buttons.buttons.items() if n != name]
    assert all(".Off." in str(b.cget("style")) for b in others)
    assert app.prediction is not None and app.prediction.net == name
    status = app.status.net_text
    if name == VOTE:
        expected = np.mean([app.prediction.per_net[n] for n in app.predictor.nets], axis=0)
        np.testing.assert_allclose(app.prediction.probabilities, expected, atol=1e-6)
        assert "mean" in status
    else:
        assert status == app.predictor.nets[name].describe()
        assert "784-" in status and "random (test)" in status
        np.testing.assert_allclose(app.prediction.probabilities, app.prediction.per_net[name])


@pytest.mark.parametrize(("keysym", "name"), [("1", "B1"), ("2", "B2"), ("3", "B3"),
                                              ("4", "B4"), ("v", VOTE), ("V", VOTE)])
def test_keys_select_nets(gui: Harness, keysym: str, name: str) -> None:
    gui.key(keysym)
    assert gui.app.selected.get() == name


def test_missing_net_cannot_be_selected(gui: Harness) -> None:
    gui.key("2")
    gui.key("5")  # K1 has no weights here
    assert gui.app.selected.get() == "B2"
    assert "K1" in gui.app.status.text


def test_chart_wedges_and_labels_match_the_probabilities(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    app = gui.app
    chart = app.chart
    assert chart is not None and app.prediction is not None
    slices = gather(app.prediction.probabilities)
    assert chart.slices == slices
    assert sum(s.value for s in slices) == pytest.approx(1.0, abs=1e-6)
    assert len(chart.wedges) == len(slices) == len(chart.labels)
    for wedge, label, part in zip(chart.wedges, chart.labels, slices):
        assert (wedge.theta2 - wedge.theta1) / 360 == pytest.approx(part.value, abs=1e-4)
        text = label.get_text()
        if part.value < 0.01:
            assert text == ""
        elif part.label == "other":
            assert text == "other"
        else:
            digit = int(part.label)
            assert text == f"{digit}  {percent(float(app.prediction.probabilities[digit]))}"
            assert wedge.get_facecolor()[:3] == pytest.approx(_rgb(part.colour), abs=1e-3)
    assert slices[0].label == str(app.prediction.digit)


def test_preview_is_what_the_nets_read(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    gui.stroke([(60, 60), (220, 220)])
    expected = to_mnist(rasterize(gui.app.pad.strokes))
    assert gui.app.preview.image is not None
    np.testing.assert_allclose(gui.app.preview.image, expected, atol=1e-6)
    shown = np.asarray(gui.app.preview.render(expected, 28))  # one screen pixel per input pixel
    brightest = np.unravel_index(np.argmax(expected), expected.shape)
    assert shown[brightest].tolist() == [255, 255, 255]


def test_every_nets_answer_is_shown(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    app = gui.app
    assert app.prediction is not None
    for name, (_title, answer) in app.answers.cells.items():
        text = str(answer.cget("text"))
        if name in app.prediction.per_net:
            digit = int(np.argmax(app.prediction.per_net[name]))
            assert text.startswith(f"{digit} ")
        else:
            assert text == "n/a"


def test_strokes_are_in_logical_pixels(gui: Harness) -> None:
    gui.stroke([(10, 20), (270, 260)])
    start, end = gui.app.pad.strokes[0][0], gui.app.pad.strokes[0][-1]
    assert start == pytest.approx((10, 20), abs=1.0)
    assert end == pytest.approx((270, 260), abs=1.0)


def test_a_failing_callback_fails_the_test(gui: Harness) -> None:
    from .conftest import TkCallbackError

    def broken() -> None:
        raise RuntimeError("boom")

    gui.root.after(0, broken)
    with pytest.raises(TkCallbackError, match="boom"):
        gui.pump(0.05)


def _entry(menu: object, label: str) -> int:
    """The index of the entry called ``label`` in ``menu``."""
    end = menu.index("end")  # type: ignore[attr-defined]
    labels = [menu.entrycget(i, "label") if menu.type(i) != "separator" else ""  # type: ignore[attr-defined]
              for i in range(end + 1)]
    return labels.index(label)


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
