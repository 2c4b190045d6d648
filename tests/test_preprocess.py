"""rasterize and to_mnist: the one path from what a person drew to what the nets read.

The geometry asserted here is the MNIST recipe the nets were trained on: ink cropped,
its longer side scaled to 20 px keeping the aspect ratio, centre of mass at (14, 14).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from digitpad.preprocess import CANVAS_SIZE, EmptyDrawing, pen_width, rasterize, to_mnist

Strokes = list[list[tuple[float, float]]]


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(image.shape)
    mass = image.sum()
    return float((rows * image).sum() / mass), float((cols * image).sum() / mass)


def extent(mask: np.ndarray, axis: int) -> int:
    """How many rows (axis=1) or columns (axis=0) hold any True."""
    return int(mask.any(axis=axis).sum())


def two(scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> Strokes:
    """A "2" as the canvas records it: an arc, a diagonal and a base, a point every few px."""
    t = np.linspace(np.pi * 1.1, np.pi * 2.3, 40)
    arc = np.c_[140 + 60 * np.cos(t), 100 + 50 * np.sin(t)]
    diagonal = np.linspace(arc[-1], (80, 230), 30)[1:]
    base = np.linspace((80, 230), (210, 230), 30)[1:]
    points = np.vstack([arc, diagonal, base]) * scale + (dx, dy)
    return [[(float(x), float(y)) for x, y in points]]


def test_output_dtype_shape_range() -> None:
    out = to_mnist(rasterize(two()))
    assert out.dtype == np.float32 and out.shape == (28, 28)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out.max() > 0.9  # full strokes stay full ink
    assert (out > 0.5).sum() > 40


def test_filled_square_is_centred_and_20_px() -> None:
    canvas = np.zeros((280, 280), dtype=np.uint8)
    canvas[30:130, 150:250] = 255
    out = to_mnist(canvas)
    com = centre_of_mass(out)
    assert abs(com[0] - 14) <= 0.5 and abs(com[1] - 14) <= 0.5
    # a 100 px square becomes 20 px: 20 full rows' worth of ink in each direction
    assert out.sum(axis=1).max() == pytest.approx(20, abs=0.6)
    assert out.max(axis=1).sum() == pytest.approx(20, abs=1.0)
    assert out.sum() == pytest.approx(400, rel=0.03)
    assert out[14, 14] == pytest.approx(1.0, abs=1e-4) and out[0, 0] == 0.0


def test_drawn_digit_lands_on_the_centre() -> None:
    out = to_mnist(rasterize(two()))
    com = centre_of_mass(out)
    assert abs(com[0] - 14) <= 0.5 and abs(com[1] - 14) <= 0.5
    rows = np.flatnonzero(out.max(axis=1) > 0.3)
    cols = np.flatnonzero(out.max(axis=0) > 0.3)
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 in (19, 20, 21)


def test_position_and_size_on_the_canvas_do_not_matter() -> None:
    middle = to_mnist(rasterize(two(0.5, 70, 70), width=10))
    corner = to_mnist(rasterize(two(0.5, -29.7, -14.6), width=10))
    big = to_mnist(rasterize(two(), width=20))
    for other in (corner, big):
        assert np.allclose(centre_of_mass(middle), centre_of_mass(other), atol=1.0)
        assert np.abs(middle - other).mean() < 0.05
        for axis in (0, 1):
            assert abs(extent(middle > 0.3, axis) - extent(other > 0.3, axis)) <= 1


def test_aspect_ratio_is_kept() -> None:
    canvas = np.zeros((280, 280), dtype=np.uint8)
    canvas[40:240, 130:150] = 255  # 200 tall, 20 wide: a "1"
    out = to_mnist(canvas)
    assert out.max(axis=1).sum() == pytest.approx(20, abs=1.0)  # height 20
    assert out.max(axis=0).sum() == pytest.approx(2, abs=1.0)  # width 2, not stretched
    assert abs(centre_of_mass(out)[1] - 14) <= 0.5
    wide = to_mnist(canvas.T)
    np.testing.assert_allclose(wide, out.T, atol=1e-6)


def test_single_point_stroke_is_a_round_dot() -> None:
    dot = np.asarray(rasterize([[(140.0, 140.0)]])) > 0
    assert extent(dot, 1) == extent(dot, 0) == pen_width()
    assert dot.sum() == pytest.approx(np.pi * (pen_width() / 2) ** 2, rel=0.06)
    out = to_mnist(rasterize([[(60.0, 200.0)]]))
    assert np.allclose(centre_of_mass(out), (14, 14), atol=0.5)
    np.testing.assert_allclose(out, out.T, atol=0.02)  # round, not a square or a bar


@pytest.mark.parametrize("size", [28, 100, 140, 280, 281, 560])
def test_pen_width_is_a_fourteenth_of_the_canvas(size: int) -> None:
    assert pen_width(size) == round(size / 14)
    y = size / 2
    stroke = np.asarray(rasterize([[(size * 0.2, y), (size * 0.8, y)]], size=size)) > 0
    assert stroke[:, size // 2].sum() == round(size / 14)
    # the round caps stay within the line's thickness and stick out by half a pen
    assert extent(stroke, 1) == round(size / 14)
    assert extent(stroke, 0) == pytest.approx(size * 0.6 + round(size / 14), abs=1)
    upright = np.asarray(rasterize([[(y, size * 0.2), (y, size * 0.8)]], size=size)) > 0
    np.testing.assert_array_equal(upright, stroke.T)


def test_sharp_turn_is_drawn_with_a_round_pen() -> None:
    """Every pixel within the pen's radius of the path is ink, none far outside it."""
    path = np.array([(60.0, 220.0), (140.0, 60.0), (220.0, 220.0)])  # a "^"
    along = np.linspace(0, 1, 41)[:, None]  # as a mouse reports it: whole pixels 4.5 px apart
    stroke = np.vstack([path[0] + along * (path[1] - path[0]), path[1] + along[1:] * (path[2] - path[1])])
    ink = np.asarray(rasterize([stroke.tolist()])) > 0
    rows, cols = np.indices(ink.shape)
    pixels = np.stack([cols.ravel(), rows.ravel()], axis=1).astype(float)
    distance = np.full(len(pixels), np.inf)
    for a, b in zip(path[:-1], path[1:], strict=True):
        t = np.clip((pixels - a) @ (b - a) / ((b - a) @ (b - a)), 0, 1)
        distance = np.minimum(distance, np.hypot(*(pixels - a - t[:, None] * (b - a)).T))
    distance = distance.reshape(ink.shape)
    radius = pen_width() / 2
    assert ink[distance <= radius - 1].all()
    assert not ink[distance > radius + 1].any()


