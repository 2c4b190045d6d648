"""K1's dense head in numpy, on frozen convolutional features, for :mod:`digitpad.adapt`.

Adapting K1 fine-tunes only ``dense1`` and ``out`` (personal styles need no new
convolutions), so the expensive part, the convolutions, runs once per image: the features
(N, 3200) of the replayed and test images are cached in the user folder under a hash of
the convolution weights, and the head trains on them in a few numpy calls per step.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from digitpad import dirs
from digitpad.atomic import atomic_write_bytes
from digitpad.nets.cnn import ConvNet
from digitpad.nets.functions import softmax

log = logging.getLogger(__name__)

FEATURE_CHUNK = 64
FEATURES = 3200  # conv5's output, flattened

HEAD_KEYS = ("dense1.kernel", "dense1.bias", "out.kernel", "out.bias")


class Head:
    """K1's dense head as one flat float32 parameter array (so Adam updates it in a few
    numpy calls): ``features`` (N, 3200) -> ReLU(f @ W1 + b1) (N, 128) -> @ W2 + b2
    (N, 10) -> softmax. ``params`` [W1 (3200, 128), b1 (128,), W2 (128, 10), b2 (10,)]
    are views of ``flat``. (Any sizes work; float64 is for gradient checks.)"""

    def __init__(self, arrays: dict[str, np.ndarray], dtype: type[np.floating[Any]] = np.float32) -> None:
        shapes = [arrays[k].shape for k in HEAD_KEYS]
        self.flat = np.concatenate([arrays[k].ravel() for k in HEAD_KEYS]).astype(dtype)
        self.params = self.views(self.flat, shapes)
        self.shapes = shapes

    @staticmethod
    def views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
        out, at = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            out.append(flat[at:at + size].reshape(shape))
            at += size
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: p.copy() for k, p in zip(HEAD_KEYS, self.params)}

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        w1, b1, w2, b2 = self.params
        h = np.maximum(features @ w1 + b1, 0)
        return softmax(h @ w2 + b2).astype(self.flat.dtype)

    def loss_and_gradients(self, features: np.ndarray, targets: np.ndarray,
                           out: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """Mean cross-entropy of softmax outputs against ``targets`` (N, 10) (one-hot or
        soft), and its gradient laid out like ``flat`` (written into ``out`` if given)."""
        w1, b1, w2, b2 = self.params
        grad = np.empty_like(self.flat) if out is None else out
        g_w1, g_b1, g_w2, g_b2 = self.views(grad, self.shapes)
        z1 = features @ w1 + b1
        h = np.maximum(z1, 0)
        probs = softmax(h @ w2 + b2)
        loss = float(-np.sum(targets * np.log(np.maximum(probs, 1e-12))) / len(features))
        delta = (probs - targets) / len(features)  # dC/dz of the output layer, (N, 10)
        np.matmul(h.T, delta, out=g_w2)
        np.sum(delta, axis=0, out=g_b2)
        delta_h = delta @ w2.T
        delta_h *= z1 > 0
        np.matmul(features.T, delta_h, out=g_w1)
        np.sum(delta_h, axis=0, out=g_b1)
        return loss, grad


Tick = Callable[[float, str], None]  # (fraction of this part done, what): progress, or raise to stop


def features(net: ConvNet, images: np.ndarray, tick: Tick | None = None) -> np.ndarray:
    """float32 (N, 28, 28) -> conv5 features (N, 3200), in chunks of :data:`FEATURE_CHUNK`
    (``tick`` is called before each chunk, so a cancel stops it within one chunk)."""
    x = np.asarray(images, np.float32).reshape(-1, 28, 28, 1)
    parts = []
    for i in range(0, len(x), FEATURE_CHUNK):
        if tick is not None:
            tick(i / len(x), f"features of {i:,}/{len(x):,} images")
        parts.append(net.features(x[i:i + FEATURE_CHUNK]))
    return np.concatenate(parts) if parts else np.zeros((0, FEATURES), np.float32)


def cached_features(net: ConvNet, images: np.ndarray, what: str, tick: Tick | None = None) -> np.ndarray:
    """:func:`features` of ``images``, cached in the user folder under the convolution
    weights' hash, ``what`` and a hash of the images; a bad cache file is recomputed.
    (A cache, not a result: adapting that is cancelled may leave it, to be reused.)"""
    key = hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
    path = dirs.user_dir() / "adapt-cache" / f"K1-{net.conv_digest()}-{what}-{key}.npy"
    try:
        found = np.load(path, allow_pickle=False)
        if found.shape == (len(images), FEATURES) and found.dtype == np.float32:
            return found
        log.warning("%s has the wrong shape; recomputing", path)
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s (%s); recomputing", path, exc)
    computed = features(net, images, tick)
    buffer = io.BytesIO()
    np.save(buffer, computed, allow_pickle=False)
    atomic_write_bytes(path, buffer.getvalue())
    return computed
