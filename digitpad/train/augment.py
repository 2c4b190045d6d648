"""Data augmentation, vectorised over the batch: each image gets its own random affine
map, a smooth elastic distortion, and a thicker or thinner stroke, in a few numpy ops.

Why these: a person drawing in the app tilts, slants, squashes and wobbles the digit,
and the pen is wider or narrower than MNIST's scanned strokes once the digit is scaled.
The maps are applied by inverse warping with bilinear interpolation; each output pixel
reads the source at a computed position, so there are no holes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 28
# Bumped whenever the same Strength and random generator give other images, so cached
# views (train/views.py) are recomputed. 2: reads beyond the right and bottom edges are
# zero, as beyond the left and top (version 1 repeated the last row and column there).
VERSION = 2
_GRID = 4  # the elastic field is random on a 4x4 grid, smoothly upsampled to 28x28


@dataclass(frozen=True)
class Strength:
    rotate_deg: float = 12.0
    scale: float = 0.12  # relative, e.g. 0.12 -> 0.88..1.12
    stretch: float = 0.10  # different scale along x and y
    shear: float = 0.25
    shift_px: float = 2.0
    elastic_px: float = 1.2  # std of the coarse displacement, in pixels
    thickness: float = 0.6  # 0: never change the stroke width; 1: full pixel of dilation/erosion


PRESETS = {
    "none": None,
    "light": Strength(8.0, 0.08, 0.05, 0.15, 1.5, 0.6, 0.3),
    "strong": Strength(),
}


def augment(images: np.ndarray, rng: np.random.Generator, strength: Strength | None = None) -> np.ndarray:
    """Randomly distorted copies of ``images``: float32 (B, 28, 28) in [0, 1] -> same shape."""
    s = strength or Strength()
    images = np.asarray(images, dtype=np.float32)
    if s.thickness:
        images = change_thickness(images, rng.uniform(-s.thickness, s.thickness, len(images)))
    src_x, src_y = _source_coordinates(len(images), rng, s)
    return bilinear(images, src_x, src_y)


def _source_coordinates(batch: int, rng: np.random.Generator, s: Strength) -> tuple[np.ndarray, np.ndarray]:
    """For every output pixel, where to read the source: two (B, 28, 28) float32 arrays.

    One batched matmul of the pixel grid (784, 3), in homogeneous coordinates centred on
    the image, with a (B, 3, 2) inverse map per image: rotate, shear x by y, scale x and y
    separately, shift.
    """
    def uniform(limit: float) -> np.ndarray:
        return rng.uniform(-limit, limit, batch).astype(np.float32)

    angle = np.deg2rad(uniform(s.rotate_deg))
    scale, stretch, shear = 1 + uniform(s.scale), 1 + uniform(s.stretch), uniform(s.shear)
    cos, sin = np.cos(angle), np.sin(angle)
    inv_x, inv_y = 1 / (scale * stretch), stretch / scale
    maps = np.empty((batch, 3, 2), dtype=np.float32)
    maps[:, 0, 0], maps[:, 1, 0] = cos * inv_x, (shear * cos - sin) * inv_x  # source x
    maps[:, 0, 1], maps[:, 1, 1] = sin * inv_y, (cos + shear * sin) * inv_y  # source y
    maps[:, 2, :] = _CENTRE + rng.uniform(-s.shift_px, s.shift_px, (batch, 2))
    src = (_GRID_XY1 @ maps).reshape(batch, SIDE, SIDE, 2)
    src_x, src_y = src[..., 0], src[..., 1]
    if s.elastic_px:
        coarse = rng.normal(0, s.elastic_px, (2, batch, _GRID, _GRID)).astype(np.float32)
        src_x = src_x + _UP @ coarse[0] @ _UP.T
        src_y = src_y + _UP @ coarse[1] @ _UP.T
    return src_x, src_y


def _upsampler() -> np.ndarray:
    """(28, 4) linear interpolation matrix from the coarse elastic grid to pixels."""
    pos = np.linspace(0, _GRID - 1, SIDE)
    low = np.minimum(pos.astype(int), _GRID - 2)
    frac = pos - low
    up = np.zeros((SIDE, _GRID))
    up[np.arange(SIDE), low] = 1 - frac
    up[np.arange(SIDE), low + 1] = frac
    return up.astype(np.float32)


_UP = _upsampler()
_CENTRE = (SIDE - 1) / 2
_yy, _xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32) - _CENTRE
_GRID_XY1 = np.stack([_xx.ravel(), _yy.ravel(), np.ones(SIDE * SIDE, np.float32)], 1)  # (784, 3)


BLOCK = 128  # images per pass: the temporaries of a block stay in the CPU's L2 cache


def bilinear(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Sample each image at (src_x, src_y), zero outside. All arrays (B, 28, 28).

    Done a block of images at a time: some twenty element-wise passes over the whole
    batch would each stream it through memory, while a block's stay in cache (2x faster)."""
    out = np.empty((len(images), SIDE, SIDE), dtype=np.float32)
    for i in range(0, len(images), BLOCK):
        part = slice(i, i + BLOCK)
        out[part] = _bilinear_block(images[part], src_x[part], src_y[part])
    return out


def _bilinear_block(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    batch, wide = len(images), SIDE + 2
    padded = np.zeros((batch, wide, wide), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    x = np.clip(src_x + 1, 0, SIDE + 1)  # +1 for the zero border; clipped reads land in it
    y = np.clip(src_y + 1, 0, SIDE + 1)
    x0 = np.minimum(np.floor(x), SIDE)  # so that x0 + 1 is still inside the padding
    y0 = np.minimum(np.floor(y), SIDE)
    fx, fy = x - x0, y - y0
    y0 *= wide
    y0 += x0
    y0 += (np.arange(batch, dtype=np.float32) * wide * wide)[:, None, None]
    index = y0.astype(np.int32)  # of the top-left neighbour; exact in float32 (< 2**24)
    flat = padded.ravel()
    top_left, top_right = flat.take(index), flat.take(index + 1)
    index += wide
    bottom_left, bottom_right = flat.take(index), flat.take(index + 1)
    top_right -= top_left  # top = top_left + fx * (top_right - top_left)
    top_right *= fx
    top_left += top_right
    bottom_right -= bottom_left
    bottom_right *= fx
    bottom_left += bottom_right
    bottom_left -= top_left  # top + fy * (bottom - top)
    bottom_left *= fy
    top_left += bottom_left
    return top_left


def change_thickness(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Thicken (amount > 0) or thin (amount < 0) each image's strokes by a fraction of a
    pixel: a blend with its 3x3 cross-shaped dilation or erosion. ``amount``: (B,).
    Each image gets only the one it needs, a block at a time (see :func:`bilinear`)."""
    out = np.asarray(images, dtype=np.float32).copy()
    amount = np.asarray(amount, dtype=np.float32)
    for i in range(0, len(out), BLOCK):
        block, w = out[i:i + BLOCK], amount[i:i + BLOCK]
        for chosen, extreme, sign in ((w > 0, np.maximum, 1), (w < 0, np.minimum, -1)):
            if chosen.any():
                part = block[chosen]
                part += (sign * w[chosen])[:, None, None] * (_cross(part, extreme) - part)
                block[chosen] = part
    return out


def _cross(images: np.ndarray, extreme: np.ufunc) -> np.ndarray:
    """Each pixel's maximum (dilation) or minimum (erosion) over itself and its four
    neighbours, with zeros beyond the border."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    result = images.copy()
    for neighbour in (padded[:, :-2, 1:-1], padded[:, 2:, 1:-1], padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]):
        extreme(result, neighbour, out=result)
    return result
