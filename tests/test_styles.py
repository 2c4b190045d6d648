"""Writing styles added to pen digits (digitpad.train.styles) and training with them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad import drawn
from digitpad.train import styles
from digitpad.train.config import TrainConfig
from digitpad.train.data import prepare

# y down, 0-10 units: a 0 as an oval (one stroke), a 7 as bar and stem in one stroke, a 1
RING = np.column_stack([2.5 + 2.5 * np.cos(np.linspace(0, 2 * np.pi, 40)),
                        5.0 + 5.0 * np.sin(np.linspace(0, 2 * np.pi, 40))])
SEVEN = np.array([[0.0, 0.0], [3.0, 0.0], [6.0, 0.0], [5.0, 2.5], [4.0, 5.0], [3.0, 7.5], [2.0, 10.0]])
ONE = np.column_stack([np.full(11, 3.0), np.arange(11.0)])
BAR = np.array([[0.0, 0.0], [6.0, 0.0]])
STEM = np.array([[6.0, 0.0], [2.0, 10.0]])


def test_the_slash_crosses_the_zero_from_below_left_to_above_right() -> None:
    strokes = styles.slash_zero([RING], np.random.default_rng(0))
    assert len(strokes) == 2 and strokes[0] is RING
    slash = strokes[1]
    (x0, y0), (x1, y1) = slash[0], slash[-1]
    assert y0 > 10 and y1 < 0  # past the oval's bottom and top
    assert x1 > x0  # leaning right, as Ø is written
    assert np.allclose(np.diff(slash, axis=0), (slash[-1] - slash[0]) / (len(slash) - 1))  # straight


@pytest.mark.parametrize("seed", range(5))
def test_the_crossbar_crosses_the_sevens_stem_below_the_bar(seed: int) -> None:
    bar = styles.cross_seven([SEVEN], np.random.default_rng(seed))[1]
    middle = bar.mean(axis=0)
    assert 4.5 <= middle[1] <= 6.5  # 45-65% of the height down
    stem_x = 6.0 - 0.4 * middle[1]  # the stem runs from (6, 0) to (2, 10)
    assert abs(middle[0] - stem_x) < 0.5
    assert 3.5 <= np.ptp(bar[:, 0]) <= 6.0 and np.ptp(bar[:, 1]) <= 0.3 * np.ptp(bar[:, 0])


@pytest.mark.parametrize("reverse", [False, True])
def test_the_flag_is_drawn_up_to_the_top_then_the_one_down_in_one_stroke(reverse: bool) -> None:
    drawn_one = ONE[::-1] if reverse else ONE  # drawn bottom-up, the flag still leads to the top
    (flagged,) = styles.flag_one([drawn_one], np.random.default_rng(3))
    top = int(np.argmin(flagged[:, 1]))
    assert flagged[top].tolist() == [3.0, 0.0] and flagged[-1].tolist() == [3.0, 10.0]
    start = flagged[0]
    assert start[0] < 3.0 and 2.0 <= np.hypot(*(start - flagged[top])) <= 4.5  # 20-45% of 10, from the left
    assert flagged[top:].tolist() == ONE.tolist()


def pen_file(path: Path, samples: list[tuple[int, list[np.ndarray]]]) -> Path:
    """A pen-digits .npz of training writers' digits: (label, strokes) each."""
    strokes = [s for _, digit in samples for s in digit]
    counts = [len(digit) for _, digit in samples]
    writers = ["w0"] * len(samples)  # w0 is a training writer, not held out
    assert not drawn.held_out_writers(np.array(writers)).any()
    np.savez(path, points=np.concatenate(strokes).astype(np.float32),
             stroke_offsets=np.concatenate([[0], np.cumsum([len(s) for s in strokes])]),
             sample_offsets=np.concatenate([[0], np.cumsum(counts)]),
             labels=np.array([label for label, _ in samples], np.uint8), writers=np.array(writers))
    return path


def test_only_zeros_ones_and_sevens_drawn_in_one_stroke_get_a_style(tmp_path: Path) -> None:
    pen = drawn.load(pen_file(tmp_path / "pen.npz", [(0, [RING]), (7, [BAR, STEM]), (7, [SEVEN]),
                                                     (1, [ONE]), (4, [ONE]), (0, [RING, ONE])]))
    assert styles.plain(pen, list(range(6))) == [0, 2, 3]
    images, labels = styles.render_styled(pen, list(range(6)), copies=2, seed=4)
    assert images.shape == (6, 28, 28) and images.dtype == np.float32 and labels.tolist() == [0, 7, 1] * 2
    assert (images.reshape(6, -1).max(axis=1) > 0.5).all()
    np.testing.assert_array_equal(images, styles.render_styled(pen, list(range(6)), copies=2, seed=4)[0])
    assert not np.array_equal(images[:3], images[3:])  # each copy its own style and place


def test_each_digit_gets_its_own_style(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0 is slashed, a 1 flagged, a 7 crossed, on the digit's own strokes, once a copy."""
    pen = drawn.load(pen_file(tmp_path / "pen.npz", [(7, [SEVEN]), (0, [RING]), (1, [ONE])]))
    calls: list[tuple[str, float]] = []

    def recorder(name: str) -> styles.Style:
        def style(strokes: styles.Strokes, rng: np.random.Generator) -> styles.Strokes:
            calls.append((name, float(strokes[0][0, 0])))  # where the digit's stroke starts
            return strokes
        return style

    monkeypatch.setattr(styles, "STYLES", {d: recorder(f.__name__) for d, f in styles.STYLES.items()})
    styles.render_styled(pen, [0, 1, 2], copies=2)
    starts = {"cross_seven": SEVEN[0, 0], "slash_zero": RING[0, 0], "flag_one": ONE[0, 0]}
    assert calls == [(name, starts[name]) for name in ("cross_seven", "slash_zero", "flag_one")] * 2


def test_training_adds_the_styled_copies_and_says_so(mnist_available: Path, tmp_path: Path) -> None:
    path = pen_file(tmp_path / "pen.npz", [(0, [RING]), (7, [SEVEN]), (4, [ONE])])
    base = TrainConfig(limit=100, val_size=0, pen_digits=str(path), pen_copies=2)
    plain, styled = prepare(base), prepare(TrainConfig(**{**base.to_dict(), "pen_styles": 3}))
    assert len(plain.y_train) == 100 + 6 and sorted(styled.y_train[106:].tolist()) == [0, 0, 0, 7, 7, 7]
    assert "styles" not in plain.description
    assert "plain 0s, 1s and 7s also slashed, flagged, crossed x3 (styles v1)" in styled.description

