"""The main window as a window: its size (smallest, first, large) with everything shown
and the pad square, the status bar's messages, how probabilities are written, and the
net it starts on."""

from __future__ import annotations

import math
import tkinter as tk
from collections.abc import Callable

import numpy as np
import pytest

from digitpad import settings
from digitpad.gui import layout
from digitpad.nets import VOTE
from digitpad.preprocess import rasterize, to_mnist
from digitpad.reading import Reading, readings

from .conftest import Harness

pytestmark = pytest.mark.gui

CIRCLE = [(140 + 70 * math.cos(t / 24 * 2 * math.pi), 140 + 90 * math.sin(t / 24 * 2 * math.pi))
          for t in range(25)]
SCALINGS = {"96 dpi": 96 / 72, "HiDPI": 2 * 96 / 72}


def shown_widgets(root: tk.Misc) -> list[tk.Misc]:
    """Every widget of the main window that a geometry manager is asked to show."""
    found: list[tk.Misc] = []
    for child in root.winfo_children():
        if isinstance(child, (tk.Toplevel, tk.Menu)) or not child.winfo_manager():
            continue
        found.append(child)
        found.extend(shown_widgets(child))
    return found


def box(widget: tk.Misc) -> tuple[int, int, int, int]:
    x, y = widget.winfo_rootx(), widget.winfo_rooty()
    return x, y, x + widget.winfo_width(), y + widget.winfo_height()


def assert_nothing_cut(gui: Harness) -> None:
    """Every widget is mapped, and inside its parent and the window."""
    window = box(gui.root)
    widgets = shown_widgets(gui.root)
    assert len(widgets) > 50
    for widget in widgets:
        assert widget.winfo_ismapped(), f"{widget} is not shown"
        for outer in (window, box(widget.master)):  # type: ignore[arg-type]
            inner = box(widget)
            assert (inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2]
                    and inner[3] <= outer[3]), f"{widget} {inner} is cut by {outer}"


def resize(gui: Harness, width: int, height: int) -> None:
    gui.root.geometry(f"{width}x{height}")
    gui.wait_for(lambda: (gui.root.winfo_width(), gui.root.winfo_height()) ==
                 (max(width, gui.root.minsize()[0]), max(height, gui.root.minsize()[1])),
                 10, f"the window at {width}x{height}")
    side = gui.app.pad.pixels
    gui.wait_for(lambda: gui.app.square.room() <= side or gui.app.pad.pixels != side, 10,
                 "the pad to fit")
    gui.pump(0.05)


def assert_square(gui: Harness) -> int:
    canvas = gui.app.pad.canvas
    assert canvas.winfo_width() == canvas.winfo_height() == gui.app.pad.pixels
    return canvas.winfo_width()


@pytest.mark.parametrize("scaling", SCALINGS.values(), ids=SCALINGS.keys())
def test_smallest_first_and_large_window_show_everything_and_the_pad_grows(
        random_weights: object, make_harness: Callable[..., Harness], scaling: float) -> None:
    gui = make_harness(scaling=scaling)
    gui.stroke(CIRCLE)
    assert_nothing_cut(gui)
    first = assert_square(gui)
    assert first >= round(280 * gui.app.scale)

    resize(gui, 620, 420)  # the size at which the old window lost its bottom rows
    smallest = gui.root.minsize()
    assert (gui.root.winfo_width(), gui.root.winfo_height()) == smallest
    assert_nothing_cut(gui)
    assert assert_square(gui) >= round(layout.MIN_PAD * gui.app.scale)

    big = (round(smallest[0] * 1.5), round(smallest[1] * 1.5))
    resize(gui, *big)
    assert_nothing_cut(gui)
    large = assert_square(gui)
    assert large > 1.3 * first
    chart = gui.app.chart
    assert chart is not None
    # matplotlib scales the dpi by the screen's pixel ratio itself: text as large as Tk's
    assert chart.figure.dpi == pytest.approx(100 * gui.app.scale, rel=0.05)
    assert chart.widget.winfo_width() * chart.widget.winfo_height() > 1.5 * (
        layout.CHART_SIZE[0] * layout.CHART_SIZE[1] * gui.app.scale ** 2)
    assert len(gui.app.pad.strokes) == 1  # resizing kept the stroke as drawn
    np.testing.assert_allclose(gui.app.pad.strokes[0], CIRCLE, atol=0.51)