@pytest.mark.parametrize("strokes", [[], [[]], [[], []]])
def test_empty_canvas_raises(strokes: Strokes) -> None:
    with pytest.raises(EmptyDrawing):
        to_mnist(rasterize(strokes))


def test_faint_marks_are_not_a_digit() -> None:
    with pytest.raises(EmptyDrawing):
        to_mnist(np.full((50, 50), 0.05, dtype=np.float32))
    with pytest.raises(EmptyDrawing):
        to_mnist(np.full((50, 50), 25, dtype=np.uint8))  # 25/255 < 0.1


@pytest.mark.parametrize("bad", [
    [[(1.0, 2.0, 3.0)]], [[1.0, 2.0]], [[(1.0, float("nan"))]], [[(float("inf"), 1.0)]],
    [[("a", "b")]], [[(1.0, 2.0), (3.0,)]], [[{"x": 1}]], [5], ["ab"],
])
def test_rasterize_rejects_malformed_strokes(bad: list[object]) -> None:
    with pytest.raises(ValueError):
        rasterize(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("width", [0, -3, float("nan"), "wide"])
def test_rasterize_rejects_bad_pen_and_canvas(width: object) -> None:
    with pytest.raises(ValueError):
        rasterize([[(1.0, 1.0)]], width=width)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        rasterize([], size=0)


def test_strokes_may_leave_the_canvas() -> None:
    image = rasterize([[(-50.0, 140.0), (400.0, 140.0)], [(1e7, -1e7)]])
    assert image.size == (CANVAS_SIZE, CANVAS_SIZE) and image.mode == "L"
    assert (np.asarray(image)[:, 0] > 0).sum() == pen_width()


@pytest.mark.parametrize("side", [8, 4000])
def test_tiny_and_huge_inputs(side: int) -> None:
    canvas = np.zeros((side, side), dtype=np.uint8)
    canvas[side // 4: side * 3 // 4, side // 2 - side // 8: side // 2 + side // 8] = 255
    out = to_mnist(canvas)
    assert out.shape == (28, 28) and np.allclose(centre_of_mass(out), (14, 14), atol=0.5)
    assert out.max(axis=1).sum() == pytest.approx(20, abs=1.0)


def test_array_dtypes_agree() -> None:
    mask = np.zeros((60, 40), dtype=bool)
    mask[10:50, 15:25] = True
    mask[10:15, 5:35] = True
    reference = to_mnist(mask)
    variants = [mask.astype(np.uint8) * 255, mask.astype(np.float32), mask.astype(np.float64),
                mask.astype(np.uint16) * 65535, mask.astype(np.uint16) * 255,
                np.asfortranarray(mask.astype(np.uint8) * 255), (mask * 255).astype(">u2")]
    for variant in variants:
        np.testing.assert_allclose(to_mnist(variant), reference, atol=1e-6)
    assert not np.allclose(to_mnist(mask[::-1]), reference)  # it does read the image


def test_pil_image_modes_agree() -> None:
    image = rasterize(two())
    reference = to_mnist(image)
    for mode in ("1", "RGB", "I", "F"):
        converted = image.convert(mode)
        if mode == "F":
            converted = converted.point(lambda v: v / 255)
        np.testing.assert_allclose(to_mnist(converted), reference, atol=1e-5)


def test_rejects_what_is_not_a_2d_image() -> None:
    for bad in (np.zeros((3, 3, 3)), np.zeros(5), np.zeros((0, 4)), np.zeros((2, 2), complex)):
        with pytest.raises(ValueError):
            to_mnist(bad)


NUMERIC = st.sampled_from([np.uint8, np.bool_, np.float16, np.float32, np.float64,
                           np.uint16, np.int16, np.int32, np.int64, np.dtype(">u2")])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hnp.arrays(NUMERIC, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=48)))
def test_any_array_gives_a_digit_or_empty_drawing(array: np.ndarray) -> None:
    try:
        out = to_mnist(array)
    except EmptyDrawing:
        return
    assert out.dtype == np.float32 and out.shape == (28, 28)
    assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0
    assert out.max() > 0.0


POINT = st.tuples(st.floats(-100, 400), st.floats(-100, 400))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(POINT, max_size=12), max_size=4))
def test_any_strokes_give_a_digit_or_empty_drawing(strokes: Strokes) -> None:
    image = rasterize(strokes)
    try:
        out = to_mnist(image)
    except EmptyDrawing:
        assert not np.asarray(image).any()
        return
    assert out.shape == (28, 28) and 0.0 < out.max() <= 1.0
