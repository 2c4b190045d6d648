"""Training: augmentation, batching, a short run that learns, cancelling saves nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad.train import Callbacks, TrainConfig, run
from digitpad.train.augment import PRESETS, Strength, augment, bilinear, change_thickness
from digitpad.train.batches import augmented_batches


def test_identity_strength_leaves_images_unchanged() -> None:
    x = np.random.default_rng(0).random((5, 28, 28), dtype=np.float32)
    same = augment(x, np.random.default_rng(1), Strength(0, 0, 0, 0, 0, 0, 0))
    np.testing.assert_allclose(same, x, atol=1e-6)


def test_bilinear_shifts_by_whole_pixels() -> None:
    x = np.zeros((1, 28, 28), np.float32)
    x[0, 10, 12] = 1.0
    grid_y, grid_x = np.mgrid[0:28, 0:28].astype(np.float32)
    moved = bilinear(x, grid_x[None] - 3, grid_y[None] + 2)  # read 3 left, 2 below
    assert moved[0, 8, 15] == pytest.approx(1.0) and moved.sum() == pytest.approx(1.0)


def reference_bilinear(image: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Bilinear sampling written per pixel from the definition: zero outside the image."""
    def pixel(row: int, col: int) -> float:
        return float(image[row, col]) if 0 <= row < 28 and 0 <= col < 28 else 0.0

    out = np.zeros((28, 28))
    for (r, c), x in np.ndenumerate(src_x):
        x, y = max(min(x, 30.0), -2.0), max(min(src_y[r, c], 30.0), -2.0)
        x0, y0 = int(np.floor(x)), int(np.floor(y))
        fx, fy = x - x0, y - y0
        out[r, c] = ((1 - fy) * ((1 - fx) * pixel(y0, x0) + fx * pixel(y0, x0 + 1))
                     + fy * ((1 - fx) * pixel(y0 + 1, x0) + fx * pixel(y0 + 1, x0 + 1)))
    return out


def test_bilinear_matches_the_definition_across_blocks_and_beyond_every_edge() -> None:
    """More images than one block, positions up to 4 px outside on every side: outside
    is zero on the right and bottom too (version 1 repeated the last column there)."""
    rng = np.random.default_rng(7)
    x = rng.random((131, 28, 28), dtype=np.float32)
    src_x = rng.uniform(-4, 31, x.shape).astype(np.float32)
    src_y = rng.uniform(-4, 31, x.shape).astype(np.float32)
    got = bilinear(x, src_x, src_y)
    for i in (0, 127, 128, 130):
        np.testing.assert_allclose(got[i], reference_bilinear(x[i], src_x[i], src_y[i]), atol=2e-6)
    beyond = np.full((1, 28, 28), 27.5, np.float32)  # half a pixel past the last column
    row = np.broadcast_to(np.arange(28, dtype=np.float32)[:, None], (1, 28, 28))
    np.testing.assert_allclose(bilinear(x[:1], beyond, row)[0, :, 0], 0.5 * x[0, :, 27], rtol=1e-6)


def test_thickness_is_a_blend_with_the_dilation_or_erosion() -> None:
    """Against the formula written out for the whole batch at once (the oracle)."""
    rng = np.random.default_rng(8)
    x = rng.random((300, 28, 28), dtype=np.float32) * (rng.random((300, 28, 28)) < 0.3)
    amount = rng.uniform(-1, 1, 300)
    amount[:7] = 0.0
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    stack = np.stack([x, padded[:, :-2, 1:-1], padded[:, 2:, 1:-1],
                      padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]])
    w = amount.astype(np.float32)[:, None, None]
    want = x + np.maximum(w, 0) * (stack.max(0) - x) + np.maximum(-w, 0) * (stack.min(0) - x)
    np.testing.assert_array_equal(change_thickness(x, amount), want)


def test_thickness_grows_and_shrinks_ink() -> None:
    x = np.zeros((2, 28, 28), np.float32)
    x[:, 8:20, 12:16] = 1.0
    out = change_thickness(x, np.array([1.0, -1.0]))
    assert out[0].sum() > x[0].sum() > out[1].sum()


def test_strong_augmentation_keeps_range_and_mostly_the_ink() -> None:
    x = np.zeros((64, 28, 28), np.float32)
    x[:, 6:22, 12:16] = 1.0
    out = augment(x, np.random.default_rng(0), PRESETS["strong"])
    assert out.shape == x.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    ratio = out.sum(axis=(1, 2)) / x.sum(axis=(1, 2))
    assert 0.5 < ratio.min() and ratio.max() < 2.0
    assert not np.allclose(out[0], out[1])  # each image gets its own distortion


