"""Curves through far-apart stroke points (digitpad.spline), as rasterize draws them."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad import preprocess, spline

POLYGON_SAG = 100 * (1 - np.cos(np.pi / 8))  # 7.6 px: how far an octagon's sides fall inside its circle


def circle(count: int, radius: float = 100.0, centre: float = 140.0) -> np.ndarray:
    angles = np.linspace(0, 2 * np.pi, count + 1)
    return np.stack([centre + radius * np.cos(angles), centre + radius * np.sin(angles)], axis=1)


def test_short_segments_and_short_strokes_are_kept_as_they_are() -> None:
    dense = circle(200)  # 3.1 px apart: what a mouse reports
    assert spline.through(dense, 280) is dense
    two = np.array([[10.0, 10.0], [200.0, 250.0]])
    assert spline.through(two, 280) is two


def test_a_coarse_circle_becomes_round_again_through_every_point_it_had() -> None:
    coarse = circle(8)  # 77 px apart: an octagon
    curve = spline.through(coarse, 280)
    kept = [int(np.flatnonzero((curve == p).all(axis=1))[0]) for p in coarse]
    assert kept == sorted(kept) and kept[0] == 0 and kept[-1] == len(curve) - 1
    sag = 100 - np.linalg.norm(curve - 140, axis=1)
    inner = sag[kept[1]:kept[-2] + 1]  # the end segments only guess the points beyond the stroke
    assert np.abs(inner).max() < 1.0 and np.abs(sag).max() < POLYGON_SAG * 0.7
    gaps = np.linalg.norm(np.diff(curve, axis=0), axis=1)
    assert gaps.max() <= 1.5 * spline.STEP * 280  # samples are even in t, not in length


def test_the_thresholds_scale_with_the_canvas() -> None:
    big, small = spline.through(circle(8), 280), spline.through(circle(8, 10, 14), 28)
    np.testing.assert_allclose((big - 140) / 10, small - 14, atol=1e-9)


@pytest.mark.parametrize("duplicate", [0, 4, 7], ids=["first", "middle", "last"])
def test_repeated_points_give_finite_curves(duplicate: int) -> None:
    points = circle(8)
    points = np.insert(points, duplicate, points[duplicate], axis=0)
    curve = spline.through(points, 280)
    assert np.isfinite(curve).all() and np.abs(100 - np.linalg.norm(curve - 140, axis=1)).max() < POLYGON_SAG


def test_rasterize_draws_a_coarsely_sampled_ring_nearly_as_the_finely_sampled_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def ink(points: np.ndarray) -> np.ndarray:
        return np.asarray(preprocess.rasterize([points])) > 127

    def overlap(a: np.ndarray, b: np.ndarray) -> float:
        return float((a & b).sum() / (a | b).sum())

    fine, curved = ink(circle(400)), ink(circle(8))
    monkeypatch.setattr(spline, "LONG", np.inf)  # straight segments, as before the curves
    straight = ink(circle(8))
    assert overlap(fine, curved) > 0.85 and overlap(fine, straight) < 0.7  # 0.90 and 0.59 when written


def test_a_stroke_that_doubles_back_keeps_its_tip() -> None:
    """A 1 whose up-stroke is retraced, drawn coarsely: no loop beyond the tip."""
    points = np.array([[140.0, 240.0], [140.0, 140.0], [141.0, 40.0], [139.0, 140.0], [140.0, 240.0]])
    curve = spline.through(points, 280)
    assert curve[:, 1].min() == 40.0 and np.abs(curve[:, 0] - 140).max() < 3
    assert len(curve) > len(points)  # its long segments still are curves
