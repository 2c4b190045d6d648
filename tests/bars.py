"""Made-up images for tests that need many distinct, digit-sized inputs fast."""

from __future__ import annotations

import numpy as np


def upright_bars(n: int) -> np.ndarray:
    """float32 (n, 28, 28): a 16x4 bar of ink, at one of ten places across the image."""
    x = np.zeros((n, 28, 28), np.float32)
    for i in range(n):
        x[i, 6:22, 8 + i % 10:12 + i % 10] = 1.0
    return x
