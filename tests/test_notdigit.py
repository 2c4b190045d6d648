"""The not-a-digit check: the shipped detector, how reading uses it, and what it refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad import drawn, notdigit, preprocess
from digitpad.cli import main
from digitpad.nets import registry
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP
from digitpad.nets.store import WeightsError
from digitpad.reading import Reader, read
from digitpad.train import nondigits
from digitpad.train.notdigit_trainer import _fold_scaling, kept_samples
from tests.conftest import SHARED_DATA

LETTERS = SHARED_DATA / "unipen-letters-dev.npz"
needs_letters = pytest.mark.skipif(not LETTERS.is_file(), reason="unipen-letters-dev.npz is not here")
SHIPPED = Path(__file__).resolve().parents[1] / "weights"


@pytest.fixture(autouse=True)
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGITPAD_WEIGHTS", raising=False)


def letter_images(letter: str, count: int = 20) -> np.ndarray:
    """Held-out writers' pen-drawn ``letter``s, drawn as the app draws them."""
    data = drawn.load(LETTERS)
    mask = (data.labels == ord(letter)) & drawn.held_out_writers(data.writers)
    return drawn.render(data, data.subset(mask)[:count])


def test_the_shipped_detector_fits_the_shipped_k1() -> None:
    detector = notdigit.load()
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    assert isinstance(k1, ConvNet) and detector.fits(k1)
    assert detector.net.sizes[0] == 3200 and detector.net.sizes[-1] == 2
    assert 0 < detector.threshold < 1


@needs_letters
def test_held_out_letters_h_are_not_read_as_digits() -> None:
    """An H was read as a confident digit 95% of the time before the check."""
    found = read(letter_images("H"))
    assert isinstance(found, list) and len(found) >= 10
    rejected = [r for r in found if r.not_a_digit]
    assert len(rejected) >= 0.8 * len(found)
    assert not any(r.sure for r in rejected)
    assert all(r.text == "not a digit" and r.reason for r in rejected)


def test_mnist_style_digits_stay_digits(mnist_test_sample: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = mnist_test_sample
    found = read(images)
    assert isinstance(found, list)
    assert sum(r.not_a_digit for r in found) <= 0.01 * len(found)
    assert np.mean([r.digit == y for r, y in zip(found, labels)]) > 0.98


DIGITS = SHARED_DATA / "unipen-digits-dev.npz"


@pytest.mark.skipif(not DIGITS.is_file(), reason="unipen-digits-dev.npz is not here")
def test_held_out_digits_drawn_thin_stay_digits() -> None:
    """A scan or photo can have lines a fifth of the app's pen: still digits (66% were
    called "not a digit" before the check was trained on thinner pens)."""
    data = drawn.load(DIGITS)
    indices = data.subset(drawn.held_out_writers(data.writers))[:200]
    found = read(drawn.render(data, indices, widths=(4, 4)))
    assert isinstance(found, list)
    assert np.mean([r.not_a_digit for r in found]) <= 0.1
    assert np.mean([r.digit == y for r, y in zip(found, data.labels[indices])]) > 0.95


@pytest.fixture(scope="module")
def mnist_test_sample() -> tuple[np.ndarray, np.ndarray]:
    from digitpad.datasets import sources

    try:
        data = sources.load("mnist")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"MNIST is not here: {exc}")
    return data.test_images[:300].astype(np.float32) / 255, data.test_labels[:300]


def test_a_k1_retrained_from_scratch_turns_the_check_off() -> None:
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    assert isinstance(k1, ConvNet)
    changed = ConvNet({**k1.arrays, "conv1.kernel": k1.arrays["conv1.kernel"] * 1.01})
    reader = Reader({"K1": changed})
    assert reader.detector is None and "retrained from scratch" in reader.detector_off
    assert not read(np.zeros((28, 28), np.float32), changed).not_a_digit  # type: ignore[union-attr]
    assert Reader({"K1": k1}).detector is not None


def test_a_damaged_detector_file_is_a_clear_error_and_reading_goes_on(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "weights"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns("*.h5", "__pycache__"))
    (folder / notdigit.FILENAME).write_bytes(b"PK\x03\x04 not really")
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(folder))
    with pytest.raises(WeightsError, match=notdigit.FILENAME):
        notdigit.load()
    reader = Reader()
    assert reader.detector is None and "not-a-digit check is off" in reader.detector_off
    assert reader.read(np.zeros((28, 28), np.float32))[0].not_a_digit is False


def test_a_reader_can_be_given_another_detector_file(tmp_path: Path) -> None:
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    copy = tmp_path / "other.npz"
    shutil.copy(SHIPPED / notdigit.FILENAME, copy)
    assert Reader({"K1": k1}, detector_file=copy).detector is not None
    bad = Reader({"K1": k1}, detector_file=SHIPPED / "B1.npz")
    assert bad.detector is None and "not a not-a-digit detector" in bad.detector_off


def test_a_digit_net_file_is_not_taken_for_a_detector() -> None:
    with pytest.raises(WeightsError, match="not a not-a-digit detector"):
        notdigit.load(SHIPPED / "B1.npz")


