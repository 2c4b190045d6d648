"""Network ▸ Look inside…: drawn on the pad, opened from the menu, neurons hovered,
clicked and switched off, checked against numpy forward passes of the shipped nets; K1
looked inside off the Tk thread, an older result never drawn over a newer view."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest

from digitpad.gui import inside
from digitpad.gui.chart import gather
from digitpad.inside import cnn as cnn_inside
from digitpad.inside import mlp as mlp_inside
from digitpad.inside import pictures, why
from digitpad.nets import registry
from digitpad.nets.mlp import MLP

from .conftest import Harness

pytestmark = pytest.mark.gui

SEVEN = [[(70.0, 60.0), (140.0, 60.0), (210.0, 60.0)],
         [(210.0, 60.0), (180.0, 110.0), (150.0, 170.0), (125.0, 235.0)]]


@pytest.fixture
def drawn(real_weights: object, make_harness: Callable[[], Harness]) -> Harness:
    gui = make_harness()
    for stroke in SEVEN:
        gui.stroke(stroke)
    return gui


def open_from_menu(gui: Harness) -> inside.InsideWindow:
    menu = gui.app.menus["network"]
    index = next(i for i in range(menu.index("end") + 1)
                 if menu.type(i) == "command" and menu.entrycget(i, "label") == "Look inside…")
    menu.invoke(index)
    gui.pump()
    window = inside.open_for(gui.app)
    gui.wait_for(lambda: window.updates >= 1, 5, "the window's first view")
    return window


def shipped_forward(name: str, image: np.ndarray, zeroed: tuple[int, int] | None = None) -> np.ndarray:
    """The shipped net's probabilities with neuron ``(hidden, unit)``'s outgoing weights zeroed."""
    net = registry.load_file(name, registry.shipped_path(name))
    assert isinstance(net, MLP)
    if zeroed is not None:
        net.weights[zeroed[0] + 1][zeroed[1], :] = 0
    return net.predict_proba(image)[0]


def test_switching_off_a_clicked_neuron_changes_the_answer_as_numpy_says(drawn: Harness) -> None:
    gui = drawn
    gui.key("4")  # B4
    window = open_from_menu(gui)
    view, image = window.mlp_view, gui.app.preview.image
    assert image is not None and window.heading.cget("text") == "Look inside B4"
    before = gui.app.prediction
    assert before is not None
    # the strongest contribution into the answer, from the last hidden layer
    strongest = max((link for link in mlp_inside.links(view.net, view.trace, before.digit)
                     if link.layer == 3), key=lambda link: link.strength)
    x, y = view.blocks[2].centre(strongest.source)
    view.canvas.event_generate("<Motion>", x=round(x), y=round(y))
    gui.pump()
    value = view.trace.acts[3][strongest.source]
    assert view.hover.cget("text") == f"hidden 3, neuron {strongest.source}: {value:.3f}"
    view.canvas.event_generate("<ButtonPress-1>", x=round(x), y=round(y))
    gui.pump()
    assert view.selected == (3, strongest.source)
    assert str(view.detail.button.cget("text")) == "Switch off"
    shown = window.updates
    view.detail.button.invoke()
    gui.wait_for(lambda: window.updates > shown, 5, "the view after switching off")
    expected = shipped_forward("B4", image, (2, strongest.source))
    after = gui.app.prediction
    assert after is not None
    np.testing.assert_allclose(after.probabilities, expected, atol=1e-6)
    assert after.probabilities[before.digit] < before.probabilities[before.digit] - 1e-4
    assert gui.app.chart is not None and gui.app.chart.slices == gather(expected)
    assert window.switched.cget("text") == "B4: 1 off"
    assert str(view.detail.button.cget("text")) == "Switch on"
    assert view.trace.acts[3][strongest.source] == 0
    window.reset_button.invoke()
    gui.pump()
    np.testing.assert_allclose(gui.app.prediction.probabilities, shipped_forward("B4", image), atol=1e-6)
    assert isinstance(gui.app.predictor.nets["B4"], MLP)


def test_first_layer_neuron_shows_its_weights_as_a_28x28_picture(drawn: Harness) -> None:
    gui = drawn
    gui.key("1")
    window = open_from_menu(gui)
    view = window.mlp_view
    assert [b.units for b in view.blocks] == [100, 10, 10]
    view.select(1, 42)
    gui.pump()
    assert view.detail.title.cget("text") == "hidden 1, neuron 42"
    assert view.detail.pixels == 112 and view.detail.weights.find_all()


def test_closing_the_window_puts_neurons_back_and_stops_following(drawn: Harness) -> None:
    gui = drawn
    gui.key("3")
    window = open_from_menu(gui)
    image = gui.app.preview.image
    assert image is not None
    window.toggle(0, int(np.argmax(window.mlp_view.trace.acts[1])))
    gui.pump()
    assert isinstance(gui.app.predictor.nets["B3"], mlp_inside.MaskedMLP)
    window.close()
    gui.pump()
    assert gui.app.listeners == []
    assert isinstance(gui.app.predictor.nets["B3"], MLP)
    np.testing.assert_allclose(gui.app.prediction.probabilities, shipped_forward("B3", image), atol=1e-6)
    updates = window.updates
    gui.stroke([(100.0, 150.0), (180.0, 150.0)])
    assert window.updates == updates


def test_k1_view_shows_every_conv_layers_maps(drawn: Harness) -> None:
    gui = drawn
    gui.key("5")
    window = open_from_menu(gui)
    shown = window.conv_view.pictures
    # 32 maps of 28x28 in 8 columns of 30 px; 64 of 14x14 in 16 of 16; 128 of 5x5 (x2) in 16 of 12
    assert shown["conv1"].shape == shown["conv2"].shape == (4 * 30 - 2, 8 * 30 - 2, 3)
    assert shown["conv3"].shape == shown["conv4"].shape == (4 * 16 - 2, 16 * 16 - 2, 3)
    assert shown["conv5"].shape == (8 * 12 - 2, 16 * 12 - 2, 3)
    t = cnn_inside.trace(gui.app.predictor.nets["K1"], gui.app.preview.image)
    np.testing.assert_array_equal(shown["conv1"], pictures.map_grid(t.maps["conv1"], 8, 28))
    assert len(window.conv_view.head.find_all()) == 3 * 8


@pytest.mark.parametrize("key", ["2", "5", "v"])
def test_why_map_is_the_one_digitpad_inside_computes(drawn: Harness, key: str) -> None:
    gui = drawn
    gui.key(key)
    window = open_from_menu(gui)
    reading, image, nets = gui.app.prediction, gui.app.preview.image, gui.app.predictor.nets
    assert reading is not None and image is not None
    if key == "v":
        expected = why.vote_map(nets, image, reading.digit, reading.runner_up)[0]
        assert set(window.vote_view.canvases) == set(nets)
    else:
        net = nets["B2" if key == "2" else "K1"]
        expected = why.why_map(net, image, reading.digit, reading.runner_up)
    assert window.why.picture is not None
    np.testing.assert_array_equal(window.why.picture, pictures.heat(expected, image, window.why.pixels))
    assert window.why.heading.cget("text") == f"Why {reading.digit}, not {reading.runner_up}?"


def test_the_window_follows_the_drawing_live(drawn: Harness) -> None:
    gui = drawn
    gui.key("2")
    window = open_from_menu(gui)
    gui.app.clear()
    gui.pump()
    assert window.mlp_view.trace is None and window.why.picture is None
    gui.stroke([(140.0, float(y)) for y in range(50, 236, 5)])
    gui.wait_for(lambda: window.why.picture is not None, 5, "the view of the new drawing")
    assert gui.app.prediction is not None and gui.app.prediction.digit == 1
    assert window.why.heading.cget("text").startswith("Why 1,")


def test_key_i_opens_the_window_once_and_it_follows_the_chosen_net(gui: Harness) -> None:
    gui.key("i")
    window = inside.open_for(gui.app)
    gui.key("I")
    assert inside.open_for(gui.app) is window and gui.app.listeners == [window.schedule]
    window.focus_force()
    window.event_generate("<KeyPress-3>")  # the net keys work in this window too
    gui.wait_for(lambda: window.heading.cget("text") == "Look inside B3", 5, "B3 chosen")
    assert gui.app.selected.get() == "B3" and window.mlp_view.blocks[0].units == 250


def test_k1_is_looked_inside_off_the_tk_thread_and_follows_the_latest_drawing(
        drawn: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    gui = drawn
    gui.key("5")
    window = open_from_menu(gui)
    threads: list[str] = []
    made = inside.conv_pictures

    def recorded(*args: object) -> object:
        threads.append(threading.current_thread().name)
        return made(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(inside, "conv_pictures", recorded)
    gui.app.clear()
    gui.pump()
    shown = window.updates
    gui.stroke([(140.0, float(y)) for y in range(50, 236, 5)])  # now a 1
    gui.wait_for(lambda: window.updates > shown and not window.busy, 10, "K1's view of the 1")
    assert threads and threading.main_thread().name not in threads
    reading, image = gui.app.prediction, gui.app.preview.image
    assert reading is not None and image is not None and reading.digit == 1
    t = cnn_inside.trace(gui.app.predictor.nets["K1"], image)
    np.testing.assert_array_equal(window.conv_view.pictures["conv2"],
                                  pictures.map_grid(t.maps["conv2"], 8, 28))
    expected = why.why_map(gui.app.predictor.nets["K1"], image, reading.digit, reading.runner_up)
    np.testing.assert_array_equal(window.why.picture, pictures.heat(expected, image, window.why.pixels))


def test_an_older_k1_view_never_replaces_a_newer_one(drawn: Harness) -> None:
    gui = drawn
    gui.key("5")
    window = open_from_menu(gui)
    window.refresh()  # K1's pictures of the 7, being made...
    assert window.busy
    gui.app.select("B2", remember=False)
    window.refresh()  # ...when B2 is chosen: its view is drawn at once
    assert window.heading.cget("text") == "Look inside B2" and not window.busy
    gui.pump(0.3)  # the K1 result, if it came, would be drawn by now
    assert window.heading.cget("text") == "Look inside B2"
    assert window.conv_view.winfo_manager() == "" and window.mlp_view.winfo_manager() == "pack"
    gui.app.select("K1", remember=False)
    window.refresh()
    assert window.busy
    gui.app.clear()
    gui.pump()
    gui.wait_for(lambda: not window.busy and window.why.picture is None, 5, "the cleared view")
    gui.pump(0.3)
    assert window.why.picture is None and window.answer.cget("text") == "draw a digit"
