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
    """For every output pixel, where to read the source: two (B, 28, 28) arrays."""
    angle = np.deg2rad(rng.uniform(-s.rotate_deg, s.rotate_deg, batch))
    scale = 1 + rng.uniform(-s.scale, s.scale, batch)
    stretch = 1 + rng.uniform(-s.stretch, s.stretch, batch)
    shear = rng.uniform(-s.shear, s.shear, batch)
    cos, sin = np.cos(angle), np.sin(angle)
    # inverse map, output -> source: rotate, shear x by y, scale x and y separately
    a = np.stack([np.stack([cos, -sin + shear * cos], -1),
                  np.stack([sin, cos + shear * sin], -1)], -2)  # (B, 2, 2)
    a = a / np.stack([scale * stretch, scale / stretch], -1)[:, :, None]
    centre = (SIDE - 1) / 2
    grid = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32) - centre  # (2, 28, 28): y, x
    shift = rng.uniform(-s.shift_px, s.shift_px, (batch, 2))
    src_x = a[:, 0, 0, None, None] * grid[1] + a[:, 0, 1, None, None] * grid[0] + centre + shift[:, 0, None, None]
    src_y = a[:, 1, 0, None, None] * grid[1] + a[:, 1, 1, None, None] * grid[0] + centre + shift[:, 1, None, None]
    if s.elastic_px:
        dx, dy = _elastic(batch, rng, s.elastic_px)
        src_x, src_y = src_x + dx, src_y + dy
    return src_x.astype(np.float32), src_y.astype(np.float32)


def _upsampler() -> np.ndarray:
    """(28, 4) linear interpolation matrix from the coarse grid to pixels."""
    pos = np.linspace(0, _GRID - 1, SIDE)
    low = np.minimum(pos.astype(int), _GRID - 2)
    frac = pos - low
    up = np.zeros((SIDE, _GRID))
    up[np.arange(SIDE), low] = 1 - frac
    up[np.arange(SIDE), low + 1] = frac
    return up.astype(np.float32)


_UP = _upsampler()


def _elastic(batch: int, rng: np.random.Generator, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    coarse = rng.normal(0, sigma, (2, batch, _GRID, _GRID)).astype(np.float32)
    field = np.einsum("ik,cbkl,jl->cbij", _UP, coarse, _UP)  # smooth (2, B, 28, 28)
    return field[0], field[1]


def bilinear(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Sample each image at (src_x, src_y), zero outside. All arrays (B, 28, 28)."""
    batch = len(images)
    padded = np.zeros((batch, SIDE + 2, SIDE + 2), dtype=np.float32)
    padded[:, 1:-1, 1:-1] = images
    x = np.clip(src_x + 1, 0, SIDE)  # +1 for the padding; clip keeps reads in the zero border
    y = np.clip(src_y + 1, 0, SIDE)
    x0 = np.minimum(np.floor(x).astype(np.int32), SIDE)
    y0 = np.minimum(np.floor(y).astype(np.int32), SIDE)
    fx, fy = x - x0, y - y0
    flat = padded.reshape(batch, -1)
    base = (y0 * (SIDE + 2) + x0).reshape(batch, -1)

    def at(offset: int) -> np.ndarray:
        return np.take_along_axis(flat, base + offset, axis=1).reshape(batch, SIDE, SIDE)

    top = at(0) * (1 - fx) + at(1) * fx
    bottom = at(SIDE + 2) * (1 - fx) + at(SIDE + 3) * fx
    return top * (1 - fy) + bottom * fy


def change_thickness(images: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Thicken (amount > 0) or thin (amount < 0) each image's strokes by a fraction of a
    pixel: a blend with its 3x3 cross-shaped dilation or erosion. ``amount``: (B,)."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    neighbours = np.stack([padded[:, 1:-1, 1:-1], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1],
                           padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]])
    grown, shrunk = neighbours.max(axis=0), neighbours.min(axis=0)
    w = amount.astype(np.float32)[:, None, None]
    return np.where(w > 0, images + w * (grown - images), images + (-w) * (shrunk - images))
