"""Network ▸ How good is it?…: opened from the menu, computed off the Tk thread, its
confusion matrices equal to a direct computation (MNIST test and my drawings), a mistake
clicked onto the pad and read there, "Give me a test digit", and a second net chosen
while the first one's figures are still being drawn (off the Tk thread) winning.

A tiny MNIST-like data folder (IDX files written here, 60 random test images) keeps it
fast; the nets are the random-weight B1-B4 of the ``gui`` fixture."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from digitpad import dirs, drawn, quality
from digitpad.datasets import write_idx
from digitpad.datasets.sources import MNIST_FILES
from digitpad.drawings import DrawingStore
from digitpad.evaluate import evaluate
from digitpad.gui.quality import QualityWindow
from digitpad.nets import SPECS, VOTE, load_every

from .conftest import Harness

pytestmark = pytest.mark.gui

TEST_IMAGES = 60
SHARED_DATA = dirs.data_dir()  # as tests/conftest.py fixes it, before a test sets its own


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with nothing kept in memory (the user folder is fresh too). Torn
    down after the app, it collects the app's garbage on this thread: the worker makes
    many objects, and a collection run there would delete Tk images off the Tk thread."""
    monkeypatch.setattr(quality, "CACHE", quality.ProbabilityCache())
    monkeypatch.setattr(quality, "_judged", {})
    gc.collect()
    yield
    gc.collect()


@pytest.fixture
def tiny_mnist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, np.ndarray]:
    """A data folder with a small MNIST (random blobs of ink) and the shared pen digits;
    returns the test images (uint8 (60, 28, 28)) and labels."""
    rng = np.random.default_rng(16)
    folder = tmp_path / "data"
    folder.mkdir()
    images = (rng.random((TEST_IMAGES, 28, 28)) ** 3 * 255).astype(np.uint8)
    labels = rng.integers(0, 10, TEST_IMAGES).astype(np.uint8)
    for part, array in (("train_images", images[:10]), ("train_labels", labels[:10]),
                        ("test_images", images), ("test_labels", labels)):
        write_idx(folder / MNIST_FILES[part], array)
    pen = SHARED_DATA / "unipen-digits-dev.npz"
    if pen.is_file():
        (folder / pen.name).symlink_to(pen)
    monkeypatch.setenv("DIGITPAD_DATA", str(folder))
    return images, labels


def open_window(gui: Harness) -> QualityWindow:
    menu = gui.app.menus["network"]
    index = next(i for i in range(menu.index("end") + 1)
                 if menu.type(i) == "command" and menu.entrycget(i, "label") == "How good is it?…")
    menu.invoke(index)
    window = gui.root.children["quality"]
    assert isinstance(window, QualityWindow)
    return window


def wait_shown(gui: Harness, window: QualityWindow) -> None:
    """Until the chosen net's numbers are known and its figures are on screen."""
    gui.wait_for(lambda: window.shown is not None and not window.working
                 and window.displayed == (window.net.get(), window.which.get()), 60,
                 "the window's confusion matrix")


def choose(gui: Harness, window: QualityWindow, name: str) -> None:
    """Click ``name``'s button and wait until its figures are drawn and pasted."""
    window.net_buttons[name].invoke()
    assert window.working and window.working_label.cget("text") == "working…"
    wait_shown(gui, window)
    assert window.working_label.cget("text") == ""


