"""K1: the numpy forward pass against Keras, its weights files, and a tiny training run.

Tests that need Keras run only where TensorFlow is installed (the ``[cnn]`` extra);
the numpy side, the file checks and import hygiene run everywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import skip_unless_ci

from digitpad import drawn
from digitpad.nets import cnn, registry, store
from digitpad.train.config import TrainConfig
from digitpad.train.progress import Callbacks, EpochResult
from tests.bars import upright_bars
from tests.pen_files import pen_file, writer_ids

REPO = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-5  # max |probability difference| between Keras and numpy


def random_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {key: (rng.standard_normal(shape) * 0.1).astype(np.float32)
            for key, shape in cnn.expected_shapes().items()}


def naive_conv(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, padding: str) -> np.ndarray:
    """Textbook convolution (cross-correlation, as Keras does), one output pixel at a time."""
    if padding == "same":
        x = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    b, h, w = x.shape[0], x.shape[1] - 2, x.shape[2] - 2
    out = np.zeros((b, h, w, kernel.shape[3]), np.float64)
    for i in range(h):
        for j in range(w):
            out[:, i, j] = np.einsum("byxc,yxco->bo", x[:, i:i + 3, j:j + 3], kernel) + bias
    return out


# --- numpy only -------------------------------------------------------------------------
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_conv3x3_matches_textbook_convolution(padding: str) -> None:
    rng = np.random.default_rng(1)
    x = rng.random((2, 6, 6, 3)).astype(np.float32)
    kernel = rng.standard_normal((3, 3, 3, 4)).astype(np.float32)
    bias = rng.standard_normal(4).astype(np.float32)
    got = cnn.conv3x3(x, kernel.reshape(-1, 4), bias, padding)
    np.testing.assert_allclose(got, naive_conv(x, kernel, bias, padding), atol=1e-5)


def test_max_pool_and_shapes() -> None:
    x = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1)
    assert cnn.max_pool2(x)[0, :, :, 0].tolist() == [[5, 7], [13, 15]]
    net = cnn.ConvNet(random_arrays())
    single = net.predict_proba(np.zeros((28, 28), np.float32))
    batch = net.predict_proba(np.random.default_rng(0).random((70, 28, 28), dtype=np.float32))
    assert single.shape == (1, 10) and batch.shape == (70, 10) and batch.dtype == np.float32
    np.testing.assert_allclose(batch.sum(axis=1), 1, atol=1e-5)
    assert net.predict_proba(np.zeros((0, 28, 28), np.float32)).shape == (0, 10)


def test_save_load_round_trip(tmp_path: Path) -> None:
    net = cnn.ConvNet(random_arrays(), meta={"test_accuracy": 0.5})
    net.save(tmp_path / "K1.npz", trained_on="nothing")
    again = cnn.load(tmp_path / "K1.npz")
    assert again.meta["kind"] == "cnn" and again.meta["trained_on"] == "nothing"
    assert again.meta["architecture"] == cnn.ARCHITECTURE
    x = np.random.default_rng(2).random((5, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(again.predict_proba(x), net.predict_proba(x))


def _save_raw(path: Path, arrays: dict[str, np.ndarray], **meta: Any) -> Path:
    store.save(path, arrays, {"kind": "cnn", "name": "K1", "architecture": cnn.ARCHITECTURE, **meta})
    return path


@pytest.mark.parametrize("change, message", [
    (lambda a: a.pop("conv3.kernel"), "missing"),
    (lambda a: a.update({"conv3.kernel": np.zeros((3, 3, 32, 65), np.float32)}), "shape"),
    (lambda a: a.update({"out.bias": np.zeros((11,), np.float32)}), "shape"),
    (lambda a: a.update({"dense1.bias": np.full((128,), np.nan, np.float32)}), "finite"),
    (lambda a: a.update({"extra": np.zeros(3, np.float32)}), "unexpected"),
])
def test_wrong_arrays_are_refused(tmp_path: Path, change: Any, message: str) -> None:
    arrays = random_arrays()
    change(arrays)
    with pytest.raises(store.WeightsError, match=message):
        cnn.load(_save_raw(tmp_path / "bad.npz", arrays))


def test_wrong_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(store.WeightsError, match="architecture"):
        cnn.load(_save_raw(tmp_path / "old.npz", random_arrays(), architecture="K0"))
    with pytest.raises(store.WeightsError, match="not the CNN"):
        cnn.load(_save_raw(tmp_path / "mlp.npz", random_arrays(), kind="mlp"))
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(store.WeightsError):
        cnn.load(garbage)
    good = _save_raw(tmp_path / "cut.npz", random_arrays())
    good.write_bytes(good.read_bytes()[:5000])
    with pytest.raises(store.WeightsError):
        cnn.load(good)
    with pytest.raises(store.WeightsError, match="no such"):
        cnn.load(tmp_path / "absent.npz")


def test_import_leaves_tensorflow_and_keras_out() -> None:
    code = ("import sys, numpy, digitpad.nets.cnn, digitpad.nets, digitpad.preprocess, digitpad.gui, "
            "digitpad.cli\n"
            "digitpad.nets.load_network('vote').predict_proba(numpy.zeros((1, 28, 28), 'float32'))\n"
            "print(sorted(m for m in ('tensorflow', 'keras', 'jax') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_missing_keras_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keras", None)  # makes "import keras" raise ImportError
    with pytest.raises(RuntimeError, match=r'pip install -e "\.\[cnn\]"'):
        cnn.build_k1()


def test_shipped_k1_loads_and_reads_mnist(mnist_available: Path) -> None:
    from digitpad import datasets

    net = registry.load("K1")
    assert net.name == "K1" and net.meta["test_accuracy"] >= 0.9965
    data = datasets.load("mnist")
    x = data.test_images[:1000].astype(np.float32) / 255
    assert np.mean(net.predict_proba(x).argmax(axis=1) == data.test_labels[:1000]) > 0.99


# --- with Keras --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def keras_k1() -> Any:
    """A Keras K1 with random weights and non-trivial batch-norm statistics."""
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        skip_unless_ci('TensorFlow is not installed (pip install -e ".[cnn]")')
    model = cnn.build_k1()
    rng = np.random.default_rng(3)
    for layer in model.layers:
        if layer.name.endswith("_bn"):
            n = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, n), rng.normal(0, 0.2, n),
                               rng.normal(0, 0.2, n), rng.uniform(0.3, 2.0, n)])
    return model


def _max_difference(model: Any, x: np.ndarray) -> float:
    expected = model.predict(x[..., None], verbose=0, batch_size=128)
    return float(np.abs(cnn.ConvNet(cnn.export_arrays(model)).predict_proba(x) - expected).max())


def test_parity_on_random_images(keras_k1: Any) -> None:
    x = np.random.default_rng(4).random((64, 28, 28), dtype=np.float32)
    assert _max_difference(keras_k1, x) <= TOLERANCE


def test_parity_on_mnist(keras_k1: Any, mnist_available: Path) -> None:
    from digitpad import datasets

    x = datasets.load("mnist").test_images[:256].astype(np.float32) / 255
    assert _max_difference(keras_k1, x) <= TOLERANCE


def test_keras_teacher_answers_like_the_numpy_port(keras_k1: Any) -> None:
    """The GPU path (--teacher-runtime keras) reads K1's .weights.h5; its answers on
    distorted views must be those of the numpy K1 that the app runs. Here rather than in
    test_teacher_views: TensorFlow is loaded once per test file that needs it."""
    from digitpad.train import views
    from digitpad.train.augment import PRESETS
    from digitpad.train.teacher import _keras_predict

    x = views.make_view(upright_bars(64), 0, 0, PRESETS["strong"])
    keras_answers = _keras_predict(registry.shipped_path("K1"))(x)
    np.testing.assert_allclose(keras_answers, registry.load("K1").predict_proba(x), atol=1e-5)


class Recorder(Callbacks):
    def __init__(self, cancel_after_batches: int | None = None) -> None:
        self.batches, self.cancel_after = 0, cancel_after_batches
        self.epochs: list[EpochResult] = []

    def on_batch(self, progress: Any) -> None:
        self.batches += 1

    def on_epoch(self, result: EpochResult) -> None:
        self.epochs.append(result)

    def cancelled(self) -> bool:
        return self.cancel_after is not None and self.batches >= self.cancel_after


def test_tiny_training_run(keras_k1: Any, mnist_available: Path, tmp_path: Path) -> None:
    from digitpad.train.keras_trainer import train_k1

    (kept,), (left_out,) = writer_ids(1, False, 0), writer_ids(1, False, 2)
    pen = pen_file(tmp_path / "pen.npz", {kept: [1, 7, 1, 7], left_out: [1, 1, 7, 7, 7]})
    # 1,620 MNIST images and 12 pen copies: 51 whole batches. A last, smaller batch would
    # make TensorFlow trace the training step a second time (3 s here).
    config = TrainConfig(net="K1", epochs=1, batch_size=32, limit=2025, test_limit=500, augment="light",
                         pen_digits=str(pen), pen_exclude_fold=2)
    recorder, out = Recorder(), tmp_path / "K1.npz"
    result = train_k1(config, recorder, out)
    assert not result.cancelled and len(recorder.epochs) == 1
    assert recorder.batches == 6  # reported after batches 10, 20, ..., 50 and the last, 51
    drawings = drawn.load(pen)
    mask = drawn.in_fold(drawings.writers, 2)
    answers = cnn.load(out).predict_proba(drawn.render(drawings, drawings.subset(mask), seed=0))
    assert recorder.epochs[0].fold_accuracy == np.mean(answers.argmax(axis=1) == drawings.labels[mask])
    assert result.meta["writer_fold_history (epoch, accuracy)"][0][0] == 1
    assert result.test_accuracy is not None and result.test_accuracy > 0.3  # chance: 0.1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["K1.json", "K1.npz", "K1.weights.h5", "pen.npz"]
    saved = cnn.load(out)
    assert saved.meta["test_accuracy"] == result.test_accuracy
    assert json.loads((tmp_path / "K1.json").read_text())["architecture"] == cnn.ARCHITECTURE
    from_h5 = cnn.export_arrays(cnn.keras_from_weights(tmp_path / "K1.weights.h5"))
    for key, array in from_h5.items():
        np.testing.assert_array_equal(array, saved.arrays[key])


def test_cancel_saves_nothing(keras_k1: Any, mnist_available: Path, tmp_path: Path) -> None:
    from digitpad.train.keras_trainer import train_k1

    out = tmp_path / "K1.npz"
    out.write_bytes(b"the old weights")
    config = TrainConfig(net="K1", epochs=3, batch_size=32, limit=1000, test_limit=100)
    result = train_k1(config, Recorder(cancel_after_batches=1), out)
    assert result.cancelled and result.test_accuracy is None
    assert out.read_bytes() == b"the old weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["K1.npz"]


def test_fine_tuning_starts_from_the_keras_weights(keras_k1: Any, mnist_available: Path,
                                                   tmp_path: Path) -> None:
    """The .npz has batch norm folded in, so K1 fine-tunes from the .weights.h5 beside it."""
    from digitpad.train.keras_trainer import train_k1

    start = tmp_path / "start.npz"
    cnn.ConvNet(cnn.export_arrays(keras_k1), name="K1").save(start)
    config = TrainConfig(net="K1", epochs=1, batch_size=50, limit=500, test_limit=100, val_size=100,
                         learning_rate=1e-12, init=str(start))
    with pytest.raises(ValueError, match="needs the Keras weights start.weights.h5 beside it"):
        train_k1(config, Recorder())
    keras_k1.save_weights(str(tmp_path / "start.weights.h5"))
    train_k1(config, Recorder(), tmp_path / "tuned.npz")
    tuned = cnn.keras_from_weights(tmp_path / "tuned.weights.h5")
    for layer in ("conv1", "conv5", "dense1", "out"):
        np.testing.assert_allclose(tuned.get_layer(layer).get_weights()[0],
                                   keras_k1.get_layer(layer).get_weights()[0], atol=1e-8)
    with pytest.raises(store.WeightsError):
        train_k1(TrainConfig(**{**config.to_dict(), "init": str(tmp_path / "missing.npz")}), Recorder())
