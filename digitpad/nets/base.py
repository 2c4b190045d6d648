"""What every network in digitpad is: something that maps 28x28 images to 10 probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np


class Classifier:
    """Shared base (in the spirit of micrograd's ``Module``).

    ``predict_proba(x)``: ``x`` float32 (N, 28, 28) in [0, 1], ink high, as stacked
    :func:`digitpad.preprocess.to_mnist` outputs (a single (28, 28) image is accepted
    too); returns float32 (N, 10), rows summing to 1.
    ``meta``: what it is and how it was made (architecture, trained_on, test accuracy...).
    """

    name: str = "?"
    meta: dict[str, Any]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.predict_proba(x)

    def parameters(self) -> list[np.ndarray]:
        return []

    def describe(self) -> str:
        """One line for people: architecture, data, measured accuracy."""
        meta = getattr(self, "meta", {})
        accuracy = meta.get("test_accuracy")
        acc = f", {accuracy * 100:.2f}% on {meta.get('test_set', 'the test set')}" if accuracy else ""
        note = f" ({meta['note']})" if meta.get("note") else ""
        return (f"{self.name}: {meta.get('architecture', '?')}; trained on {meta.get('trained_on', '?')}"
                f"{acc}{note}")

    def __repr__(self) -> str:
        count = sum(p.size for p in self.parameters())
        return f"{type(self).__name__}({self.name!r}, {count} parameters)"


def as_batch(x: np.ndarray) -> np.ndarray:
    """float32 (N, 784) from (N, 28, 28), (28, 28), (N, 784) or (784,) input."""
    x = np.asarray(x, dtype=np.float32)
    if x.shape == (28, 28) or x.shape == (784,):
        x = x.reshape(1, 784)
    elif x.ndim == 3 and x.shape[1:] == (28, 28):
        x = x.reshape(len(x), 784)
    elif not (x.ndim == 2 and x.shape[1] == 784):
        raise ValueError(f"expected images of shape (N, 28, 28), got {x.shape}")
    return x