def test_batches_visit_every_example_once_per_epoch() -> None:
    x = np.arange(10_000, dtype=np.float32)[:, None, None] * np.ones((1, 28, 28), np.float32)
    y = np.arange(10_000)
    seen = np.concatenate([yb for _, yb in augmented_batches(x, y, 128, np.random.default_rng(0), None)])
    assert sorted(seen) == list(range(10_000)) and not np.array_equal(seen, y)
    for xb, yb in augmented_batches(x, y, 100, np.random.default_rng(0), None):
        np.testing.assert_array_equal(xb[:, 0, 0], yb)


class Recorder(Callbacks):
    def __init__(self, cancel_after: int | None = None) -> None:
        self.batches: list[float] = []
        self.epochs: list[float] = []
        self.cancel_after = cancel_after

    def on_batch(self, progress) -> None:
        self.batches.append(progress.fraction)

    def on_epoch(self, result) -> None:
        self.epochs.append(result.val_accuracy)

    def cancelled(self) -> bool:
        return self.cancel_after is not None and len(self.batches) >= self.cancel_after


def test_short_training_run_learns_and_saves(mnist_available: Path, tmp_path: Path) -> None:
    config = TrainConfig(net="B3", epochs=2, limit=4000, test_limit=1000, augment="light", val_size=500)
    recorder = Recorder()
    result = run(config, recorder, tmp_path / "B3.npz")
    assert result.test_accuracy is not None and result.test_accuracy > 0.8
    assert len(recorder.epochs) == 2 and recorder.batches[-1] == pytest.approx(1.0)
    from digitpad.nets import mlp

    saved = mlp.load(tmp_path / "B3.npz", expected_sizes=[784, 250, 10])
    assert saved.meta["test_accuracy"] == result.test_accuracy
    assert "MNIST" in saved.meta["trained_on"]


def test_training_is_reproducible(mnist_available: Path) -> None:
    config = TrainConfig(net="B3", epochs=1, limit=1500, test_limit=300, val_size=300)
    first, second = run(config), run(config)
    assert first.test_accuracy == second.test_accuracy
    assert first.history[0].train_loss == second.history[0].train_loss


def test_cancelled_run_writes_nothing(mnist_available: Path, tmp_path: Path) -> None:
    out = tmp_path / "B2.npz"
    result = run(TrainConfig(net="B2", epochs=3, limit=3000, val_size=300), Recorder(cancel_after=2), out)
    assert result.cancelled and result.test_accuracy is None
    assert list(tmp_path.iterdir()) == []


def test_without_a_validation_split_all_images_train_and_the_last_epoch_is_kept(
        mnist_available: Path, tmp_path: Path) -> None:
    config = TrainConfig(net="B1", epochs=3, limit=800, test_limit=200, val_size=0, augment="none")
    result = run(config, Recorder(), tmp_path / "B1.npz")
    assert result.best_epoch == 3 and "800 training images" in result.meta["trained_on"]
    with pytest.raises(ValueError, match="cannot be negative"):
        run(TrainConfig(net="B1", limit=800, val_size=-5))


def test_unknown_augmentation_is_refused(mnist_available: Path) -> None:
    with pytest.raises(ValueError, match="augmentation"):
        run(TrainConfig(net="B1", augment="wild", limit=100))


def test_training_with_my_drawings_learns_them(mnist_available: Path) -> None:
    from digitpad.drawings import DrawingStore
    from digitpad.nets import mlp

    odd = np.zeros((28, 28), np.float32)
    odd[4:24, 4:24] = 1.0  # a filled square, which no MNIST digit looks like
    store = DrawingStore()
    store.add([[[0, 0]]], odd, 7, {})
    store.close()
    config = TrainConfig(net="B3", epochs=1, limit=1500, val_size=300, test_limit=200, augment="none",
                         my_drawings=300)
    result = run(config, out=Path(store.path.parent / "B3.npz"))
    assert "1 of your drawings (x300)" in result.meta["trained_on"]
    net = mlp.load(store.path.parent / "B3.npz")
    assert net.predict_proba(odd).argmax() == 7


