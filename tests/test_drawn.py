"""Pen-drawn digits: loading, placing on the canvas like a person, the writer split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import skip_unless_ci

from digitpad import dirs, drawn
from digitpad.cli import main
from digitpad.datasets.idx import DatasetError

UNIPEN = dirs.data_dir() / "unipen-digits-dev.npz"


def tiny_file(path: Path) -> Path:
    """Two digits by two writers: a '1' (one stroke) and a '7' (two strokes), in mm."""
    points = np.array([[0, 0], [0, 10], [0, 0], [6, 0], [6, 0], [2, 10]], np.float32)
    np.savez(path, points=points, stroke_offsets=np.array([0, 2, 4, 6]),
             sample_offsets=np.array([0, 1, 3]), labels=np.array([1, 7], np.uint8),
             writers=np.array(["a/x", "b/y"]))
    return path


def test_load_and_strokes(tmp_path: Path) -> None:
    pen = drawn.load(tiny_file(tmp_path / "p.npz"))
    assert len(pen) == 2 and [s.shape for s in pen.strokes(1)] == [(2, 2), (2, 2)]


def test_load_rejects_inconsistent_offsets_and_other_files(tmp_path: Path) -> None:
    np.savez(tmp_path / "bad.npz", points=np.zeros((3, 2)), stroke_offsets=np.array([0, 5]),
             sample_offsets=np.array([0, 1]), labels=np.array([1], np.uint8), writers=np.array(["w"]))
    with pytest.raises(DatasetError, match="offsets"):
        drawn.load(tmp_path / "bad.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(DatasetError, match="cannot read"):
        drawn.load(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(DatasetError, match="missing"):
        drawn.load(tmp_path / "other.npz")


def test_place_puts_the_digit_inside_at_the_asked_height(tmp_path: Path) -> None:
    pen = drawn.load(tiny_file(tmp_path / "p.npz"))
    rng = np.random.default_rng(0)
    for _ in range(50):
        points = np.concatenate(drawn.place(pen.strokes(1), rng))
        height = np.ptp(points[:, 1])
        assert 0.4 * 280 - 1e-6 <= height <= 0.8 * 280 + 1e-6
        assert points.min() >= 10 and points.max() <= 270  # the pen stays on the canvas


def test_render_gives_mnist_images(tmp_path: Path) -> None:
    pen = drawn.load(tiny_file(tmp_path / "p.npz"))
    x = drawn.render(pen, [0, 1])
    assert x.shape == (2, 28, 28) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    np.testing.assert_array_equal(x, drawn.render(pen, [0, 1]))  # seeded


def test_render_with_thin_pens_draws_thinner_lines(tmp_path: Path) -> None:
    pen = drawn.load(tiny_file(tmp_path / "p.npz"))
    thick, thin = drawn.render(pen, [0, 1]), drawn.render(pen, [0, 1], widths=(3, 5))
    assert np.all((thin > 0.5).sum(axis=(1, 2)) < 0.6 * (thick > 0.5).sum(axis=(1, 2)))
    np.testing.assert_array_equal(thin, drawn.render(pen, [0, 1], widths=(3, 5)))


def test_writer_split_is_disjoint_and_stable() -> None:
    if not UNIPEN.exists():
        skip_unless_ci(f"{UNIPEN} not found")
    pen = drawn.load(UNIPEN)
    held = drawn.held_out_writers(pen.writers)
    train_writers, held_writers = set(pen.writers[~held]), set(pen.writers[held])
    assert not train_writers & held_writers
    assert 0.15 < held.mean() < 0.4 and len(held_writers) >= 15
    np.testing.assert_array_equal(held, drawn.held_out_writers(pen.writers.copy()))


def test_evaluate_drawn_prints_per_net_and_confusions(tmp_path: Path, capsys) -> None:
    assert main(["evaluate", "B1", "vote", "--drawn", str(tiny_file(tmp_path / "p.npz"))]) == 0
    out = capsys.readouterr().out
    assert "accuracy on 2 pen-drawn digits by 2 writers" in out and "worst confusions of B1" in out
