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


def bilinear(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Sample each image at (src_x, src_y), zero outside. All arrays (B, 28, 28)."""
    batch, wide = len(images), SIDE + 2
    padded = np.zeros((batch, wide, wide), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    x = np.clip(src_x + 1, 0, SIDE)  # +1 for the zero border; clipping reads stay in it
    y = np.clip(src_y + 1, 0, SIDE)
    x0 = np.minimum(x.astype(np.int32), SIDE)  # floor, as x >= 0
    y0 = np.minimum(y.astype(np.int32), SIDE)
    fx, fy = x - x0.astype(np.float32), y - y0.astype(np.float32)  # int32 would promote to float64
    flat = padded.ravel()
    index = y0 * wide + x0 + (np.arange(batch, dtype=np.int32) * wide * wide)[:, None, None]
    top = flat.take(index) * (1 - fx) + flat.take(index + 1) * fx
    bottom = flat.take(index + wide) * (1 - fx) + flat.take(index + wide + 1) * fx
    return top * (1 - fy) + bottom * fy


def change_thickness(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Thicken (amount > 0) or thin (amount < 0) each image's strokes by a fraction of a
    pixel: a blend with its 3x3 cross-shaped dilation or erosion. ``amount``: (B,)."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    shifted = (padded[:, :-2, 1:-1], padded[:, 2:, 1:-1], padded[:, 1:-1, :-2], padded[:, 1:-1, 2:])
    grown, shrunk = images.copy(), images.copy()
    for neighbour in shifted:
        np.maximum(grown, neighbour, out=grown)
        np.minimum(shrunk, neighbour, out=shrunk)
    w = amount.astype(np.float32)[:, None, None]
    return images + np.maximum(w, 0) * (grown - images) + np.maximum(-w, 0) * (shrunk - images)
