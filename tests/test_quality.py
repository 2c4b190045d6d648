"""digitpad.quality, curves and samples (Network ▸ How good is it?… without Tk): confusion
matrices and mistakes on known probabilities, the MNIST answers kept on disk, the learning
curves weights files keep, and the test digits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SHARED_DATA
from PIL import Image

from digitpad import curves, drawn, preprocess, quality, samples
from digitpad.datasets import DatasetError, write_idx
from digitpad.datasets.sources import MNIST_FILES
from digitpad.nets import SPECS, registry
from digitpad.nets.mlp import MLP
from digitpad.train import Callbacks, TrainConfig, run

PEN = SHARED_DATA / "unipen-digits-dev.npz"


def one_hot(digit: int, p: float) -> list[float]:
    row = [(1 - p) / 9] * 10
    row[digit] = p
    return row


def test_confusion_and_mistakes_on_known_answers() -> None:
    """Five images, labels 0 1 2 3 3; B1 says 0 1 7 8 3 (sure of each as given)."""
    said = [(0, 0.9), (1, 0.6), (7, 0.7), (8, 0.95), (3, 0.5)]
    per_net = {"B1": np.array([one_hot(d, p) for d, p in said], np.float32)}
    images = np.arange(5, dtype=np.float32)[:, None, None] * np.ones((1, 28, 28), np.float32)
    scored = quality.Scored("test", images, np.array([0, 1, 2, 3, 3]), per_net)
    result = scored.quality("B1")
    expected = np.zeros((10, 10), np.int64)
    for true, answer in ((0, 0), (1, 1), (2, 7), (3, 8), (3, 3)):
        expected[true, answer] += 1
    np.testing.assert_array_equal(result.confusion, expected)
    assert result.accuracy == pytest.approx(0.6) and result.count == 5
    assert [(m.index, m.label, m.answer) for m in result.mistakes] == [(3, 3, 8), (2, 2, 7)]
    assert result.mistakes[0].probability == pytest.approx(0.95)
    assert result.mistakes[0].image[0, 0] == 3  # the image of that index
    assert scored.nets == ["B1", "vote"] and set(scored.judge()) == {"B1", "vote"}
    assert quality.Scored("empty", images[:0], np.zeros(0, np.int64), {}).nets == []


def small_mnist(folder: Path) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    images = (rng.random((30, 28, 28)) ** 3 * 255).astype(np.uint8)
    labels = rng.integers(0, 10, 30).astype(np.uint8)
    for part, array in (("train_images", images), ("train_labels", labels),
                        ("test_images", images), ("test_labels", labels)):
        write_idx(folder / MNIST_FILES[part], array)
    return images, labels


def test_mnist_answers_are_kept_on_disk_per_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images, _ = small_mnist(tmp_path)
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path))
    net = MLP(SPECS["B1"].sizes, name="B1", seed=1)
    first = quality.ProbabilityCache()
    found = first.probabilities(net)
    np.testing.assert_allclose(found, net.predict_proba(images.astype(np.float32) / 255), atol=1e-6)
    assert len(list(quality.cache_folder().glob("B1-*.npy"))) == 1

    def no_reading(*_args: object) -> None:
        raise AssertionError("read again instead of from the disk")

    monkeypatch.setattr(quality, "Reader", no_reading)
    second = quality.ProbabilityCache()  # as after starting the app again
    np.testing.assert_array_equal(second.probabilities(net), found)
    other = MLP(SPECS["B1"].sizes, name="B1", seed=2)  # other weights: computed afresh
    with pytest.raises(AssertionError, match="read again"):
        second.probabilities(other)


def test_learning_curves_from_a_training_run(mnist_available: Path, tmp_path: Path) -> None:
    config = TrainConfig(net="B1", epochs=2, limit=800, test_limit=200, val_size=200, augment="none")
    result = run(config, Callbacks(), tmp_path / "B1.npz")
    net = registry.load_file("B1", tmp_path / "B1.npz")
    found = curves.learning_curves(net)
    assert found is not None and found.best_epoch == result.best_epoch
    np.testing.assert_array_equal(found.epochs, [1, 2])
    np.testing.assert_allclose(found.val, [r.val_accuracy for r in result.history], atol=1e-5)
    np.testing.assert_allclose(found.train, [r.train_accuracy for r in result.history], atol=1e-5)


def test_shipped_curves_are_k1s_sidecar_the_mlps_own_and_none_without_history(tmp_path: Path) -> None:
    k1 = registry.load_file("K1", REPO / "weights" / "K1.npz")
    found = curves.learning_curves(k1)
    sidecar = json.loads((REPO / "weights" / "K1.json").read_text())[curves.SIDECAR_KEY]
    assert found is not None and len(found.epochs) == len(sidecar) == k1.meta["epochs"]
    assert found.val[-1] == sidecar[-1][2] and found.best_epoch == k1.meta["best_epoch"]
    mlps = {name: registry.load_file(name, REPO / "weights" / f"{name}.npz")
            for name in ("B1", "B2", "B3", "B4")}
    for mlp in mlps.values():  # all trained since files keep them
        own = curves.learning_curves(mlp)
        assert own is not None and own.source == "its weights file" and len(own.epochs) == mlp.meta["epochs"]
    b4 = mlps["B4"]
    del b4.meta[curves.META_KEY]  # as in a file trained before files kept them
    assert curves.learning_curves(b4) is None
    text = curves.no_curves_text(b4)
    assert f"kept epoch {b4.meta['best_epoch']} of {b4.meta['epochs']}" in text
    shutil.copy(REPO / "weights" / "K1.npz", tmp_path / "K1.npz")  # without its sidecar: none
    assert curves.learning_curves(registry.load_file("K1", tmp_path / "K1.npz")) is None


def test_an_mnist_test_digit_and_its_picture() -> None:
    images = np.zeros((3, 28, 28), np.float32)
    images[1, 5:20, 13] = 1.0
    digit = samples.mnist_digit(images, np.array([4, 1, 7]), np.random.default_rng(0))
    index = int(digit.caption.split("#")[1])
    assert digit.label == [4, 1, 7][index]
    np.testing.assert_array_equal(digit.image, images[index])
    small = np.asarray(digit.picture.resize((28, 28), Image.Resampling.NEAREST))
    np.testing.assert_array_equal(small, 255 - np.round(images[index] * 255))  # dark on white


def test_a_pen_digit_is_by_an_unseen_writer_and_drawn_as_the_app_draws(tmp_path: Path) -> None:
    if not PEN.is_file():
        pytest.skip("no pen-drawn digits in the data folder")
    data = drawn.load(PEN)
    held_out = drawn.held_out_writers(data.writers)
    for seed in range(5):
        digit = samples.pen_digit(np.random.default_rng(seed), PEN)
        index = int(digit.caption.split("#")[1].split()[0])
        assert held_out[index] and digit.label == data.labels[index]
        assert digit.image.shape == (28, 28) and digit.picture.size == (280, 280)
        rng = np.random.default_rng(seed)  # the pick, then the placing, as pen_digit does
        assert index == np.flatnonzero(held_out)[rng.integers(int(held_out.sum()))]
        canvas = preprocess.rasterize(drawn.place(data.strokes(index), rng))
        np.testing.assert_array_equal(digit.image, preprocess.to_mnist(canvas))
    with pytest.raises(DatasetError, match="missing"):
        samples.pen_digit(np.random.default_rng(0), tmp_path / "none.npz")
