"""Train ▸ Teach it my handwriting…: taught drawings, adapting from the menu in the
background, the before/after asked about, and the drawings then read as labelled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digitpad import adapt, dirs
from digitpad.gui import adapting
from digitpad.nets import SPECS, registry
from digitpad.reading import Reader
from tests.taught import teach

from .conftest import Harness

pytestmark = pytest.mark.gui


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The dialogs' questions and messages, answered yes without showing them."""
    said: dict[str, list[str]] = {"asked": [], "told": []}

    def ask(title: str, text: str, **_: object) -> bool:
        said["asked"].append(text)
        return True

    monkeypatch.setattr(adapting.messagebox, "askyesno", ask)
    monkeypatch.setattr(adapting.messagebox, "showinfo", lambda title, text, **_: said["told"].append(text))
    monkeypatch.setattr(adapting, "CONFIG", replace(adapt.AdaptConfig(), steps=60, replay=400,
                                                    test_size=400, views=3))
    return said


def test_teach_my_handwriting_from_the_menu(real_weights: Path, make_harness: Callable[[], Harness],
                                            mnist_available: Path, answers: dict[str, list[str]]) -> None:
    images, labels = teach(mnist_available, per_digit=3)
    gui = make_harness()
    app = gui.app
    train = app.menus["train"]
    assert train.entrycget(0, "label") == "Teach it my handwriting…"
    train.invoke(0)
    gui.pump()
    assert "Teaching the nets" in app.status._message
    gui.wait_for(lambda: bool(answers["asked"]), 120, "adapting to finish")
    gui.pump()
    (question,) = answers["asked"]
    assert question.count("MNIST test (400)") == 5 and "Use the adapted weights" in question
    for name in SPECS:
        chosen = registry.chosen_path(name)
        assert chosen is not None and chosen.parent == dirs.user_weights_dir().resolve()
        assert app.predictor.nets[name].meta["adapted"], name
        assert f"adapted to {len(labels)} of your drawings" in app.predictor.describe(name)
    assert "now read your handwriting" in app.status._message
    read = [app.predictor.predict(image, "vote") for image in images]
    assert np.mean([r is not None and r.digit == label for r, label in zip(read, labels)]) >= 0.9
    mnist = adapt.prepare(adapting.CONFIG)
    shipped = Reader({n: registry.load_file(n, registry.shipped_path(n)) for n in SPECS})
    vote_before = np.mean([r.digit for r in shipped.read(mnist.test_x)] == mnist.test_y)
    vote_after = np.mean([r.digit for r in app.predictor.read(mnist.test_x)] == mnist.test_y)
    assert vote_after >= vote_before - 0.01  # the vote, read as the app reads it


def test_too_few_drawings_say_how_many_more(real_weights: Path, make_harness: Callable[[], Harness],
                                            mnist_available: Path, answers: dict[str, list[str]]) -> None:
    teach(mnist_available, per_digit=1)
    gui = make_harness()
    assert adapting.start(gui.app) is None
    (told,) = answers["told"]
    assert "draw 10 more" in told and not answers["asked"]
    assert not dirs.user_weights_dir().exists()
