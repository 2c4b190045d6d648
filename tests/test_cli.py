"""The digitpad command as a user runs it: predict, info, train (with its jsonl protocol), evaluate."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitpad import preprocess
from digitpad.cli import main


def write_drawing(path: Path, strokes: list[list[tuple[float, float]]]) -> Path:
    """A dark digit on white paper, as a scan of it would look."""
    ink = np.asarray(preprocess.rasterize(strokes))
    Image.fromarray(255 - ink).save(path)
    return path


def vertical_one(tmp_path: Path) -> Path:
    return write_drawing(tmp_path / "one.png", [[(140, 50), (140, 230)]])


def test_predict_prints_path_digit_and_probability(tmp_path: Path, capsys) -> None:
    path = vertical_one(tmp_path)
    assert main(["predict", str(path), "--net", "B1"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{path}: 1 (") and line.endswith("%)")


def test_predict_json_has_ten_probabilities(tmp_path: Path, capsys) -> None:
    assert main(["predict", str(vertical_one(tmp_path)), "--net", "B2", "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["digit"] == 1 and len(result["probabilities"]) == 10
    assert sum(result["probabilities"]) == pytest.approx(1.0, abs=1e-4)


def test_predict_reports_unreadable_files_and_goes_on(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    blank = tmp_path / "blank.png"
    Image.new("L", (100, 100), 255).save(blank)
    good = vertical_one(tmp_path)
    assert main(["predict", str(bad), str(blank), str(good), "--net", "B1"]) == 1
    out, err = capsys.readouterr()
    assert out.strip().startswith(f"{good}: 1")
    assert f"digitpad: {bad}: not an image" in err and f"digitpad: {blank}: no digit found" in err


def test_predict_unknown_net_fails_clearly(tmp_path: Path, capsys) -> None:
    assert main(["predict", str(vertical_one(tmp_path)), "--net", "B7"]) == 2
    assert "unknown network 'B7'" in capsys.readouterr().err


def test_info_lists_nets_and_folders(capsys) -> None:
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "B1: 784-100-10-10" in out and "trained on MNIST" in out
    assert "the original app trained B3 on EMNIST digits" in out  # said plainly, per net
    assert "the original app trained B1" not in out
    assert f"user folder:   {os.environ['DIGITPAD_HOME']}" in out
    assert "not a digit from 0.90, in doubt from 0.10 (then sure only from 97%)" in out


def test_evaluate_gate_fails_below_min_accuracy(mnist_available: Path, capsys) -> None:
    assert main(["evaluate", "B1", "--min-accuracy", "0.97"]) == 0
    assert main(["evaluate", "B1", "--min-accuracy", "0.9999"]) == 1
    assert "B1" in capsys.readouterr().out


@pytest.fixture
def b1_hard_mnist(mnist_available: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small MNIST in IDX files: the first 300 test images and every one the shipped B1
    reads wrong (one training image, as the loader wants both splits). On it B1 alone and
    the vote of all five nets score apart, and the five nets read it in well under a
    second instead of the full 10,000 images' half a minute."""
    from digitpad import datasets
    from digitpad.datasets.sources import MNIST_FILES
    from digitpad.nets import load_network

    full = datasets.load("mnist", mnist_available)
    x, y = full.test_images, full.test_labels
    wrong = load_network("B1").predict_proba(x.astype("float32") / 255).argmax(1) != y
    keep = np.flatnonzero(wrong | (np.arange(len(y)) < 300))
    folder = tmp_path_factory.mktemp("mnist-b1-hard")
    parts = {"train_images": full.train_images[:1], "train_labels": full.train_labels[:1],
             "test_images": x[keep], "test_labels": y[keep]}
    for part, array in parts.items():
        datasets.write_idx(folder / MNIST_FILES[part], array)
    return folder


