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
    assert f"{bad}: error:" in err and f"{blank}: error: no digit found" in err


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
