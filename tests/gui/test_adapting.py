"""Train ▸ Teach it my handwriting…: taught drawings, adapting from the menu in the
background with a progress bar, the before/after table, the question answered with the
dialog's buttons, the drawings then read as labelled, the nets marked as adapted, and
Restore shipped weights, Cancel and "keep" leaving nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digitpad import adapt, dirs
from digitpad.gui import adapting
from digitpad.gui.netbar import ADAPTED_MARK
from digitpad.nets import SPECS, registry
from digitpad.reading import Reader
from tests.taught import teach

from .conftest import Harness

pytestmark = pytest.mark.gui

SMALL = replace(adapt.AdaptConfig(), steps=60, replay=400, test_size=400, views=3)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What message boxes said (not shown); adapting runs with a small config."""
    said: list[str] = []
    monkeypatch.setattr(adapting.messagebox, "showinfo", lambda title, text, **_: said.append(text))
    monkeypatch.setattr(adapting, "CONFIG", SMALL)
    return said


def user_files() -> set[Path]:
    """Every file in the user folder but K1's feature cache (a cache, reused next time)."""
    home = dirs.user_dir()
    if not home.exists():
        return set()
    return {p for p in home.rglob("*") if p.is_file() and "adapt-cache" not in p.parts}


def start_from_menu(gui: Harness) -> adapting.Teaching:
    train = gui.app.menus["train"]
    assert train.entrycget(0, "label") == "Teach it my handwriting…"
    train.invoke(0)
    gui.pump()
    teaching = adapting._running[id(gui.app)]
    assert "Teaching the nets" in gui.app.status.text
    return teaching


def wait_for_offer(gui: Harness, teaching: adapting.Teaching) -> list[float]:
    """Pump until the table is shown; the progress bar's values seen on the way."""
    seen: list[float] = []

    def offered() -> bool:
        seen.append(teaching.dialog.fraction)
        return teaching.dialog.state_ == "offered"

    gui.wait_for(offered, 180, "adapting to finish")
    return seen


def invoke(menu: object, label: str) -> None:
    """Invoke the menu entry called ``label``."""
    import tkinter as tk

    assert isinstance(menu, tk.Menu)
    last = menu.index("end")
    entries = [i for i in range(last + 1 if last is not None else 0) if menu.type(i) == "command"]
    (index,) = [i for i in entries if menu.entrycget(i, "label") == label]
    menu.invoke(index)


def table_rows(teaching: adapting.Teaching) -> list[list[str]]:
    grid = teaching.dialog.table
    rows: dict[int, dict[int, str]] = {}
    for cell in grid.winfo_children():
        info = cell.grid_info()
        rows.setdefault(int(info["row"]), {})[int(info["column"])] = str(cell.cget("text"))
    return [[row[c] for c in sorted(row)] for _r, row in sorted(rows.items())]


