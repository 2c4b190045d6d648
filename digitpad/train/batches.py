"""Shuffled, augmented mini-batches, prepared one chunk ahead in a background thread.

numpy releases the GIL in its heavy loops, so augmenting the next few thousand images
overlaps with the matmuls of the current ones; augmenting a chunk at a time (rather
than a batch) also amortises numpy's per-call overhead.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from digitpad.train.augment import Strength, augment

CHUNK = 4096


def augmented_batches(x: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator,
                      strength: Strength | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of ``(images (B, 28, 28), labels (B,))`` in a fresh random order."""
    order = rng.permutation(len(x))
    chunks = [order[i:i + CHUNK] for i in range(0, len(order), CHUNK)]
    seeds = rng.integers(0, 2**63, len(chunks))

    def prepare(k: int) -> np.ndarray:
        images = x[chunks[k]]
        return augment(images, np.random.default_rng(seeds[k]), strength) if strength else images

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(prepare, 0)
        for k, chunk in enumerate(chunks):
            images = pending.result()
            if k + 1 < len(chunks):
                pending = pool.submit(prepare, k + 1)
            for i in range(0, len(chunk), batch_size):
                yield images[i:i + batch_size], y[chunk[i:i + batch_size]]


def shuffled_batches(images: np.ndarray, batch_size: int,
                     rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of ``(images (B, 28, 28), indices (B,))`` of already augmented images,
    in a fresh random order."""
    order = rng.permutation(len(images))
    for i in range(0, len(order), batch_size):
        index = order[i:i + batch_size]
        yield images[index], index
