"""Turn what a person drew (or scanned) into what the networks read: 28x28, as MNIST was made.

One path serves the app, the CLI, training and evaluation:

* :func:`rasterize` draws the canvas strokes with the app's round pen (never a screen grab),
  as curves where the points are far apart (:mod:`digitpad.spline`);
* :func:`to_mnist` crops to the ink, scales it into a 20x20 box keeping the aspect
  ratio with an anti-aliasing filter, and places it in 28x28 so that its centre of
  mass lands on the centre, which is what LeCun, Cortes and Burges did for MNIST;
* :func:`from_photo` normalises a photo or scan of a dark digit on light paper first.

Coordinates: ``(x, y)`` with x to the right and y down, in pixels. "Centre of mass at
(14, 14)" means ``sum(i * p) / sum(p) == 14`` over row (and column) indices ``i``:
that is where MNIST's own digits sit (mean 14.00 and 14.01 over its training set).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image, ImageDraw

from digitpad import spline

log = logging.getLogger(__name__)

CANVAS_SIZE = 280
PEN_FRACTION = 1 / 14  # pen width as a share of the canvas: 20 px on 280 px
BOX = 20  # the digit's longer side in the 28x28 output
OUT = 28
INK_THRESHOLD = 0.1  # a pixel at least this dark (of 1.0) counts as ink for cropping
UINT8_THRESHOLD = 26  # the same for 0..255 pixels: 26/255 >= 0.1 > 25/255
MAX_SIDE = 20_000

Point = Sequence[float]
Stroke = Sequence[Point] | np.ndarray  # (n, 2) arrays are strokes too


class EmptyDrawing(ValueError):
    """The image holds no ink, so there is no digit to read."""


def pen_width(size: int = CANVAS_SIZE) -> int:
    """Diameter of the round pen, in pixels, on a ``size`` x ``size`` canvas."""
    return max(1, round(size * PEN_FRACTION))


def rasterize(strokes: Iterable[Stroke], size: int = CANVAS_SIZE,
              width: float | None = None) -> Image.Image:
    """Draw ``strokes`` (lists of ``(x, y)`` canvas pixels) on a ``size`` x ``size`` image.

    Returns a mode ``"L"`` image, ink 255 on 0. Each stroke is a polyline drawn with a
    round pen of diameter ``width`` (default :func:`pen_width`, what the canvas shows):
    round joints and round caps, so a one-point stroke is a dot. Raises ``ValueError``
    for a stroke that is not a list of finite ``(x, y)`` pairs.
    """
    if size < 1:
        raise ValueError(f"canvas size must be positive, not {size}")
    diameter = pen_width(size) if width is None else _diameter(width)
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = spline.through(_as_points(stroke), size)  # curves where points are far apart
        if len(points) > 1:
            draw.line([tuple(p) for p in points.tolist()], fill=255, width=diameter)
        _draw_discs(draw, points, diameter)
    return image


def _diameter(width: float) -> int:
    try:
        value = float(width)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"pen width must be a number, not {width!r}") from exc
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"pen width must be a positive number, not {width!r}")
    return max(1, round(value))


def _draw_discs(draw: ImageDraw.ImageDraw, points: np.ndarray, diameter: int) -> None:
    """Stamp the pen at every point: the round caps and round joints the canvas draws.

    Segments alone leave notches at the outside of every turn. A disc of the pen's
    own size at each point fills them exactly (Pillow's ``joint="curve"`` used a disc
    one pixel smaller, and cost three times as much in Python calls). Pillow draws an
    even-width line half a pixel right of and below its coordinates and an ellipse
    box as inclusive, so the disc is placed and sized to cover exactly the rows and
    columns the line covers.
    """
    if diameter == 1:
        draw.point([tuple(p) for p in points.tolist()], fill=255)
        return
    half = (diameter - 1) / 2
    shift = 0.5 if diameter % 2 == 0 else 0.0
    for x, y in (points + shift).tolist():
        draw.ellipse((x - half, y - half, x + half, y + half), fill=255)


def _as_points(stroke: Stroke) -> np.ndarray:
    try:
        points = np.asarray(stroke, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"a stroke is a list of (x, y) numbers, got {stroke!r:.80}") from exc
    if points.size == 0:
        return points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"a stroke is a list of (x, y) points, got an array of shape {points.shape}")
    if not np.isfinite(points).all():
        raise ValueError("stroke points must be finite numbers")
    return points


def to_mnist(image: Image.Image | np.ndarray) -> np.ndarray:
    """Centre and scale the ink of ``image`` the way MNIST digits were made.

    ``image``: a PIL image or a 2-D array with ink high (uint8 0..255, bool, or float
    in [0, 1]; other values are clipped). Returns float32 (28, 28) in [0, 1], ink high.
    Raises :class:`EmptyDrawing` when no pixel reaches :data:`INK_THRESHOLD`.
    """
    ink, full = _ink_levels(image)
    threshold = UINT8_THRESHOLD if full == 255 else INK_THRESHOLD
    rows = np.flatnonzero(ink.max(axis=1) >= threshold)
    if rows.size == 0:
        raise EmptyDrawing("no ink found: draw a digit first")
    top, bottom = rows[0], rows[-1] + 1
    cols = np.flatnonzero(ink[top:bottom].max(axis=0) >= threshold)
    left, right = cols[0], cols[-1] + 1
    crop = ink[top:bottom, left:right]
    scale = BOX / max(crop.shape)  # output pixels per input pixel
    row_mass = crop.sum(axis=1, dtype=np.float64)
    mass = row_mass.sum()
    # centre of mass of the ink, in continuous coordinates (pixel i spans [i, i+1))
    com_y = top + (row_mass @ (np.arange(crop.shape[0]) + 0.5)) / mass
    com_x = left + (crop.sum(axis=0, dtype=np.float64) @ (np.arange(crop.shape[1]) + 0.5)) / mass
    # the source window that maps onto the 28x28 output, COM going to index 14 (14.5 continuous)
    x0, y0 = com_x - (OUT / 2 + 0.5) / scale, com_y - (OUT / 2 + 0.5) / scale
    span = OUT / scale
    return _resample(ink, full, x0, y0, span)


def _resample(ink: np.ndarray, full: float, x0: float, y0: float, span: float) -> np.ndarray:
    """Anti-aliased resampling of the square window (x0, y0, span) of ``ink`` to 28x28.

    Pillow's resize filters scale their support with the reduction, so BILINEAR is an
    area-weighted (triangle) filter when shrinking: smooth, and with no ringing. Only
    the window is handed to Pillow (zero-padded where it leaves the image), not the
    whole canvas: the same pixels, without converting a large image it mostly ignores.
    ``full``: the value of full ink in ``ink`` (255 for uint8, else 1).
    """
    left, top = int(np.floor(x0)), int(np.floor(y0))
    right, bottom = int(np.ceil(x0 + span)) + 1, int(np.ceil(y0 + span)) + 1
    window = _padded_window(ink, full, left, top, right, bottom)
    box = (x0 - left, y0 - top, x0 - left + span, y0 - top + span)
    out = Image.fromarray(window).resize((OUT, OUT), Image.Resampling.BILINEAR, box=box)
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, 1.0)


def _padded_window(ink: np.ndarray, full: float, left: int, top: int, right: int,
                   bottom: int) -> np.ndarray:
    """``ink[top:bottom, left:right] / full`` as a new float32 array, zeros outside ``ink``."""
    window = np.zeros((bottom - top, right - left), dtype=np.float32)
    height, width = ink.shape
    y_start, y_end = max(top, 0), min(bottom, height)
    x_start, x_end = max(left, 0), min(right, width)
    if y_start < y_end and x_start < x_end:
        inside = window[y_start - top:y_end - top, x_start - left:x_end - left]
        np.divide(ink[y_start:y_end, x_start:x_end], np.float32(full), out=inside, dtype=np.float32)
    return window


def _ink_levels(image: Image.Image | np.ndarray) -> tuple[np.ndarray, float]:
    """The image as a 2-D array with ink high, and the value of full ink in it: a uint8
    image stays uint8 (255), so that only the pixels around the digit are converted to
    float (the canvas is 280x280, the digit's window a fraction of it); anything else
    is :func:`_as_ink`'s float32 in [0, 1]."""
    if isinstance(image, Image.Image) and image.mode == "L":
        array = np.asarray(image)
    elif isinstance(image, np.ndarray) and image.dtype == np.uint8:
        array = image
    else:
        return _as_ink(image), 1.0
    _check_shape(array)
    return array, 255.0


def _check_shape(array: np.ndarray) -> None:
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D greyscale image, got shape {array.shape}")
    if min(array.shape) < 1 or max(array.shape) > MAX_SIDE:
        raise ValueError(f"image size {array.shape[1]}x{array.shape[0]} is not supported")


def _as_ink(image: Image.Image | np.ndarray) -> np.ndarray:
    """float32 2-D array in [0, 1], ink high."""
    if isinstance(image, Image.Image):
        if image.mode not in ("L", "F", "1", "I", "I;16"):
            image = image.convert("L")
        array = np.asarray(image)
    else:
        array = np.asarray(image)
    _check_shape(array)
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if np.issubdtype(array.dtype, np.integer):
        sixteen_bit = array.dtype in (np.uint16, np.dtype(">u2"), np.int32)
        top = 65535.0 if sixteen_bit and array.max() > 255 else 255.0
        scaled: np.ndarray = np.clip(array.astype(np.float32) / top, 0.0, 1.0)
        return scaled
    if np.issubdtype(array.dtype, np.floating):
        # clip before the cast: a float64 beyond float32's range would warn of overflow
        finite: np.ndarray = np.nan_to_num(array, nan=0.0, posinf=1.0, neginf=0.0)
        clipped: np.ndarray = np.clip(finite, 0.0, 1.0).astype(np.float32)
        return clipped
    raise ValueError(f"unsupported image array dtype {array.dtype}")


def from_photo(image: Image.Image | np.ndarray) -> np.ndarray:
    """Read a photo or scan of a digit (dark on light, or light on dark) like MNIST.

    Greyscale, ink made high (inverting when the border is light), the paper's level
    subtracted and the contrast stretched, faint noise dropped; then :func:`to_mnist`.
    An image whose alpha channel varies is read by its alpha: ink on a transparent
    background. Raises :class:`EmptyDrawing` for a blank page.
    """
    grey = _photo_ink(image)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = float(np.median(border))
    ink = grey if paper < 0.5 else 1.0 - grey
    paper = min(paper, 1.0 - paper)
    darkest = float(ink.max())
    if darkest - paper < 0.15:
        raise EmptyDrawing("no digit found: the image has no dark marks on a light background")
    ink = np.clip((ink - paper) / (darkest - paper), 0.0, 1.0)
    ink[ink < 0.2] = 0.0  # paper texture, shadows, JPEG noise
    return to_mnist(ink)


def _photo_ink(image: Image.Image | np.ndarray) -> np.ndarray:
    """Greyscale float32 in [0, 1] (paper light, ink dark), from any Pillow mode."""
    if not isinstance(image, Image.Image):
        return _as_ink(image)
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        alpha = np.asarray(image.getchannel("A"), dtype=np.float32) / 255.0
        if alpha.max() - alpha.min() > 0.15:
            return 1.0 - alpha  # ink where opaque, paper where transparent
        image = image.convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        brightest = values.max()
        # a float image is usually 0..1; read as 0..255 it would look like a blank page
        top = 1.0 if image.mode == "F" and brightest <= 1.0 else (
            65535.0 if brightest > 255 else 255.0)
        grey: np.ndarray = np.clip(values / top, 0.0, 1.0).astype(np.float32)
        return grey
    return np.asarray(image.convert("L"), dtype=np.float32) / 255.0
