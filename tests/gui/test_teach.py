"""Knowing when it is not sure, and teaching: the answer card's verdict, pads too small to
read, "It was: 0 … 9" and Ctrl+digit keeping a drawing, and the retrain form's option."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from digitpad.drawings import DrawingStore
from digitpad.gui import theme
from digitpad.nets import SPECS, VOTE
from digitpad.preprocess import rasterize, to_mnist
from digitpad.reading import Reading, readings

from .conftest import Harness

pytestmark = pytest.mark.gui

CIRCLE = [(140 + 70 * math.cos(t / 24 * 2 * math.pi), 140 + 90 * math.sin(t / 24 * 2 * math.pi))
          for t in range(25)]
CONTROL = 4  # the event state of the Control key


def probs(**by_digit: float) -> np.ndarray:
    """Ten probabilities: the given ones (``d4=0.55``), the rest sharing what is left."""
    p = np.zeros(10, np.float32)
    for key, value in by_digit.items():
        p[int(key[1:])] = value
    rest = [d for d in range(10) if p[d] == 0]
    p[rest] = (1 - p.sum()) / len(rest)
    return p


def answer(gui: Harness, monkeypatch: pytest.MonkeyPatch, every: np.ndarray,
           per_net: dict[str, np.ndarray] | None = None) -> None:
    """Make each net say ``per_net`` (default: all four say ``every``), then draw; what the
    selected net or the vote makes of it is the real reading rule's."""
    members = per_net or {n: every for n in ("B1", "B2", "B3", "B4")}

    def predict(_image: np.ndarray, name: str) -> Reading:
        return readings({n: p[None] for n, p in members.items()}, name)[0]

    monkeypatch.setattr(gui.app.predictor, "predict", predict)
    gui.stroke(CIRCLE)


def card(gui: Harness) -> tuple[str, str, str]:
    result = gui.app.result
    doubt = result.doubt.winfo_ismapped()
    return (str(result.digit.cget("text")).strip() + ("?" if doubt else ""),
            str(result.probability.cget("text")), str(result.digit.cget("foreground")))


def test_an_ambiguous_answer_says_not_sure(gui: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(gui, monkeypatch, probs(d4=0.55, d9=0.40))
    assert card(gui) == ("4?", "not sure: 4 or 9?", theme.HINT)
    assert gui.app.prediction is not None and not gui.app.prediction.sure
    assert str(gui.app.result.probability.cget("foreground")) == theme.WARNING


def test_a_confident_answer_is_shown_plainly(gui: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    gui.key("1")  # the app starts on the vote
    answer(gui, monkeypatch, probs(d7=0.97))
    assert card(gui) == ("7", "97.0%", SPECS["B1"].colour)


def test_the_vote_is_not_sure_when_the_nets_disagree(gui: Harness,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sure4, sure9 = probs(d4=0.99), probs(d9=0.99)
    gui.key("v")
    answer(gui, monkeypatch, sure4, {"B1": sure4, "B2": sure4, "B3": sure4, "B4": sure9})
    assert card(gui)[:2] == ("4?", "not sure: 4 or 9?")  # 3 of 4 nets agree: less than 80%
    answer(gui, monkeypatch, probs(d4=0.92, d9=0.07))
    assert card(gui) == ("4", "92.0%", theme.VOTE_COLOUR)
    answer(gui, monkeypatch, probs(d4=0.87, d9=0.12))
    assert card(gui)[:2] == ("4?", "not sure: 4 or 9?")  # all agree, but the vote is below 88%


@pytest.mark.parametrize("points", [[(140.0, 140.0)], [(140.0, 140.0), (150.0, 148.0)]],
                         ids=["dot", "tiny scribble"])
def test_a_pad_too_small_to_read_predicts_nothing(gui: Harness, points: list[tuple[float, float]]) -> None:
    gui.stroke(points)
    app = gui.app
    assert app.prediction is None
    assert app.preview.image is None
    assert app.chart is not None and app.chart.slices == []
    assert card(gui)[:2] == ("", "draw it larger")
    assert all(b.instate(["disabled"]) for b in app.teach_row.buttons)


def test_an_empty_pad_shows_the_hint(gui: Harness) -> None:
    assert card(gui)[:2] == ("", "draw a digit")
    assert all(b.instate(["disabled"]) for b in gui.app.teach_row.buttons)


def stored() -> list:  # type: ignore[type-arg]
    store = DrawingStore()
    try:
        return store.all()
    finally:
        store.close()


def test_it_was_button_keeps_the_drawing_and_clears_the_pad(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    app = gui.app
    strokes = [list(s) for s in app.pad.strokes]
    seen = to_mnist(rasterize(strokes))
    expected = app.predictor.predict(seen, VOTE)
    assert expected is not None
    app.teach_row.buttons[4].invoke()
    gui.pump()
    (drawing,) = stored()
    assert drawing.label == 4
    np.testing.assert_allclose(drawing.strokes, [[list(p) for p in s] for s in strokes], atol=0.01)
    np.testing.assert_allclose(drawing.image, seen, atol=1 / 255)
    assert set(drawing.predictions) == {"B1", "B2", "B3", "B4", VOTE}
    for name, p in expected.per_net.items():
        np.testing.assert_allclose(drawing.predictions[name], p, atol=1e-5)
    np.testing.assert_allclose(drawing.predictions[VOTE], expected.probabilities, atol=1e-5)
    assert app.pad.is_empty and app.prediction is None
    message = app.status.text
    assert "Saved as a 4 — 1 drawing;" in message and "clear" in message


def test_control_digit_keeps_the_drawing_and_does_not_choose_a_net(gui: Harness) -> None:
    gui.key("2")
    gui.stroke(CIRCLE)
    gui.key("8", state=CONTROL)
    gui.stroke(CIRCLE)
    gui.key("1", state=CONTROL)
    assert [d.label for d in stored()] == [8, 1]
    assert gui.app.selected.get() == "B2"
    assert "Saved as a 1 — 2 drawings" in gui.app.status.text


def test_nothing_to_keep_on_an_empty_pad(gui: Harness) -> None:
    gui.key("3", state=CONTROL)
    assert stored() == []
    assert "Draw a digit first" in gui.app.status.text


def test_retrain_form_offers_my_drawings(gui: Harness) -> None:
    form = gui.app.open_retrain().form
    gui.pump()
    assert form.mine_check.instate(["disabled"]) and not form.mine.get()
    assert "No saved drawings yet" in str(form.mine_note.cget("text"))
    assert form.options().my_drawings == 0
    gui.stroke(CIRCLE)
    gui.key("5", state=CONTROL)  # the open dialog follows
    assert form.mine_check.instate(["!disabled"]) and form.mine.get()
    assert "1 saved drawing" in str(form.mine_note.cget("text"))
    form.mine_repeat.set("50")
    options = form.options()
    assert options.my_drawings == 50
    argv = options.argv(Path("new.npz"))
    assert argv[argv.index("--my-drawings") + 1] == "50"
    form.mine_check.invoke()  # untick
    assert form.options().my_drawings == 0 and form.mine_spin.instate(["disabled"])
    form.mine_check.invoke()
    form.mine_repeat.set("lots")
    with pytest.raises(ValueError, match="repeat"):
        form.options()