def test_evaluate_vote_is_the_vote_of_every_net(b1_hard_mnist: Path, capsys,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing some nets does not shrink the vote to them: it stays load_network("vote")."""
    from digitpad import datasets
    from digitpad.nets import load_network

    monkeypatch.setenv("DIGITPAD_DATA", str(b1_hard_mnist))
    assert main(["evaluate", "B1", "vote"]) == 0
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[3:]}
    assert set(rows) == {"B1", "vote"}
    assert rows["vote"] != rows["B1"]  # a vote of B1 alone would be told apart
    test = datasets.load("mnist", b1_hard_mnist)
    probs = load_network("vote").predict_proba(test.test_images.astype("float32") / 255)
    assert rows["vote"] == f"{(probs.argmax(1) == test.test_labels).mean() * 100:.2f}%"


def run_cli(*args: str, **kwargs) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "digitpad", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_train_jsonl_protocol_ends_in_done(mnist_available: Path, tmp_path: Path) -> None:
    out = tmp_path / "B3.npz"
    proc = run_cli("train", "B3", "--epochs", "1", "--limit", "1500", "--test-limit", "300",
                   "--out", str(out), "--progress", "jsonl")
    stdout, stderr = proc.communicate(timeout=120)
    events = [json.loads(line) for line in stdout.splitlines()]
    assert proc.returncode == 0, stderr
    assert {"batch", "epoch"} <= {e["event"] for e in events}
    assert events[-1]["event"] == "done" and events[-1]["out"] == str(out) and out.exists()
    assert 0.5 < events[-1]["test_accuracy"] <= 1.0


def test_train_cancelled_by_sigterm_writes_nothing(mnist_available: Path, tmp_path: Path) -> None:
    out = tmp_path / "B4.npz"
    proc = run_cli("train", "B4", "--epochs", "50", "--out", str(out), "--progress", "jsonl")
    assert proc.stdout is not None
    first = json.loads(proc.stdout.readline())  # training has started
    assert first["event"] == "batch"
    proc.send_signal(signal.SIGTERM)  # 50 epochs of B4 take about a minute
    rest = proc.stdout.read()
    assert proc.wait(timeout=60) == 130  # a guard against hanging; how soon: benchmarks/gui_latency.py
    assert json.loads(rest.splitlines()[-1]) == {"event": "cancelled"}
    assert list(tmp_path.iterdir()) == []


def test_damaged_chosen_weights_make_the_cli_exit_non_zero(tmp_path: Path, capsys) -> None:
    from digitpad.nets import mlp, registry

    mine = Path(os.environ["DIGITPAD_HOME"]) / "weights" / "B1-mine.npz"
    mlp.MLP([784, 100, 10, 10], name="B1").save(mine)
    registry.choose("B1", mine)
    mine.write_bytes(b"damaged")
    assert main(["predict", str(vertical_one(tmp_path)), "--net", "B1"]) == 3
    out, err = capsys.readouterr()
    assert out.strip().startswith(f"{tmp_path / 'one.png'}: 1")  # the shipped B1 answered
    assert "B1-mine.npz" in err and "using the shipped ones" in err


def test_no_display_is_a_clear_message() -> None:
    env = {**os.environ, "DISPLAY": ""}
    done = subprocess.run([sys.executable, "-m", "digitpad"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot open the window" in done.stderr and "digitpad predict" in done.stderr


def test_info_says_whose_weights_each_net_uses(capsys) -> None:
    from digitpad.nets import mlp, registry

    mine = Path(os.environ["DIGITPAD_HOME"]) / "weights" / "B2-mine.npz"
    mlp.MLP([784, 150, 200, 100, 10], name="B2").save(mine, trained_on="mine")
    registry.choose("B2", mine)
    broken = mine.with_name("B1-broken.npz")
    mlp.MLP([784, 100, 10, 10], name="B1").save(broken)
    registry.choose("B1", broken)
    broken.write_bytes(b"damaged")  # B1 falls back; that must not relabel B2's weights
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"weights (yours): {mine}" in out
    assert f"weights (shipped): {registry.shipped_path('B1')}" in out


# --- arguments: refused by argparse, before any work --------------------------------------
def argument_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The error argparse prints for ``argv`` (it exits 2 with the command's usage)."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: digitpad" in err and "Traceback" not in err
    return err


def parsed(*argv: str):
    from digitpad.cli import build_parser

    return build_parser().parse_args(list(argv))


@pytest.mark.parametrize(("text", "fraction"), [("0.99", 0.99), ("99", 0.99), ("99.5", 0.995),
                                                ("100", 1.0), ("1", 1.0), ("0", 0.0)])
def test_min_accuracy_is_a_fraction_or_a_percentage(text: str, fraction: float) -> None:
    """--min-accuracy 99 meant 9900%: no net could ever pass it."""
    assert parsed("evaluate", "--min-accuracy", text).min_accuracy == pytest.approx(fraction)
    assert parsed("train", "B1", "--min-accuracy", text).min_accuracy == pytest.approx(fraction)


@pytest.mark.parametrize("text", ["150", "-0.5", "nan", "inf", "high"])
def test_min_accuracy_refuses_what_is_neither(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert "--min-accuracy" in argument_error(["evaluate", "--min-accuracy", text], capsys)


@pytest.mark.parametrize("argv", [
    ["train", "B1", "--epochs", "0"], ["train", "B1", "--epochs", "-3"], ["train", "B1", "--epochs", "2.5"],
    ["train", "B1", "--batch-size", "0"], ["train", "B1", "--learning-rate", "0"],
    ["train", "B1", "--l2", "-1"], ["train", "B1", "--teacher-weight", "1.5"], ["train", "B1", "--ema", "1"],
    ["train", "B1", "--val-size", "-5"], ["train", "B1", "--limit", "0"],
    ["train", "B1", "--pen-copies", "0"],
    ["train", "B1", "--activation", "softsign"], ["train", "B1", "--teacher", "vote"],
    ["train", "B1", "--teacher-views", "3"], ["evaluate", "--seed", "-1"],
])
def test_nonsense_numbers_are_argument_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """train --epochs 0 used to 'succeed', writing weights trained for no epoch."""
    argument_error(argv, capsys)


@pytest.mark.parametrize("net", ["B9", "vote", "Vote"])
def test_train_names_a_trainable_net(net: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Not a failed training after loading the data: an argument error saying what to choose."""
    err = argument_error(["train", net], capsys)
    assert "B1, B2, B3, B4 or K1" in err


def test_train_net_names_are_not_case_sensitive() -> None:
    assert parsed("train", "k1").net == "K1"


def test_evaluate_names_nets_or_the_vote(capsys: pytest.CaptureFixture[str]) -> None:
    assert parsed("evaluate", "b1", "VOTE").nets == ["B1", "vote"]
    assert "or vote" in argument_error(["evaluate", "B7"], capsys)


def test_held_out_needs_drawn(capsys: pytest.CaptureFixture[str]) -> None:
    """--held-out without --drawn was silently ignored: the MNIST figures came out instead."""
    err = argument_error(["evaluate", "--held-out"], capsys)
    assert "usage: digitpad evaluate" in err and "--held-out needs --drawn" in err


def test_a_picture_given_as_pen_digits_says_what_is_wanted(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """numpy's own message for a PNG is about pickled data and allow_pickle."""
    assert main(["evaluate", "B1", "--drawn", str(vertical_one(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "it is a PNG image" in err and "unipen-digits-dev.npz" in err and "digitpad predict" in err
    assert "pickle" not in err


# --- one set of training defaults -----------------------------------------------------------
def test_train_defaults_are_train_configs_and_help_shows_them(capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import fields

    from digitpad.train.config import TrainConfig

    args, config = parsed("train", "B1"), TrainConfig(net="B1")
    for field in fields(TrainConfig):
        assert getattr(args, field.name) == getattr(config, field.name), field.name
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {config.augment})" in help_text and config.augment == "light"
    assert f"passes over the training set (default: {config.epochs})" in help_text
    assert f"(default: {config.teacher_weight})" in help_text


def test_the_retrain_dialog_starts_from_the_same_defaults() -> None:
    """The dialog used light augmentation while `digitpad train` silently used strong."""
    pytest.importorskip("tkinter")
    from digitpad.gui.training import TEACHER_WEIGHT, TrainOptions
    from digitpad.train.config import TrainConfig

    options, config = TrainOptions(net="B1"), TrainConfig()
    for name in ("data", "epochs", "learning_rate", "batch_size", "augment"):
        assert getattr(options, name) == getattr(config, name), name
    assert TEACHER_WEIGHT == config.teacher_weight


# --- the gate -------------------------------------------------------------------------------
def test_evaluate_vote_gates_on_the_vote_alone(b1_hard_mnist: Path, capsys,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`evaluate vote` shows the five members too, but only the vote was asked for."""
    monkeypatch.setenv("DIGITPAD_DATA", str(b1_hard_mnist))
    assert main(["evaluate", "vote"]) == 0
    rows = {line.split()[0]: float(line.split()[1].rstrip("%"))
            for line in capsys.readouterr().out.splitlines()[3:] if line.strip()}
    assert rows["B1"] < rows["vote"]
    gate = f"{rows['vote'] - 0.005:.3f}"  # a percentage: the vote passes, B1 would not
    assert main(["evaluate", "vote", "--min-accuracy", gate]) == 0
    assert main(["evaluate", "B1", "vote", "--min-accuracy", gate]) == 1
    assert "below" in capsys.readouterr().err


# --- back to the shipped weights --------------------------------------------------------------
def test_use_a_file_then_go_back_to_the_shipped_weights(tmp_path: Path, capsys) -> None:
    from digitpad.nets import mlp, registry

    mine = tmp_path / "my-B1.npz"
    mlp.MLP([784, 100, 10, 10], name="B1").save(mine)
    assert main(["use", "b1", str(mine)]) == 0
    kept = registry.chosen_path("B1")
    assert kept is not None and kept.parent == Path(os.environ["DIGITPAD_HOME"]) / "weights"
    assert f"B1: using {kept}" in capsys.readouterr().out
    assert main(["use", "B1", "shipped"]) == 0
    assert registry.chosen_path("B1") is None
    assert str(registry.shipped_path("B1")) in capsys.readouterr().out
    assert registry.load("B1").meta["path"] == str(registry.shipped_path("B1"))


def test_use_refuses_a_file_that_is_not_the_nets(tmp_path: Path, capsys) -> None:
    from digitpad.nets import mlp, registry

    other = tmp_path / "B2.npz"
    mlp.MLP([784, 150, 200, 100, 10], name="B2").save(other)
    assert main(["use", "B1", str(other)]) == 2
    assert main(["use", "B1", str(tmp_path / "missing.npz")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert registry.chosen_path("B1") is None
    argument_error(["use", "vote", "shipped"], capsys)


# --- help and progress --------------------------------------------------------------------------
def test_help_says_that_plain_digitpad_opens_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "plain 'digitpad' (no command) opens the drawing app" in out
    assert "[COMMAND [ARGS ...]]" in out  # the command is optional


def test_train_progress_in_a_log_has_no_carriage_returns(mnist_available: Path, tmp_path: Path) -> None:
    """stderr redirected to a file: one plain line per epoch, not a redrawn bar."""
    log_file = tmp_path / "train.log"
    with log_file.open("w") as log:
        done = subprocess.run([sys.executable, "-m", "digitpad", "train", "B1", "--epochs", "2", "--limit",
                               "600", "--val-size", "100", "--test-limit", "100", "--augment", "none",
                               "--out", str(tmp_path / "B1.npz")], stderr=log, stdout=subprocess.PIPE,
                              text=True, timeout=120)
    text = log_file.read_text()
    assert done.returncode == 0, text
    assert "\r" not in text
    assert [line.split(":")[0] for line in text.splitlines() if line.startswith("epoch")] == [
        "epoch 1/2", "epoch 2/2"]


def progress_of(epoch: int, batch: int, batches: int = 100):
    from digitpad.train.progress import BatchProgress

    return BatchProgress(epoch=epoch, epochs=2, batch=batch, batches=batches, loss=0.5, accuracy=0.9,
                         seconds=float(batch))


def epoch_result(epoch: int):
    from digitpad.train.progress import EpochResult

    return EpochResult(epoch=epoch, epochs=2, train_loss=0.1, train_accuracy=0.95, val_loss=0.1,
                       val_accuracy=0.94, seconds=10.0 * epoch)


def test_progress_redraws_one_line_on_a_terminal() -> None:
    import io

    from digitpad.train.progress import TextProgress

    now = [0.0]
    out = io.StringIO()
    bar = TextProgress(out, tty=True, clock=lambda: now[0])
    for batch in range(1, 101):
        now[0] += 0.01
        bar.on_batch(progress_of(1, batch))
    bar.on_message("a note")
    bar.on_epoch(epoch_result(1))
    lines = out.getvalue().split("\n")
    assert lines[0].count("\r") < 10
    assert lines[0].endswith("[" + "#" * 15 + "." * 15 + "] loss 0.500 acc 90.00%  100s")
    assert lines[1] == "a note"  # on a line of its own, not glued to the bar
    assert lines[2].startswith("\repoch 1/2: train 95.00%, validation 94.00%")


def test_progress_in_a_log_is_a_line_per_epoch_and_one_now_and_then() -> None:
    """A log gets no \\r; a long epoch still shows life every log_every_s seconds."""
    import io

    from digitpad.train.progress import TextProgress

    now = [0.0]
    out = io.StringIO()  # not a terminal
    log = TextProgress(out, clock=lambda: now[0], log_every_s=30)
    for epoch in (1, 2):
        for batch in range(1, 101):
            now[0] += 1.0 if epoch == 1 else 0.01  # epoch 1 takes 100 s, epoch 2 one second
            log.on_batch(progress_of(epoch, batch))
        log.on_epoch(epoch_result(epoch))
    text = out.getvalue()
    assert "\r" not in text
    assert [line.split(" loss")[0] for line in text.splitlines()] == [
        "epoch 1/2 [batch 30/100]", "epoch 1/2 [batch 60/100]", "epoch 1/2 [batch 90/100]",
        "epoch 1/2: train 95.00%, validation 94.00% (loss 0.1000), 10s",
        "epoch 2/2: train 95.00%, validation 94.00% (loss 0.1000), 20s"]