def direct_confusion(predicted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    matrix = np.zeros((10, 10), np.int64)
    for true, answer in zip(labels, predicted):
        matrix[true, answer] += 1
    return matrix


def test_mnist_matrices_equal_a_direct_count(gui: Harness, tiny_mnist: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = tiny_mnist
    window = open_window(gui)
    assert window.message.cget("text").startswith("Computing")  # before the worker is done
    wait_shown(gui, window)
    nets, _ = load_every()
    x = images.astype(np.float32) / 255
    for name in SPECS:
        if name not in nets:
            continue
        choose(gui, window, name)
        expected = direct_confusion(nets[name].predict_proba(x).argmax(axis=1), labels)
        np.testing.assert_array_equal(window.confusion.counts, expected)
        assert window.confusion.texts() == {(t, a): str(n) for (t, a), n in np.ndenumerate(expected) if n}
        right = np.trace(expected) / TEST_IMAGES
        assert f"{name} on MNIST test: " in window.confusion.title and "(60 digits)" in window.confusion.title
        assert abs(window.shown.accuracy - right) < 1e-9  # type: ignore[union-attr]
    choose(gui, window, VOTE)
    vote = evaluate(nets, x, labels.astype(np.int64))[VOTE].confusion()
    np.testing.assert_array_equal(window.confusion.counts, vote)


def test_mistakes_are_sorted_and_go_on_the_pad(gui: Harness,
                                                tiny_mnist: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = tiny_mnist
    window = open_window(gui)
    window.net.set("B2")
    wait_shown(gui, window)
    mistakes = window.shown.mistakes  # type: ignore[union-attr]
    probs = load_every()[0]["B2"].predict_proba(images.astype(np.float32) / 255)
    wrong = np.flatnonzero(probs.argmax(axis=1) != labels)
    assert len(mistakes) == min(len(wrong), quality.MISTAKES) > 1
    assert [m.probability for m in mistakes] == sorted((m.probability for m in mistakes), reverse=True)
    assert mistakes[0].probability == pytest.approx(float(probs[wrong].max()), abs=1e-6)
    assert window.mistakes.ids == [m.index for m in mistakes]
    second = mistakes[1]
    grid = window.mistakes
    grid.canvas.event_generate("<ButtonPress-1>", x=round(1.5 * grid.cell_w), y=round(0.5 * grid.cell_h))
    gui.pump()
    app = gui.app
    assert app.pad.opened is not None and app.selected.get() == "B2"
    np.testing.assert_allclose(app.pad.opened.image, images[second.index] / 255, atol=1e-6)
    assert app.prediction is not None and app.prediction.digit == second.answer != second.label
    assert f"#{second.index}: a {second.label}" in app.pad.opened.caption


def test_test_digit_buttons(gui: Harness, tiny_mnist: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = tiny_mnist
    window = open_window(gui)
    wait_shown(gui, window)
    window.test_button.invoke()
    gui.wait_for(lambda: window.test_digit is not None, 30, "an MNIST test digit")
    digit = window.test_digit
    assert digit is not None and gui.app.pad.opened is not None
    index = int(re.search(r"#(\d+)", digit.caption).group(1))  # type: ignore[union-attr]
    assert digit.label == labels[index]
    np.testing.assert_allclose(gui.app.pad.opened.image, images[index] / 255, atol=1e-6)
    assert f"a {digit.label}" in window.message.cget("text")
    if not (SHARED_DATA / "unipen-digits-dev.npz").is_file():
        pytest.skip("no pen-drawn digits in the data folder")
    window.source.set("pen")
    window.test_digit = None
    window.test_button.invoke()
    gui.wait_for(lambda: window.test_digit is not None, 30, "a pen-drawn test digit")
    pen = drawn.load(SHARED_DATA / "unipen-digits-dev.npz")
    digit = window.test_digit
    index = int(re.search(r"#(\d+)", digit.caption).group(1))  # type: ignore[union-attr]
    assert digit.label == pen.labels[index] and drawn.held_out_writers(pen.writers)[index]
    np.testing.assert_allclose(gui.app.pad.opened.image, digit.image)
    assert gui.app.prediction is not None  # the app read it


def test_my_drawings_matrix_and_reopening(gui: Harness, tiny_mnist: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = tiny_mnist
    store = DrawingStore()
    x = images[:14].astype(np.float32) / 255
    for image, label in zip(x, labels[:14]):
        store.add([[[1.0, 2.0], [3.0, 4.0]]], image, int(label), {})
    store.close()
    window = open_window(gui)
    wait_shown(gui, window)
    window.which.set("mine")
    window.refresh()
    gui.wait_for(lambda: window.busy is None and window.shown is not None, 30, "my drawings")
    wait_shown(gui, window)
    choose(gui, window, "B3")
    b3 = load_every()[0]["B3"]
    expected = direct_confusion(b3.predict_proba(x).argmax(axis=1), labels[:14])
    np.testing.assert_array_equal(window.confusion.counts, expected)
    assert "B3 on My drawings" in window.confusion.title and "(14 digits)" in window.confusion.title
    window.destroy()
    gui.pump()
    again = open_window(gui)  # the MNIST answers are kept: shown at once, nothing computed
    assert again is not window and again.busy is None and again.shown is not None
    assert list(quality.cache_folder().glob("B1-*.npy"))  # and kept on disk for next time


def test_a_second_net_chosen_while_drawing_wins(gui: Harness,
                                                tiny_mnist: tuple[np.ndarray, np.ndarray]) -> None:
    """B1 then B3 at once: B1's figures, drawn meanwhile, never replace B3's."""
    _, labels = tiny_mnist
    window = open_window(gui)
    wait_shown(gui, window)
    pasted: list[str] = []
    paste = window.confusion.shown

    def recorded(counts: np.ndarray | None, title: str, picture: np.ndarray) -> None:
        pasted.append(title)
        paste(counts, title, picture)

    window.confusion.shown = recorded  # type: ignore[method-assign]
    window.net_buttons["B1"].invoke()
    window.net_buttons["B3"].invoke()  # before B1's figures are back
    assert window.working
    wait_shown(gui, window)
    gui.pump(0.2)  # nothing late comes after
    assert window.displayed == ("B3", "mnist") and window.net.get() == "B3"
    assert len(pasted) == 1 and pasted[0].startswith("B3 on MNIST test: ")
    assert window.confusion.title == pasted[0]
    b3 = load_every()[0]["B3"]
    x = tiny_mnist[0].astype(np.float32) / 255
    np.testing.assert_array_equal(window.confusion.counts,
                                  direct_confusion(b3.predict_proba(x).argmax(axis=1), labels))
    assert window.mistakes.ids == [m.index for m in window.shown.mistakes]  # type: ignore[union-attr]