def test_a_stroke_on_a_large_pad_is_the_same_image(random_weights: object,
                                                   make_harness: Callable[..., Harness]) -> None:
    normal, large = make_harness(), make_harness()
    side = normal.app.pad.pixels
    # as much taller as the pad is high, and wide enough: the pad twice as large
    resize(large, 3 * large.root.winfo_width(), large.root.winfo_height() + side)
    assert large.app.pad.pixels == 2 * side
    normal.stroke(CIRCLE)
    # the same screen points, twice as far apart: the same movement of the pen
    large.stroke(normal.app.pad.strokes[0])
    assert large.app.pad.strokes == normal.app.pad.strokes
    images = [to_mnist(rasterize(gui.app.pad.strokes)) for gui in (normal, large)]
    assert np.array_equal(images[0], images[1])
    assert large.app.prediction is not None and normal.app.prediction is not None
    np.testing.assert_array_equal(large.app.prediction.probabilities,
                                  normal.app.prediction.probabilities)


def test_the_drawing_is_redrawn_when_the_pad_grows(gui: Harness) -> None:
    gui.stroke(CIRCLE)
    canvas = gui.app.pad.canvas
    before = canvas.bbox("stroke")
    resize(gui, 1600, 1100)
    after = canvas.bbox("stroke")
    assert (after[2] - after[0]) > 1.5 * (before[2] - before[0])
    assert len(canvas.find_withtag("stroke")) == 2  # the start dot and the line


def test_status_messages_expire_and_errors_stay_until_replaced(gui: Harness) -> None:
    status = gui.app.status
    status.lifetimes = {"info": 50, "success": 50, "warning": 100, "error": None}
    for kind in ("info", "success", "warning"):
        status.say(f"a {kind}", kind)
        assert status.text == f"a {kind}" and str(status.message.cget("text")) == f"a {kind}"
        gui.wait_for(lambda: status.text == "", 10, f"the {kind} to expire")
        assert str(status.message.cget("text")) == ""
    status.say("broken", "error")
    gui.pump(0.3)  # longer than any other message lives here
    assert status.text == "broken"
    status.say("replaced")
    assert status.text == "replaced" and status.kind == "info"
    gui.wait_for(lambda: status.text == "", 10, "the replacement to expire")


def test_a_long_message_leaves_room_for_the_net_description(gui: Harness) -> None:
    status = gui.app.status
    status.say("something went wrong " * 20, "error")
    gui.pump(0.05)
    width = status.winfo_width()
    assert status.message.winfo_width() <= 0.6 * width + 20
    assert status.describe.winfo_width() > 0.3 * width
    assert str(status.message.cget("text")).endswith("…")
    assert status.text == "something went wrong " * 20  # in full in its tooltip


def reading(probability: float, digit: int = 4) -> Reading:
    probs = np.full(10, (1 - probability) / 9, np.float32)
    probs[digit] = probability
    return readings({"B1": probs[None]}, "B1")[0]


@pytest.mark.parametrize(("probability", "shown"), [(0.998, "99.8%"), (0.9996, "99.9%"),
                                                     (0.9, "90.0%")])
def test_the_answer_the_chart_and_every_nets_row_round_alike(
        gui: Harness, monkeypatch: pytest.MonkeyPatch, probability: float, shown: str) -> None:
    gui.key("1")
    monkeypatch.setattr(gui.app.predictor, "predict", lambda _image, _name: reading(probability))
    gui.stroke(CIRCLE)
    app = gui.app
    assert app.chart is not None
    assert str(app.result.probability.cget("text")) == shown
    assert app.chart.labels[0].get_text() == f"4  {shown}"
    assert str(app.answers.cells["B1"][1].cget("text")) == f"4  {shown}"


def test_starts_on_the_vote_then_on_the_net_last_chosen(
        random_weights: object, make_harness: Callable[..., Harness]) -> None:
    first = make_harness()
    assert first.app.selected.get() == VOTE
    first.app.net_buttons.buttons["B3"].invoke()
    assert settings.chosen_net() == "B3"
    again = make_harness()
    assert again.app.selected.get() == "B3"
    assert ".On." in str(again.app.net_buttons.buttons["B3"].cget("style"))
    assert again.app.status.net_text.startswith("B3")


def test_a_remembered_net_that_is_gone_starts_on_the_vote_and_is_not_forgotten(
        random_weights: object, make_harness: Callable[..., Harness]) -> None:
    settings.remember_net("K1")  # no K1 weights in this test's folder
    gui = make_harness()
    assert gui.app.selected.get() == VOTE
    assert settings.chosen_net() == "K1"
