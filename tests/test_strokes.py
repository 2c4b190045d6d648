"""Stroke-level augmentation of pen digits (digitpad.train.strokes) and training with it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad import drawn, preprocess
from digitpad.train import strokes

# a 7 in two strokes (top bar, then the stem), 0-10 units, y down
BAR = np.array([[0.0, 0.0], [3.0, 0.0], [6.0, 0.0]])
STEM = np.array([[6.0, 0.0], [4.0, 5.0], [2.0, 10.0]])
LINE = np.column_stack([np.zeros(11), np.arange(11.0)])  # a 1: ten unit steps down


def test_affine_with_identity_parameters_gives_the_stroke_back() -> None:
    np.testing.assert_allclose(strokes.affine_stroke(STEM), STEM, atol=1e-12)


def test_affine_turns_scales_and_shifts_about_the_strokes_centre() -> None:
    turned = strokes.affine_stroke(BAR, angle=np.pi / 2, scale=2.0, shift=(1.0, -1.0))
    # the bar (centre (3, 0)) stands up, twice as long, moved by (1, -1)
    np.testing.assert_allclose(turned, [[4.0, -7.0], [4.0, -1.0], [4.0, 5.0]], atol=1e-12)
    sheared = strokes.affine_stroke(LINE, shear=0.5)
    np.testing.assert_allclose(sheared[:, 0], 0.5 * (LINE[:, 1] - 5))
    np.testing.assert_allclose(sheared[:, 1], LINE[:, 1])


def test_slant_leans_the_top_right_and_keeps_the_middle_and_heights() -> None:
    leaned = strokes.slant([LINE], np.arctan(0.2))[0]
    np.testing.assert_allclose(leaned[:, 1], LINE[:, 1])
    np.testing.assert_allclose(leaned[:, 0], 0.2 * (5 - LINE[:, 1]))  # top (y=0) +1, bottom -1
    assert strokes.slant([BAR, STEM], 0.0)[1].tolist() == STEM.tolist()


@pytest.mark.parametrize(("step", "kept"), [(1, list(range(11))), (3, [0, 3, 6, 9, 10]),
                                            (5, [0, 5, 10]), (20, [0, 10])])
def test_coarsen_keeps_every_steps_point_and_both_ends(step: int, kept: list[int]) -> None:
    np.testing.assert_array_equal(strokes.coarsen(LINE, step), LINE[kept])


def test_coarsen_keeps_a_dot_and_refuses_a_zero_step() -> None:
    assert strokes.coarsen(LINE[:1], 4).tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match="step must be 1 or more"):
        strokes.coarsen(LINE, 0)


def test_extend_carries_the_stroke_straight_on() -> None:
    np.testing.assert_allclose(strokes.extend_end(LINE, 2.5)[-1], [0.0, 12.5])
    np.testing.assert_allclose(strokes.extend_end(LINE, 2.5, at_start=True)[0], [0.0, -2.5])
    assert len(strokes.extend_end(LINE, 2.5)) == 12
    dot = LINE[:1]
    assert strokes.extend_end(dot, 3.0) is dot  # no direction to go on in


def test_truncate_cuts_a_share_of_the_length_off_one_end() -> None:
    np.testing.assert_allclose(strokes.truncate(LINE, 0.25), LINE[:8].tolist() + [[0.0, 7.5]])
    np.testing.assert_allclose(strokes.truncate(LINE, 0.25, at_start=True), [[0.0, 2.5]] + LINE[3:].tolist())
    np.testing.assert_allclose(strokes.truncate(BAR, 0.5), [[0.0, 0.0], [3.0, 0.0]])
    assert strokes.truncate(LINE, 0.0) is LINE


def test_join_makes_two_consecutive_strokes_one() -> None:
    joined = strokes.join([BAR, STEM, LINE], 0)
    assert len(joined) == 2 and len(joined[0]) == len(BAR) + len(STEM)
    np.testing.assert_array_equal(joined[0], np.vstack([BAR, STEM]))
    assert joined[1] is LINE
    with pytest.raises(ValueError, match="no strokes 2 and 3 among 3"):
        strokes.join([BAR, STEM, LINE], 2)


def test_augment_is_seeded_keeps_the_strokes_and_places_inside_the_canvas() -> None:
    seven = [BAR, STEM]
    first = strokes.augment(seven, np.random.default_rng(4))
    again = strokes.augment(seven, np.random.default_rng(4))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    counts = set()
    for seed in range(200):
        out = strokes.augment(seven, np.random.default_rng(seed))
        counts.add(len(out))
        placed = np.concatenate(drawn.place(out, np.random.default_rng(seed)))
        assert np.isfinite(placed).all() and placed.min() >= 0 and placed.max() <= preprocess.CANVAS_SIZE
    assert counts == {1, 2}  # joined sometimes, never more strokes or none


def test_no_distortion_at_all_gives_the_strokes_back() -> None:
    still = strokes.StrokeAugment(p_join=0, p_jitter=0, slant=0, p_end=0, p_coarsen=0)
    out = strokes.augment([BAR, STEM], np.random.default_rng(0), still)
    np.testing.assert_allclose(np.concatenate(out), np.vstack([BAR, STEM]), atol=1e-12)


def test_keep_ink_inside_leaves_room_for_a_wide_pen() -> None:
    edge_to_edge = [np.array([[0.0, 0.0], [280.0, 140.0]])]
    inside = np.concatenate(strokes.keep_ink_inside(edge_to_edge, width=30))
    assert inside.min() == pytest.approx(16) and inside[:, 0].max() == pytest.approx(264)
    small = [np.array([[100.0, 100.0], [120.0, 150.0]])]
    np.testing.assert_allclose(strokes.keep_ink_inside(small, width=30)[0], small[0])  # already inside


def pen_sevens(path: Path, count: int) -> Path:
    points = np.tile(np.vstack([BAR, STEM]).astype(np.float32), (count, 1))
    np.savez(path, points=points, stroke_offsets=np.arange(0, 6 * count + 1, 3),
             sample_offsets=np.arange(0, 2 * count + 1, 2), labels=np.full(count, 7, np.uint8),
             writers=np.array([f"w{k}" for k in range(count)]))
    return path


def test_render_copies_draws_seeded_distinct_mnist_images(tmp_path: Path) -> None:
    pen = drawn.load(pen_sevens(tmp_path / "sevens.npz", 4))
    images, labels = strokes.render_copies(pen, [0, 2, 3], copies=3, seed=5)
    assert images.shape == (9, 28, 28) and images.dtype == np.float32 and labels.tolist() == [7] * 9
    assert 0 <= images.min() and images.max() <= 1 and (images.reshape(9, -1).max(axis=1) > 0.5).all()
    np.testing.assert_array_equal(images, strokes.render_copies(pen, [0, 2, 3], copies=3, seed=5)[0])
    assert len({image.tobytes() for image in images}) == 9  # the same 7, distorted nine ways
    plain, _ = drawn.render_copies(pen, [0, 2, 3], copies=3, seed=5)
    assert not np.array_equal(images, plain)


def test_training_smoke_run_with_stroke_augmentation_records_it(mnist_available: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """One epoch on 300 MNIST images and 40 distorted pen digits; the weights say how."""
    from digitpad.cli import main
    from digitpad.nets import store

    path, out = pen_sevens(tmp_path / "sevens.npz", 20), tmp_path / "B1.npz"
    assert main(["train", "B1", "--epochs", "1", "--limit", "300", "--test-limit", "100",
                 "--val-size", "50", "--pen-digits", str(path), "--pen-copies", "2",
                 "--stroke-augment", "--exclude-fold", "1", "--progress", "none", "--out", str(out)]) == 0
    _, meta = store.load(out)
    assert meta["config"]["stroke_augment"] is True and meta["config"]["pen_exclude_fold"] == 1
    assert "writer fold 1 of 5 left out, stroke augmentation v1" in meta["trained_on"]
