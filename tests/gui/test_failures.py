"""When things go wrong the app starts and goes on, and says what happened once: a
damaged or locked drawings file, a save that fails, damaged weights of your own, and
File ▸ Open on files that are not pictures of a digit."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from digitpad import drawings
from digitpad.drawings import DrawingStore
from digitpad.gui import actions, gallery
from digitpad.nets import SPECS, registry
from digitpad.nets.mlp import MLP

from .conftest import Harness

pytestmark = pytest.mark.gui

CONTROL = 4
SEVEN = [(70.0, 60.0), (210.0, 60.0), (130.0, 240.0)]


def message(gui: Harness) -> str:
    return gui.app.status.text


def damage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 2000)


def test_a_damaged_drawings_file_is_said_once_and_teaching_goes_on(
        random_weights: Path, make_harness: Callable[[], Harness]) -> None:
    damage(drawings.default_path())
    gui = make_harness()
    assert "drawings file was damaged" in message(gui).lower()
    gui.stroke(SEVEN)
    gui.key("7", state=CONTROL)
    assert [d.label for d in DrawingStore().all()] == [7]
    again = make_harness()  # the next start has nothing to say
    assert message(again) == ""


def test_damaged_weights_and_drawings_are_both_said(
        random_weights: Path, tmp_path: Path, make_harness: Callable[[], Harness]) -> None:
    mine = tmp_path / "mine.npz"
    MLP(SPECS["B2"].sizes, name="B2").save(mine, trained_on="mine")
    registry.choose("B2", mine)
    kept = registry.chosen_path("B2")
    assert kept is not None
    kept.write_bytes(b"")  # the user's kept copy is damaged
    damage(drawings.default_path())
    gui = make_harness()
    assert "B2: your weights could not be loaded" in message(gui)
    assert "drawings file was damaged" in message(gui).lower()
    assert gui.app.predictor.nets["B2"].meta["trained_on"] == "random (test)"


@pytest.fixture
def locked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The drawings file held by another program; waiting for it gives up quickly."""
    DrawingStore().close()
    holder = sqlite3.connect(drawings.default_path(), isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    connect = sqlite3.connect

    def quick(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return connect(*args, **{**kwargs, "timeout": 0.1})  # not the store's 5 s

    monkeypatch.setattr(drawings.sqlite3, "connect", quick)
    yield
    holder.close()


def test_a_locked_drawings_file_turns_teaching_off_not_the_app(
        random_weights: Path, locked: None, make_harness: Callable[[], Harness]) -> None:
    gui = make_harness()
    app = gui.app
    assert "locked" in message(gui) and "drawing and reading still work" in message(gui)
    gui.stroke(SEVEN)
    assert app.prediction is not None  # drawing and reading go on
    assert all(b.instate(["disabled"]) for b in app.teach_row.buttons)
    assert "locked" in app.teach_row.tooltips[3].text
    gui.key("7", state=CONTROL)
    assert "locked" in message(gui) and not app.pad.is_empty
    assert gallery.open_for(app) is None
    form = app.open_retrain().form
    assert form.mine_check.instate(["disabled"]) and "locked" in str(form.mine_note.cget("text"))


def test_a_failed_save_says_why_and_keeps_the_drawing(gui: Harness) -> None:
    store = gui.app.teaching.store
    assert store is not None
    store.db.execute("PRAGMA query_only = ON")  # as a read-only folder or a full disk would refuse
    gui.stroke(SEVEN)
    gui.key("7", state=CONTROL)
    assert message(gui).startswith("Not saved:")
    assert str(gui.app.status.message.cget("foreground")) == "#b91c1c"
    assert not gui.app.pad.is_empty and gui.app.prediction is not None


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "the file is empty"), (b"%PDF-1.4 not a picture", "not an image"), (None, "no digit found")])
def test_opening_a_bad_file_says_which_and_keeps_the_drawing(
        gui: Harness, tmp_path: Path, content: bytes | None, reason: str) -> None:
    path = tmp_path / "scan.png"
    if content is None:
        Image.new("L", (300, 200), 255).save(path)  # an all-white page
    else:
        path.write_bytes(content)
    gui.stroke(SEVEN)
    before = gui.app.prediction
    assert not actions.open_image(gui.app, path)
    assert message(gui).startswith("Not opened: scan.png: ") and reason in message(gui)
    assert str(tmp_path) not in message(gui)
    assert gui.app.prediction is before and not gui.app.pad.is_empty


def test_a_drawings_file_deleted_while_the_app_runs_is_made_again_and_said(gui: Harness) -> None:
    gui.stroke(SEVEN)
    gui.key("7", state=CONTROL)
    drawings.default_path().unlink()  # as a user or a clean-up tool might
    gui.stroke(SEVEN)
    gui.app.teach_row.buttons[3].invoke()
    gui.pump()
    assert "was deleted" in gui.app.status.text and "Saved as a 3" in gui.app.status.text
    assert gui.app.status.kind == "warning"
    gui.app.teaching.close()
    assert [d.label for d in DrawingStore().all()] == [3]  # there after a restart


def test_a_save_that_cannot_reach_the_file_is_reported_as_failed(gui: Harness) -> None:
    drawings.default_path().unlink()
    drawings.default_path().mkdir()  # in the way: no database can be made there again
    gui.stroke(SEVEN)
    gui.key("7", state=CONTROL)
    assert gui.app.status.text.startswith("Not saved:") and gui.app.status.kind == "error"
    assert not gui.app.pad.is_empty and gui.app.prediction is not None