def test_folding_the_feature_scaling_into_the_first_layer_changes_no_output() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3, 2, (50, 7)).astype(np.float64)
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-3
    net = MLP([7, 5, 2], seed=1, dtype=np.float64)
    before = net.forward((x - mean) / spread)[1][-1]
    _fold_scaling(net, mean, spread)
    np.testing.assert_allclose(net.forward(x)[1][-1], before, atol=1e-12)


def block(image: np.ndarray, left: int, right: int) -> None:
    image[6:22, left:right] = 1.0


def test_two_parts_finds_two_inked_blocks_and_not_one() -> None:
    two, one, tiny = (np.zeros((28, 28), np.float32) for _ in range(3))
    block(two, 4, 11)
    block(two, 15, 23)
    block(one, 8, 20)
    block(tiny, 4, 12)
    tiny[20:22, 16:18] = 1.0  # a dot beside a digit is not a second digit
    assert notdigit.two_parts(np.stack([two, one, tiny])).tolist() == [True, False, False]


def test_a_dash_is_not_a_digit_but_a_stroke_down_is_a_one() -> None:
    """The nets read a flat line as a confident 1; the reading says "not a digit", even
    with the detector off, while the same line drawn down (or slanted) is still a 1."""
    def line(end: tuple[float, float]) -> np.ndarray:
        return preprocess.to_mnist(preprocess.rasterize([[(60.0, 140.0), end]]))

    flat, tilted, down, slanted = (line(e) for e in ((220, 150), (220, 230), (70, 30), (160, 40)))
    assert notdigit.dash(np.stack([flat, tilted, down, slanted])).tolist() == [True, False, False, False]
    dash = read(flat)
    assert dash.not_a_digit and dash.reason == notdigit.NOT_A_DIGIT  # type: ignore[union-attr]
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    assert isinstance(k1, ConvNet)
    unchecked = ConvNet({**k1.arrays, "conv1.kernel": k1.arrays["conv1.kernel"] * 1.01})
    assert Reader({"K1": unchecked}).detector is None
    assert read(flat, unchecked).not_a_digit  # type: ignore[union-attr]
    one = read(down)
    assert (one.digit, one.not_a_digit) == (1, False)  # type: ignore[union-attr]
    assert not notdigit.dash(np.zeros((1, 28, 28), np.float32))[0]


def test_no_mnist_digit_is_flat_enough_to_be_a_dash(mnist_test_sample: tuple[np.ndarray, np.ndarray]) -> None:
    assert not notdigit.dash(mnist_test_sample[0]).any()


def test_the_detector_learns_from_held_out_writers_only_when_told() -> None:
    writers = np.array([f"w{i}" for i in range(200)])
    held = drawn.held_out_writers(writers)
    assert 0 < held.sum() < len(writers)
    assert kept_samples(writers) == np.flatnonzero(~held).tolist()
    assert kept_samples(writers, all_writers=True) == list(range(len(writers)))
    fold = drawn.writer_folds(writers) == 2
    assert kept_samples(writers, lambda w: drawn.writer_folds(w) == 2, all_writers=True) == \
        np.flatnonzero(~fold).tolist()


def test_every_made_up_non_digit_lies_on_the_canvas() -> None:
    rng = np.random.default_rng(3)
    for kind in nondigits.MAKERS:
        strokes = nondigits.make(kind, rng)
        points = np.concatenate(strokes)
        assert np.isfinite(points).all(), kind
        assert points.min() >= 0 and points.max() <= preprocess.CANVAS_SIZE, kind
        assert preprocess.to_mnist(preprocess.rasterize(strokes)).max() > 0.5, kind


def test_two_digits_side_by_side_keep_both_and_their_order() -> None:
    one = [np.array([[0.0, 0.0], [0.0, 10.0]])]
    seven = [np.array([[0.0, 0.0], [6.0, 0.0], [2.0, 10.0]])]
    pair = nondigits.two_digits(one, seven, np.random.default_rng(0))
    assert len(pair) == 2
    assert pair[0][:, 0].max() < pair[1][:, 0].min()  # the first digit is on the left


@needs_letters
def test_predict_prints_not_a_digit_and_json_says_so(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    data = drawn.load(LETTERS)
    mask = (data.labels == ord("H")) & drawn.held_out_writers(data.writers)
    rng = np.random.default_rng(0)
    paths = []
    for k, i in enumerate(data.subset(mask)[:8]):
        picture = preprocess.rasterize(drawn.place(data.strokes(i), rng))
        path = tmp_path / f"H{k}.png"
        Image.eval(picture, lambda v: 255 - v).save(path)  # black on white, as a scan
        paths.append(str(path))
    assert main(["predict", *paths, "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert sum(a["not_a_digit"] for a in answers) >= 6
    assert all(a["reason"] for a in answers if a["not_a_digit"])
    assert main(["predict", paths[0]]) == 0
    assert "not a digit" in capsys.readouterr().out
