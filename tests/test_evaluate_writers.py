"""Accuracy per writer (``evaluate --by-writer``), writer folds for evaluation
(``--folds K --fold I``) and for training (``train --exclude-fold I``), issue #13."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from digitpad import drawn
from digitpad.cli import main
from digitpad.evaluate import Report, by_writer, format_writers
from digitpad.nets.base import Classifier
from digitpad.train.config import TrainConfig
from digitpad.train.data import pen_training_mask, prepare
from tests.pen_files import pen_file, writer_ids


class Always(Classifier):
    """A stand-in net that answers ``digit`` for every image, so its figures are known."""

    def __init__(self, name: str, digit: int) -> None:
        self.name, self.digit, self.meta = name, digit, {}

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        out = np.full((len(x), 10), 0.01, np.float32)
        out[:, self.digit] = 0.91
        return out


@pytest.fixture
def known_nets(monkeypatch: pytest.MonkeyPatch) -> None:
    """B1 always says 7, the other nets (and so the vote) always 1."""
    from digitpad.nets import registry

    monkeypatch.setattr(registry, "load", lambda name: Always(name, 7 if name == "B1" else 1))


def test_by_writer_gives_each_writers_figure_and_the_summary() -> None:
    labels = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4])
    predicted = np.array([1, 1, 1, 1, 2, 2, 2, 0, 0, 3, 4])
    writers = np.array(["a"] * 4 + ["b"] * 4 + ["c"] * 2 + ["d"])
    summary = by_writer(Report("B1", labels, predicted), writers, min_digits=2)
    assert summary.per_writer == {"a": (4, 1.0), "b": (4, 0.75), "c": (2, 0.5), "d": (1, 1.0)}
    assert summary.counted == {"a": 1.0, "b": 0.75, "c": 0.5}  # d has too few digits
    assert summary.median == 0.75 and summary.worst == ("c", 0.5)
    assert summary.weak() == 2 and summary.weak(0.6) == 1
    row = format_writers([summary]).splitlines()[-1].split()
    assert row == ["B1", "3/4", "75.00%", "50.00%", "c", "2"]
    assert summary.to_dict()["worst"] == {"writer": "c", "accuracy": 0.5}


def test_by_writer_without_enough_digits_has_no_median_and_refuses_a_mismatch() -> None:
    summary = by_writer(Report("K1", np.array([1, 2]), np.array([1, 1])), np.array(["a", "b"]))
    assert summary.median is None and summary.worst is None and summary.weak() == 0
    assert format_writers([summary]).splitlines()[-1].split() == ["K1", "0/2", "-", "-", "-", "0"]
    with pytest.raises(ValueError, match="3 writer ids for 2 digits"):
        by_writer(Report("K1", np.array([1, 2]), np.array([1, 1])), np.array(["a", "b", "c"]))


def test_evaluate_by_writer_prints_known_figures(tmp_path: Path, known_nets: None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    a, b, c = writer_ids(3, held=False)
    path = pen_file(tmp_path / "pen.npz", {a: [1, 1, 1, 1], b: [1, 1, 7, 7], c: [7, 7, 7]})
    assert main(["evaluate", "B1", "vote", "--drawn", str(path), "--by-writer", "--min-digits", "4"]) == 0
    out = capsys.readouterr().out
    assert "accuracy on 11 pen-drawn digits by 3 writers" in out
    rows = {line.split()[0]: line.split() for line in out.split("per writer")[1].splitlines()[3:]}
    # B1 (always 7): a 0%, b 50%, c 100% but only 3 digits; the vote (always 1): a 100%, b 50%
    assert rows["B1"] == ["B1", "2/3", "25.00%", "0.00%", a, "2"]
    assert rows["vote"] == ["vote", "2/3", "75.00%", "50.00%", b, "1"]


def test_evaluate_json_has_the_same_known_figures(tmp_path: Path, known_nets: None,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    a, b = writer_ids(2, held=False)
    path = pen_file(tmp_path / "pen.npz", {a: [1, 1, 1], b: [1, 7]})
    assert main(["evaluate", "B1", "--drawn", str(path), "--by-writer", "--min-digits", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["digits"] == 5 and list(result["nets"]) == ["B1"]
    b1 = result["nets"]["B1"]
    assert b1["accuracy"] == pytest.approx(0.2) and b1["per_digit"][1] == 0.0 and b1["per_digit"][0] is None
    assert b1["confusion"][1][7] == 4 and b1["confusion"][7][7] == 1
    writers = b1["by_writer"]
    assert writers["per_writer"] == {a: {"digits": 3, "accuracy": 0.0}, b: {"digits": 2, "accuracy": 0.5}}
    assert writers["worst"] == {"writer": a, "accuracy": 0.0} and writers["median"] == 0.25
    assert writers["below"] == 2 and writers["counted_writers"] == 2


def test_folds_and_held_out_choose_the_writers(tmp_path: Path, known_nets: None,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (held,), (in_fold,), (other,) = writer_ids(1, True), writer_ids(1, False, 2), writer_ids(1, False, 3)
    path = pen_file(tmp_path / "pen.npz", {held: [1] * 3, in_fold: [1, 7], other: [7] * 5})
    for options, digits, writers in ((["--held-out"], 3, [held]), (["--fold", "2"], 2, [in_fold]),
                                     (["--held-out", "--fold", "2"], 5, [held, in_fold]),
                                     (["--fold", "3", "--folds", "5"], 5, [other])):
        argv = ["evaluate", "vote", "--drawn", str(path), "--by-writer", "--min-digits", "1", *options]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert f"accuracy on {digits} pen-drawn digits by {len(writers)} " in out, options
        listed = {line.split()[4] for line in out.split("per writer")[1].splitlines()[3:]}
        assert listed <= set(writers), options  # the worst writer is one of those chosen


def test_a_fold_without_writers_is_an_error(tmp_path: Path, known_nets: None,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = pen_file(tmp_path / "pen.npz", {writer_ids(1, False, 3)[0]: [1, 1]})
    assert main(["evaluate", "vote", "--drawn", str(path), "--fold", "1"]) == 2
    assert "no digits by fold 1 of 5 writers" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["evaluate", "--by-writer"], "--by-writer needs --drawn"),
    (["evaluate", "--fold", "1"], "--fold needs --drawn"),
    (["evaluate", "--drawn", "x.npz", "--folds", "3"], "--folds needs --fold"),
    (["evaluate", "--drawn", "x.npz", "--fold", "5"], "--fold 5 is not one of the 5 folds (0 to 4)"),
    (["evaluate", "--drawn", "x.npz", "--fold", "3", "--folds", "3"], "not one of the 3 folds"),
    (["evaluate", "--drawn", "x.npz", "--fold", "0", "--folds", "1"], "must be 2 or more"),
    (["train", "B1", "--exclude-fold", "1"], "--exclude-fold needs --pen-digits"),
    (["train", "B1", "--stroke-augment"], "--stroke-augment needs --pen-digits"),
    (["train", "B1", "--styles", "2"], "--styles needs --pen-digits"),
    (["train", "B1", "--all-pen-writers"], "--all-pen-writers needs --pen-digits"),
    (["train", "B1", "--pen-digits", "x.npz", "--all-pen-writers", "--exclude-fold", "1"],
     "give one of them"),
    (["train", "B1", "--pen-digits", "x.npz", "--exclude-fold", "4", "--folds", "4"],
     "not one of the 4 folds"),
])
def test_bad_writer_options_are_refused_before_anything_runs(argv: list[str], message: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_training_mask_leaves_out_held_out_writers_and_the_fold() -> None:
    held, fold1, fold4 = writer_ids(2, True), writer_ids(3, False, 1), writer_ids(2, False, 4)
    writers = np.array(held + fold1 + fold4)
    everyone = pen_training_mask(writers, TrainConfig())
    assert everyone.tolist() == [False] * 2 + [True] * 5
    assert pen_training_mask(writers, TrainConfig(pen_exclude_fold=1)).tolist() == [False] * 5 + [True] * 2
    with pytest.raises(ValueError, match="fold 5 is not one of 5"):
        pen_training_mask(writers, TrainConfig(pen_exclude_fold=5))
    assert pen_training_mask(writers, TrainConfig(pen_all_writers=True)).all()
    with pytest.raises(ValueError, match="choose one"):
        pen_training_mask(writers, TrainConfig(pen_all_writers=True, pen_exclude_fold=1))


def test_no_digit_of_the_excluded_fold_reaches_training(mnist_available: Path, tmp_path: Path) -> None:
    """The excluded fold's writers wrote only 9s and the others no 9, so any 9 among the
    appended pen digits would be one of theirs."""
    (kept,), (left_out,), (held,) = writer_ids(1, False, 0), writer_ids(1, False, 3), writer_ids(1, True)
    path = pen_file(tmp_path / "pen.npz", {kept: [0, 1, 2, 3], left_out: [9] * 6, held: [9] * 2})
    base = TrainConfig(limit=100, val_size=0, pen_digits=str(path), pen_copies=2)
    for config in (base, TrainConfig(**{**base.to_dict(), "pen_exclude_fold": 3, "stroke_augment": True})):
        splits = prepare(config)
        pen_labels = splits.y_train[100:]
        expected = [0, 1, 2, 3] * 2 + ([] if config.pen_exclude_fold == 3 else [9] * 12)
        assert sorted(pen_labels.tolist()) == sorted(expected)
    assert "writer fold 3 of 5 left out, stroke augmentation v1" in splits.description


def test_the_folds_default_is_drawns() -> None:
    assert TrainConfig().pen_folds == drawn.FOLDS


def test_every_epoch_reads_the_left_out_fold(mnist_available: Path, tmp_path: Path) -> None:
    """With --exclude-fold, each epoch says how it reads the fold's writers, who are drawn
    as `evaluate --fold` draws them; the figure is the saved net's own on those drawings."""
    from digitpad.nets import mlp
    from digitpad.train import Callbacks, run

    (kept,), (left_out,), (held,) = writer_ids(1, False, 0), writer_ids(1, False, 3), writer_ids(1, True)
    path = pen_file(tmp_path / "pen.npz", {kept: [0, 1, 2], left_out: [1, 1, 1, 7, 7, 7, 7], held: [4]})
    base = TrainConfig(net="B1", epochs=2, limit=300, test_limit=50, val_size=0, augment="none",
                       pen_digits=str(path), pen_copies=1)
    leaving_out = TrainConfig(**{**base.to_dict(), "pen_exclude_fold": 3})
    result = run(leaving_out, Callbacks(), tmp_path / "B1.npz")
    pen = drawn.load(path)
    mask = drawn.in_fold(pen.writers, 3)
    assert pen.labels[mask].tolist() == [1, 1, 1, 7, 7, 7, 7]
    as_evaluate_draws = drawn.render(pen, pen.subset(mask), seed=0)
    splits = prepare(leaving_out)
    np.testing.assert_array_equal(splits.x_fold, as_evaluate_draws)
    assert splits.y_fold is not None and splits.y_fold.tolist() == [1, 1, 1, 7, 7, 7, 7]
    answers = mlp.load(tmp_path / "B1.npz").predict_proba(as_evaluate_draws)
    expected = float(np.mean(answers.argmax(axis=1) == pen.labels[mask]))  # the last epoch is kept
    assert result.history[-1].fold_accuracy == pytest.approx(expected)
    rows = result.meta["writer_fold_history (epoch, accuracy)"]
    assert [epoch for epoch, _ in rows] == [1, 2] and rows[-1][1] == pytest.approx(expected, abs=1e-5)
    without = run(base)
    assert all(r.fold_accuracy is None for r in without.history)
    assert not any(key.startswith("writer_fold") for key in without.meta)


def test_the_epoch_line_gives_the_folds_figure_only_with_one() -> None:
    import io

    from digitpad.train.progress import EpochResult, TextProgress

    out = io.StringIO()
    progress = TextProgress(out, tty=False)
    progress.on_epoch(EpochResult(3, 9, 0.1, 0.95, 0.05, 0.975, 12.0, fold_accuracy=0.8125))
    progress.on_epoch(EpochResult(4, 9, 0.1, 0.95, 0.05, 0.975, 12.0))
    first, second = out.getvalue().splitlines()
    assert first.endswith("validation 97.50% (loss 0.0500), writer fold 81.25%, 12s")
    assert second.endswith("validation 97.50% (loss 0.0500), 12s")