def test_distillation_targets_mix_labels_and_teacher(mnist_available: Path) -> None:
    from digitpad.train.data import prepare
    from digitpad.train.teacher import static_targets as training_targets

    config = TrainConfig(net="B1", limit=600, val_size=100, teacher="K1", teacher_weight=0.5)
    splits = prepare(config)
    targets = training_targets(splits, config, Callbacks())
    np.testing.assert_allclose(targets.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(targets[np.arange(len(targets)), splits.y_train] >= 0.5)  # the label keeps half
    assert 0.9 < np.mean(targets.argmax(axis=1) == splits.y_train) <= 1.0
    assert np.all(targets.max(axis=1) < 1.0)  # the teacher's doubts soften every target


def test_teacher_answers_stop_at_the_next_slice_when_cancelled() -> None:
    """The app's retrain dialog can ask for K1's answers on 55,000 images (~1.5 min in
    numpy): a cancel must not wait for all of them."""
    from digitpad.train.progress import Cancelled
    from digitpad.train.teacher import ANSWER_SLICE, in_slices

    asked: list[int] = []

    class CancelAfterFirst(Callbacks):
        def cancelled(self) -> bool:
            return len(asked) >= 1

    def runtime(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return np.full((len(x), 10), 0.1, np.float32)

    x = np.zeros((3 * ANSWER_SLICE + 5, 28, 28), np.float32)
    assert in_slices(runtime, Callbacks())(x).shape == (len(x), 10)
    assert asked == [ANSWER_SLICE] * 3 + [5]
    asked.clear()
    with pytest.raises(Cancelled):
        in_slices(runtime, CancelAfterFirst())(x)
    assert asked == [ANSWER_SLICE]


def test_training_on_emnist_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EMNIST is not on this machine; tiny IDX files under its names stand in for it."""
    from digitpad.datasets import write_idx
    from digitpad.datasets.sources import EMNIST_FILES

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 600).astype(np.uint8)
    images = np.zeros((600, 28, 28), np.uint8)
    for i, label in enumerate(labels):  # a bar whose row encodes the label: learnable
        images[i, 2 + 2 * label: 4 + 2 * label, 4:24] = 255
    for split in ("train", "test"):
        write_idx(tmp_path / EMNIST_FILES[f"{split}_images"], images.transpose(0, 2, 1).copy())
        write_idx(tmp_path / EMNIST_FILES[f"{split}_labels"], labels)
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path))
    config = TrainConfig(net="B3", data="emnist", epochs=3, val_size=100, augment="none")
    result = run(config, out=tmp_path / "B3.npz")
    assert result.meta["trained_on"].startswith("EMNIST digits")
    assert "EMNIST" in result.meta["test_set"] and result.test_accuracy > 0.9


def test_best_epoch_is_the_lowest_validation_loss() -> None:
    from digitpad.train.progress import BestEpoch

    best = BestEpoch(patience=2)
    assert [best.better(e, loss) for e, loss in enumerate([0.5, 0.3, 0.31, 0.2, 0.25], 1)] == \
        [True, True, False, True, False]
    assert best.epoch == 4 and not best.out_of_patience
    assert not best.better(6, 0.2) and best.out_of_patience  # a tie is no improvement
    without = BestEpoch(patience=None, has_validation=False)
    assert all(without.better(e, 0.0) for e in range(1, 4)) and without.epoch == 3


def test_fine_tuning_starts_from_the_given_weights(mnist_available: Path, tmp_path: Path) -> None:
    from digitpad.nets import mlp, store

    base = TrainConfig(net="B1", epochs=1, limit=800, test_limit=200, val_size=0, augment="none")
    first = run(base, Recorder(), tmp_path / "first.npz")
    still = TrainConfig(**{**base.to_dict(), "init": str(tmp_path / "first.npz"), "learning_rate": 1e-12})
    tuned = run(still, Recorder(), tmp_path / "tuned.npz")
    assert tuned.test_accuracy == first.test_accuracy  # a random start reads ~10%
    before, after = mlp.load(tmp_path / "first.npz"), mlp.load(tmp_path / "tuned.npz")
    for w0, w1 in zip(before.weights, after.weights):
        np.testing.assert_allclose(w1, w0, atol=1e-8)
    assert "fine-tuned from first.npz (trained on MNIST (800 training images" in after.meta["trained_on"]
    with pytest.raises(store.WeightsError, match="needs"):
        run(TrainConfig(**{**still.to_dict(), "net": "B3"}))
    with pytest.raises(ValueError, match="uses relu, not tanh"):
        run(TrainConfig(**{**still.to_dict(), "activation": "tanh"}))
