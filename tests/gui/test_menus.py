"""The menus' actions: open a picture, save the drawing, load and restore weights, Help;
and what the app says when weights are missing or damaged."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad import dirs
from digitpad.gui import actions, keys
from digitpad.nets import SPECS, VOTE, registry
from digitpad.nets.mlp import MLP
from digitpad.preprocess import rasterize, to_mnist

from .conftest import Harness, save_random_nets

pytestmark = pytest.mark.gui

SEVEN = [(70.0, 60.0), (210.0, 60.0), (130.0, 240.0)]


def test_menu_bar(gui: Harness) -> None:
    bar = gui.app.menus["bar"]
    labels = [bar.entrycget(i, "label") for i in range(bar.index("end") + 1)]
    assert labels == ["File", "Edit", "Network", "Train", "Help"]
    network = gui.app.menus["network"]
    assert network.entrycget(SPECS.__len__(), "label") == "Vote"
    assert network.entrycget(list(SPECS).index("K1"), "state") == "disabled"  # no K1 here
    network.invoke(1)  # B2
    assert gui.app.selected.get() == "B2"


def test_save_then_open_the_drawing(gui: Harness, tmp_path: Path) -> None:
    gui.stroke(SEVEN)
    drawn = to_mnist(rasterize(gui.app.pad.strokes))
    path = tmp_path / "seven.png"
    assert actions.save_drawing(gui.app, path)
    saved = Image.open(path)
    assert saved.size == (280, 280) and saved.getpixel((0, 0)) == 255  # dark ink on white
    gui.app.clear()
    assert actions.open_image(gui.app, path)
    gui.pump()
    assert gui.app.pad.showing_image and not gui.app.pad.hint_visible
    assert gui.app.prediction is not None and gui.app.preview.image is not None
    np.testing.assert_allclose(gui.app.preview.image, drawn, atol=0.03)
    gui.stroke([(20.0, 20.0), (40.0, 40.0)])  # drawing replaces the picture
    assert not gui.app.pad.showing_image and gui.app.image_input is None


def test_open_a_photo_of_a_digit(gui: Harness, tmp_path: Path) -> None:
    photo = Image.new("RGB", (400, 300), (236, 230, 220))
    ImageDraw.Draw(photo).line([(200, 40), (205, 260)], fill=(40, 40, 50), width=18)
    photo.save(tmp_path / "one.jpg", quality=90)
    assert actions.open_image(gui.app, tmp_path / "one.jpg")
    assert gui.app.prediction is not None


@pytest.mark.parametrize("content", [b"", b"not an image", None])
def test_open_refuses_bad_files(gui: Harness, tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "bad.png"
    if content is None:
        Image.new("L", (50, 50), 255).save(path)  # a blank page
    else:
        path.write_bytes(content)
    assert not actions.open_image(gui.app, path)
    assert gui.app.prediction is None
    assert str(gui.app.status.message.cget("foreground")) == "#b91c1c"


def test_save_with_nothing_drawn(gui: Harness, tmp_path: Path) -> None:
    assert not actions.save_drawing(gui.app, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_load_weights_then_restore_the_shipped_ones(gui: Harness, tmp_path: Path) -> None:
    mine = tmp_path / "mine.npz"
    MLP(SPECS["B2"].sizes, name="B2", seed=7).save(mine, trained_on="mine", test_accuracy=0.5)
    gui.key("2")
    assert actions.load_weights(gui.app, mine)
    assert gui.app.predictor.nets["B2"].meta["trained_on"] == "mine"
    kept = registry.chosen_path("B2")
    assert kept is not None and kept.parent == dirs.user_weights_dir().resolve()
    assert kept.read_bytes() == mine.read_bytes()  # a copy: moving the original loses nothing
    mine.unlink()
    assert registry.load("B2").meta["trained_on"] == "mine"
    actions.restore_shipped(gui.app)
    assert gui.app.predictor.nets["B2"].meta["trained_on"] == "random (test)"
    assert registry.chosen_path("B2") is None


def test_load_weights_for_the_vote_uses_the_files_net(gui: Harness, tmp_path: Path) -> None:
    mine = tmp_path / "b3.npz"
    MLP(SPECS["B3"].sizes, name="B3").save(mine, trained_on="mine")
    gui.key("v")
    assert actions.load_weights(gui.app, mine)
    assert gui.app.predictor.nets["B3"].meta["trained_on"] == "mine"
    assert gui.app.selected.get() == VOTE


def test_load_weights_refuses_the_wrong_architecture(gui: Harness, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.npz"
    MLP(SPECS["B2"].sizes, name="B2").save(wrong, trained_on="mine")
    gui.key("1")
    assert not actions.load_weights(gui.app, wrong)
    assert "Not loaded" in gui.app.status.text
    assert registry.chosen_path("B1") is None


def test_damaged_chosen_weights_are_reported_once(random_weights: Path, tmp_path: Path,
                                                  make_harness: Callable[[], Harness]) -> None:
    mine = tmp_path / "mine.npz"
    MLP(SPECS["B1"].sizes, name="B1").save(mine, trained_on="mine")
    registry.choose("B1", mine)
    kept = registry.chosen_path("B1")
    assert kept is not None
    kept.write_bytes(b"damaged")
    gui = make_harness()
    assert gui.app.status.text.count("could not be loaded") == 1
    assert gui.app.predictor.nets["B1"].meta["trained_on"] == "random (test)"
    assert gui.app.predictor.fallbacks == [gui.app.predictor.nets["B1"].meta["fallback"]]


def test_only_some_nets_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                make_harness: Callable[[], Harness]) -> None:
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(save_random_nets(tmp_path / "w", ["B3"])))
    gui = make_harness()
    assert gui.app.selected.get() == VOTE  # the first start: the vote, here of B3 alone
    enabled = [n for n, b in gui.app.net_buttons.buttons.items() if b.instate(["!disabled"])]
    assert enabled == ["B3", VOTE]
    gui.stroke(SEVEN)
    assert gui.app.prediction is not None and set(gui.app.prediction.per_net) == {"B3"}


def test_no_nets_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        make_harness: Callable[[], Harness]) -> None:
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(tmp_path / "empty"))
    gui = make_harness()
    assert "Retrain" in gui.app.status.text
    gui.stroke(SEVEN)
    assert gui.app.prediction is None
    assert "not available" in str(gui.app.result.probability.cget("text"))


def test_help_texts(gui: Harness) -> None:
    about = actions.about_text(gui.root)
    assert "digitpad" in about and "numpy" in about and "matplotlib" in about
    assert "Data:" in about
    shortcuts = dict(keys.help_rows(gui.root))
    assert shortcuts["Ctrl+Z"] == "undo the last stroke" and "V" in shortcuts


def test_predictions_are_logged_at_debug_level(gui: Harness,
                                               caplog: pytest.LogCaptureFixture) -> None:
    gui.key("1")
    with caplog.at_level(logging.DEBUG, logger="digitpad"):
        gui.stroke(SEVEN)
    prediction = gui.app.prediction
    assert prediction is not None
    expected = f"prediction B1: digit {prediction.digit}, probability {prediction.probability:.3f}"
    assert any(expected in r.getMessage() for r in caplog.records)
    assert any("pen-up to updated display" in r.getMessage() for r in caplog.records)


def test_building_the_app_never_imports_tensorflow(random_weights: Path, display: str) -> None:
    code = (
        "import sys\n"
        "from digitpad.gui import build_app\n"
        "app = build_app()\n"
        "app.root.update()\n"
        "app.open_retrain().form.net.set('K1')\n"
        "app.root.update()\n"
        "from digitpad.gui import actions; actions.about_text(app.root)\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
        "app.quit()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