@pytest.mark.usefixtures("warm_adapt_cache")
def test_teach_my_handwriting_from_the_menu_then_restore(real_weights: Path,
                                                         make_harness: Callable[[], Harness],
                                                         mnist_available: Path, told: list[str]) -> None:
    images, labels = teach(mnist_available, per_digit=3)
    gui = make_harness()
    app = gui.app
    before = user_files()
    teaching = start_from_menu(gui)
    seen = wait_for_offer(gui, teaching)
    assert any(0 < f < 1 for f in seen) and seen == sorted(seen), "the progress bar moves forward"
    rows = table_rows(teaching)
    assert rows[0] == ["", "your drawings", "MNIST test (400)", "time"]
    assert [r[0] for r in rows[1:]] == [*SPECS, "Vote"]
    assert all("% → " in cell for row in rows[1:] for cell in row[1:3])
    assert user_files() == before, "nothing is written before the user answers"
    teaching.dialog.use_button.invoke()  # type: ignore[union-attr]
    gui.wait_for(lambda: id(app) not in adapting._running, 60, "the adapted weights to be saved")
    gui.pump()
    assert not teaching.dialog.winfo_exists() and "now read your handwriting" in app.status.text
    for name in SPECS:
        chosen = registry.chosen_path(name)
        assert chosen is not None and chosen.parent == dirs.user_weights_dir().resolve()
        assert app.predictor.nets[name].meta["adapted"], name
        assert f"adapted to {len(labels)} of your drawings" in app.predictor.describe(name)
        assert app.net_buttons.buttons[name].cget("text") == f"{name}{ADAPTED_MARK}"
        assert app.answers.cells[name][0].cget("text") == f"{name}{ADAPTED_MARK}"
    assert app.answers.note.winfo_ismapped() and "adapted" in app.answers.note.cget("text")
    read = [app.predictor.predict(image, "vote") for image in images]
    assert np.mean([r is not None and r.digit == label for r, label in zip(read, labels)]) >= 0.9
    mnist = adapt.prepare(SMALL)
    shipped = Reader({n: registry.load_file(n, registry.shipped_path(n)) for n in SPECS})
    vote_before = np.mean([r.digit for r in shipped.read(mnist.test_x)] == mnist.test_y)
    vote_after = np.mean([r.digit for r in app.predictor.read(mnist.test_x)] == mnist.test_y)
    assert vote_after >= vote_before - 0.01  # the vote, read as the app reads it

    app.select("B1")
    assert f"adapted to {len(labels)} of your drawings" in app.status.net_text
    app.select("vote")
    assert app.status.net_text.endswith("adapted to your handwriting: B1, B2, B3, B4, K1")
    invoke(app.menus["network"], "Restore shipped weights")
    gui.pump()
    for name in SPECS:
        assert registry.chosen_path(name) is None and not app.predictor.nets[name].meta.get("adapted")
        assert app.net_buttons.buttons[name].cget("text") == name
        assert app.answers.cells[name][0].cget("text") == name
    assert not app.answers.note.winfo_ismapped() and "adapted" not in app.status.net_text


@pytest.mark.usefixtures("warm_adapt_cache")
def test_cancel_leaves_nothing_behind(real_weights: Path, make_harness: Callable[[], Harness],
                                      mnist_available: Path, monkeypatch: pytest.MonkeyPatch,
                                      told: list[str]) -> None:
    teach(mnist_available, per_digit=2)
    monkeypatch.setattr(adapting, "CONFIG", replace(SMALL, steps=1_000_000))  # never done by itself
    gui = make_harness()
    before = user_files()
    teaching = start_from_menu(gui)
    gui.wait_for(lambda: teaching.dialog.fraction > 0, 120, "the progress bar to move")
    teaching.dialog.cancel_button.invoke()
    gui.wait_for(lambda: not teaching.thread.is_alive(), 60, "adapting to stop")
    gui.wait_for(lambda: id(gui.app) not in adapting._running, 10, "the dialog to close")
    assert not teaching.dialog.winfo_exists() and "Cancelled" in gui.app.status.text
    assert user_files() == before
    assert all(registry.chosen_path(name) is None for name in SPECS)
    assert all(not net.meta.get("adapted") for net in gui.app.predictor.nets.values())


@pytest.mark.usefixtures("warm_adapt_cache")
def test_keeping_the_current_weights_leaves_nothing_behind(real_weights: Path,
                                                          make_harness: Callable[[], Harness],
                                                          mnist_available: Path, told: list[str]) -> None:
    teach(mnist_available, per_digit=2)
    gui = make_harness()
    before = user_files()
    teaching = start_from_menu(gui)
    wait_for_offer(gui, teaching)
    teaching.dialog.keep_button.invoke()  # type: ignore[union-attr]
    gui.pump()
    assert not teaching.dialog.winfo_exists() and "Kept the weights" in gui.app.status.text
    assert user_files() == before and all(registry.chosen_path(name) is None for name in SPECS)
    assert gui.app.net_buttons.buttons["B1"].cget("text") == "B1"


@pytest.mark.parametrize(("per_digit", "fewer", "wanted"), [
    (1, {}, "draw 10 more (1 more 0, 1 more 1"),
    (2, {7: 1, 3: 2}, "draw 3 more (2 more 3s, 1 more 7)"),
])
def test_too_few_drawings_say_how_many_more(real_weights: Path, make_harness: Callable[[], Harness],
                                            mnist_available: Path, told: list[str], per_digit: int,
                                            fewer: dict[int, int], wanted: str) -> None:
    teach(mnist_available, per_digit=per_digit, fewer=fewer)
    gui = make_harness()
    assert adapting.start(gui.app) is None
    (message,) = told
    assert wanted in message and id(gui.app) not in adapting._running
    assert not dirs.user_weights_dir().exists()
