"""Distillation on fixed augmented views: reproducible views, the answers cache, training with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad.train import Callbacks, TrainConfig, run, views
from digitpad.train.augment import PRESETS
from tests.bars import upright_bars


def test_a_view_is_the_same_whoever_makes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    x = upright_bars(9000)  # three chunks
    first = views.make_view(x, 0, 3, PRESETS["light"])
    monkeypatch.setattr(views, "WORKERS", 3)
    assert np.array_equal(views.make_view(x, 0, 3, PRESETS["light"]), first)
    assert not np.allclose(views.make_view(x, 0, 4, PRESETS["light"]), first)
    assert not np.allclose(views.make_view(x, 1, 3, PRESETS["light"]), first)
    assert not np.allclose(first, x)
    assert views.make_view(x, 0, 3, None) is x


def test_view_stream_cycles_through_the_views() -> None:
    x = upright_bars(50)
    seen = [(v, images.copy()) for v, images in views.view_stream(x, 0, 3, PRESETS["light"], 7)]
    assert [v for v, _ in seen] == [0, 1, 2, 0, 1, 2, 0]
    assert np.array_equal(seen[0][1], seen[3][1]) and not np.allclose(seen[0][1], seen[1][1])


def test_answers_are_checked_against_the_view_they_were_made_for() -> None:
    x = upright_bars(100)
    def uniform(images: np.ndarray) -> np.ndarray:
        return np.full((len(images), 10), 0.1, np.float32)

    table = views.compute(uniform, x, 0, 2, PRESETS["light"])
    assert table.probs.shape == (2, 100, 10) and table.probs.dtype == np.float16
    table.check(1, views.make_view(x, 0, 1, PRESETS["light"]))
    with pytest.raises(ValueError, match="differs"):
        table.check(1, views.make_view(x, 0, 0, PRESETS["light"]))


def test_mix_keeps_the_label_share_and_softens_the_teacher() -> None:
    probs = np.array([[0.9, 0.1] + [0.0] * 8, [0.0] * 9 + [1.0]], np.float32)
    labels = np.array([0, 3])
    np.testing.assert_allclose(views.mix(probs, labels, 0.0, 2.0)[1, 3], 1.0)
    mixed = views.mix(probs, labels, 0.8, 2.0)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-6)
    assert mixed[0, 1] == pytest.approx(0.8 * 0.1 ** 0.5 / (0.9 ** 0.5 + 0.1 ** 0.5), rel=1e-5)
    assert mixed[1, 3] == pytest.approx(0.2) and mixed[1, 9] == pytest.approx(0.8)


def test_cache_file_round_trip_and_damage(tmp_path: Path) -> None:
    table = views.TeacherViews(np.full((2, 5, 10), 0.1, np.float16), np.arange(2 * views.PROBES, dtype=float)
                               .reshape(2, -1))
    path = tmp_path / "answers.npz"
    views.save(path, table)
    loaded = views.load(path, 2, 5)
    assert np.array_equal(loaded.probs, table.probs) and np.array_equal(loaded.probes, table.probes)
    with pytest.raises(ValueError, match="shape"):
        views.load(path, 3, 5)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match="damaged"):
        views.load(path, 2, 5)
    table.probs[0, 0, 0] = np.nan
    views.save(path, table)
    with pytest.raises(ValueError, match="not numbers"):
        views.load(path, 2, 5)


def test_training_on_teacher_views_caches_the_answers(mnist_available: Path, isolated_user_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from digitpad.nets import cnn

    config = TrainConfig(net="B3", epochs=2, limit=1000, val_size=200, test_limit=300, augment="light",
                         teacher="K1", teacher_weight=0.8, teacher_views=2)
    first = run(config, Callbacks())
    cached = list((isolated_user_dir / "teacher-views").glob("*.npz"))
    assert len(cached) == 1
    assert first.test_accuracy is not None and first.test_accuracy > 0.7
    assert "on 2 augmented views" in first.meta["teacher"]

    def no_teacher(self: object, x: np.ndarray) -> np.ndarray:
        raise AssertionError("the cached answers should have been used")

    monkeypatch.setattr(cnn.ConvNet, "predict_proba", no_teacher)
    second = run(config, Callbacks())
    assert second.history[-1].train_loss == first.history[-1].train_loss  # same views, same answers
    other = TrainConfig(**{**config.to_dict(), "seed": 1})
    with pytest.raises(AssertionError, match="cached"):
        run(other, Callbacks())  # another seed makes other views: the cache does not fit


def test_teacher_views_need_a_teacher(mnist_available: Path) -> None:
    with pytest.raises(ValueError, match="needs --teacher"):
        run(TrainConfig(net="B1", limit=300, val_size=60, teacher_views=2))


def test_cancelling_while_the_teacher_answers_stops_soon_and_saves_nothing(
        mnist_available: Path, isolated_user_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from digitpad.nets import cnn
    from digitpad.train import teacher

    monkeypatch.setattr(teacher, "ANSWER_SLICE", 500)  # slices as in a real run, on fewer images
    answered: list[int] = []
    real = cnn.ConvNet.predict_proba

    def counting(self: cnn.ConvNet, x: np.ndarray) -> np.ndarray:
        answered.append(len(x))
        return real(self, x)

    monkeypatch.setattr(cnn.ConvNet, "predict_proba", counting)

    class CancelSoon(Callbacks):
        def __init__(self) -> None:
            self.asked = 0

        def cancelled(self) -> bool:
            self.asked += 1
            return self.asked > 1  # after the first slice of the first view

    config = TrainConfig(net="B3", epochs=2, limit=1500, val_size=200, augment="light", teacher="K1",
                         teacher_views=2)
    result = run(config, CancelSoon(), isolated_user_dir / "B3.npz")
    assert result.cancelled and sum(answered) <= 500  # not the whole view of 1,300 images
    assert not (isolated_user_dir / "B3.npz").exists()
    assert not list((isolated_user_dir / "teacher-views").glob("*"))
