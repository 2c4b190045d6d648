"""What the look-inside view shows, as RGB pictures: uint8 arrays (H, W, 3), numpy only
(the GUI turns them into Tk images). Kept out of the GUI so they are tested without Tk.

Colours: activations are dark (0) to bright (the layer's maximum); signed values are
blue (negative) through white to red (positive), scaled by the largest magnitude so the
strongest pixel is fully coloured whatever the net's scale.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

DARK = np.array([17, 24, 39], np.float64)  # the preview's slate
BRIGHT = np.array([250, 204, 21], np.float64)  # an active neuron: amber
OFF = np.array([75, 85, 99], np.float64)  # a switched-off neuron: grey with a cross
TOWARD = np.array([220, 38, 38], np.float64)  # toward the answer: red
AGAINST = np.array([37, 99, 235], np.float64)  # toward the runner-up: blue
WHITE = np.array([255, 255, 255], np.float64)
GAP = np.array([229, 231, 235], np.float64)  # between cells


def brightness(values: np.ndarray) -> np.ndarray:
    """(...,) activations -> (..., 3) RGB floats: dark for 0 (or below), bright for the
    largest value."""
    top = float(np.max(values)) if np.size(values) else 0.0
    level = np.clip(values / top, 0, 1) if top > 0 else np.zeros(np.shape(values))
    return DARK + level[..., None] * (BRIGHT - DARK)


def signed(values: np.ndarray, limit: float | None = None) -> np.ndarray:
    """(...,) signed values -> (..., 3) RGB floats: red positive, blue negative, white 0;
    ``limit``: the magnitude of full colour (default: the largest)."""
    top = float(np.max(np.abs(values))) if limit is None else limit
    level = np.clip(values / top, -1, 1) if top > 0 else np.zeros(np.shape(values))
    positive = WHITE + np.maximum(level, 0)[..., None] * (TOWARD - WHITE)
    return positive + np.minimum(level, 0)[..., None] * (WHITE - AGAINST)


def cells(colours: np.ndarray, cell: int, gap: int = 1) -> np.ndarray:
    """(rows, columns, 3) colours -> uint8 picture of square cells ``cell`` pixels wide
    with ``gap`` pixels between them: (rows * (cell + gap) - gap, ...)."""
    rows, columns = colours.shape[:2]
    step = cell + gap
    out = np.empty((rows * step - gap, columns * step - gap, 3))
    out[...] = GAP
    inner = np.repeat(np.repeat(colours, cell, axis=0), cell, axis=1)
    mask = (np.arange(rows * step - gap) % step < cell)
    mask_x = (np.arange(columns * step - gap) % step < cell)
    out[np.ix_(mask, mask_x)] = inner
    return np.round(out).astype(np.uint8)


def column_shape(units: int, height: int) -> tuple[int, int]:
    """(rows, columns) for ``units`` neurons in a block at most ``height`` rows tall."""
    columns = -(-units // height)
    return -(-units // columns), columns


def layer_block(values: np.ndarray, rows: int, columns: int, cell: int,
                off: set[int] | frozenset[int] = frozenset()) -> np.ndarray:
    """One layer's neurons, column by column (unit ``i`` at row ``i % rows``, column
    ``i // rows``), brightness = activation; switched-off units grey."""
    colours = np.tile(GAP, (rows * columns, 1))
    colours[:len(values)] = brightness(np.asarray(values, np.float64))
    for unit in off:
        colours[unit] = OFF
    return cells(colours.reshape(columns, rows, 3).transpose(1, 0, 2), cell)


def heat(why: np.ndarray, image: np.ndarray, size: int) -> np.ndarray:
    """The why-map over the image, ``size`` pixels square: red where a pixel pushed
    toward the answer, blue toward the runner-up; ink without either shows light grey."""
    colours = signed(why)
    ink = np.asarray(image, np.float64)[..., None]
    quiet = np.abs(why)[..., None] <= 1e-12
    colours = np.where(quiet, WHITE - ink * (WHITE - GAP) * 1.5, colours)
    scale = max(1, size // 28)
    return np.round(np.repeat(np.repeat(np.clip(colours, 0, 255), scale, 0), scale, 1)).astype(np.uint8)


def weights_picture(column: np.ndarray, size: int) -> np.ndarray:
    """A first-layer neuron's 784 incoming weights as a 28x28 signed picture (red: ink
    here excites it, blue: ink here inhibits it), ``size`` pixels square."""
    colours = signed(np.asarray(column, np.float64).reshape(28, 28))
    scale = max(1, size // 28)
    return np.round(np.repeat(np.repeat(colours, scale, 0), scale, 1)).astype(np.uint8)


def map_grid(maps: np.ndarray, columns: int, tile: int) -> np.ndarray:
    """Feature maps (H, W, C) as a grid of C small images (``columns`` wide, 2 pixels
    apart), each scaled to about ``tile`` pixels and to its own maximum, so a weak channel
    still shows its pattern; a map that is all zero stays dark."""
    height, width, channels = maps.shape
    scale = max(1, tile // height)
    rows = -(-channels // columns)
    top = maps.max(axis=(0, 1))
    level = np.divide(maps, top, out=np.zeros(maps.shape, np.float32), where=top > 0).clip(0, 1)
    colours = DARK.astype(np.float32) + level[..., None] * (BRIGHT - DARK).astype(np.float32)
    colours = np.repeat(np.repeat(colours, scale, 0), scale, 1)  # (H, W, C, 3), float32: ~2x faster
    tiles = np.empty((rows * columns, height * scale + 2, width * scale + 2, 3), np.float32)
    tiles[...] = GAP
    tiles[:channels, :height * scale, :width * scale] = colours.transpose(2, 0, 1, 3)
    grid = tiles.reshape(rows, columns, *tiles.shape[1:]).transpose(0, 2, 1, 3, 4)
    grid = grid.reshape(rows * tiles.shape[1], columns * tiles.shape[2], 3)[:-2, :-2]
    return np.round(grid).astype(np.uint8)
