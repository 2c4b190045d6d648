"""K1, the convolutional net: defined and trained in Keras, run in plain numpy.

Keras (with TensorFlow, or any Keras 3 backend) is needed only to *train* K1; the app
runs it with the numpy forward pass of :class:`ConvNet`, so ``import digitpad.nets.cnn``
never imports TensorFlow or Keras (they are imported inside the functions that need them).

The architecture (all convolutions 3x3, stride 1, no bias; each followed by batch norm
and ReLU), shapes for one image, channels last as Keras has them::

    input (28, 28, 1)
    conv1 32 same  -> (28, 28, 32)    conv2 32 same -> (28, 28, 32)   maxpool -> (14, 14, 32)
    conv3 64 same  -> (14, 14, 64)    conv4 64 same -> (14, 14, 64)   maxpool -> (7, 7, 64)
    conv5 128 valid -> (5, 5, 128)    flatten -> (3200,)
    dense1 128 (no bias) + batch norm + ReLU -> (128,)    out 10 + softmax -> (10,)

Dropout follows each pooling and dense1 during training only. At export every batch
norm is folded into the layer before it (``w * gamma / sqrt(var + eps)``, bias
``beta - mean * gamma / sqrt(var + eps)``), so the numpy net has only convolutions,
pooling and dense layers: fewer passes over memory, and nothing to get out of sync.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.nets import functions, store
from digitpad.nets.base import Classifier, as_batch
from digitpad.nets.threads import small_batches_on_one_thread

log = logging.getLogger(__name__)

ARCHITECTURE = "K1-v1 conv32-32-pool-64-64-pool-128v-d128-10 bn relu"
# (name, output channels, padding, max-pool after it)
CONVS: tuple[tuple[str, int, str, bool], ...] = (
    ("conv1", 32, "same", False),
    ("conv2", 32, "same", True),
    ("conv3", 64, "same", False),
    ("conv4", 64, "same", True),
    ("conv5", 128, "valid", False),
)
DENSE = 128
FLAT = 5 * 5 * 128  # conv5's output, flattened in (row, column, channel) order
DROPOUT = {"pool": 0.25, "dense": 0.4}
BN_MOMENTUM = 0.9  # moving statistics settle within tens of batches (short runs, tests)
BN_EPSILON = 1e-3
CHUNK = 64  # images per forward pass: bounds the im2col buffers to ~60 MB
KERAS_MISSING = 'K1 needs Keras 3 with TensorFlow (or JAX) to train: pip install -e ".[cnn]"'


def expected_shapes() -> dict[str, tuple[int, ...]]:
    """Every array a K1 weights file holds, with its shape (kernels in Keras layout)."""
    shapes: dict[str, tuple[int, ...]] = {}
    channels = 1
    for name, out, _, _ in CONVS:
        shapes[f"{name}.kernel"] = (3, 3, channels, out)
        shapes[f"{name}.bias"] = (out,)
        channels = out
    shapes |= {"dense1.kernel": (FLAT, DENSE), "dense1.bias": (DENSE,),
               "out.kernel": (DENSE, 10), "out.bias": (10,)}
    return shapes


class ConvNet(Classifier):
    """The numpy K1. ``arrays``: :func:`expected_shapes` names -> float32 arrays, batch
    norm already folded in (as :func:`export_arrays` makes them)."""

    def __init__(self, arrays: dict[str, np.ndarray], name: str = "K1",
                 meta: dict[str, Any] | None = None) -> None:
        shapes = expected_shapes()
        missing = sorted(set(shapes) - set(arrays))
        if missing:
            raise ValueError(f"missing arrays: {', '.join(missing)}")
        self.arrays = {key: np.ascontiguousarray(arrays[key], dtype=np.float32) for key in shapes}
        for key, shape in shapes.items():
            if self.arrays[key].shape != shape:
                raise ValueError(f"array {key!r} has shape {self.arrays[key].shape}, expected {shape}")
        # im2col layout: (3 * 3 * C_in, C_out), rows in (dy, dx, channel) order
        self._matrices = {n: self.arrays[f"{n}.kernel"].reshape(-1, out) for n, out, _, _ in CONVS}
        self.name = name
        self.meta = dict(meta or {})

    def parameters(self) -> list[np.ndarray]:
        return list(self.arrays.values())

    @small_batches_on_one_thread
    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        """float32 (N, 28, 28) in [0, 1] -> float32 (N, 10); big batches go in chunks."""
        images = as_batch(x).reshape(-1, 28, 28, 1)
        parts = [self._forward(images[i:i + CHUNK]) for i in range(0, len(images), CHUNK)]
        return np.concatenate(parts) if parts else np.zeros((0, 10), np.float32)

    @small_batches_on_one_thread
    def proba_and_features(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`predict_proba`, with the features the head read: (N, 10) and
        (N, 3200) float32, in one pass (the not-a-digit check reads the same features)."""
        images = as_batch(x).reshape(-1, 28, 28, 1)
        probs, feats = [], []
        for i in range(0, len(images), CHUNK):
            f = self.features(images[i:i + CHUNK])
            feats.append(f)
            probs.append(softmax(self.head_logits(f)))
        if not probs:
            return np.zeros((0, 10), np.float32), np.zeros((0, FLAT), np.float32)
        return np.concatenate(probs), np.concatenate(feats)

    def conv_digest(self) -> str:
        """What the features depend on, hashed: the convolution weights (not the head), so
        a head trained on these features knows whether it still fits (adapting K1 changes
        only the head; retraining it from scratch changes everything)."""
        digest = hashlib.sha256()
        for key in sorted(self.arrays):
            if key.startswith("conv"):
                digest.update(key.encode())
                digest.update(self.arrays[key].tobytes())
        return digest.hexdigest()[:24]

    def features(self, images: np.ndarray) -> np.ndarray:
        """(B, 28, 28, 1) -> conv5's output after ReLU, flattened: (B, 3200), what the dense
        head reads. ReLU comes after pooling: max and ReLU commute, and a quarter as many
        values pass through it."""
        a = images
        for name, _, padding, pool in CONVS:
            a = conv3x3(a, self._matrices[name], self.arrays[f"{name}.bias"], padding)
            if pool:
                a = max_pool2(a)
            np.maximum(a, 0, out=a)
        return a.reshape(len(a), FLAT)

    def logits(self, images: np.ndarray) -> np.ndarray:
        """(B, 28, 28, 1) -> pre-softmax scores (B, 10)."""
        return self.head_logits(self.features(images))

    def head_logits(self, features: np.ndarray) -> np.ndarray:
        """(B, 3200) features -> pre-softmax scores (B, 10): the dense head."""
        h = features @ self.arrays["dense1.kernel"] + self.arrays["dense1.bias"]
        np.maximum(h, 0, out=h)
        return h @ self.arrays["out.kernel"] + self.arrays["out.bias"]

    def _forward(self, images: np.ndarray) -> np.ndarray:
        return softmax(self.logits(images))

    def save(self, path: str | os.PathLike[str], **meta: Any) -> None:
        info = {**self.meta, **meta, "kind": "cnn", "name": self.name, "architecture": ARCHITECTURE}
        info.pop("path", None)
        store.save(path, self.arrays, info)
        self.meta = info


def conv3x3(x: np.ndarray, matrix: np.ndarray, bias: np.ndarray, padding: str) -> np.ndarray:
    """3x3 convolution by im2col: (B, H, W, C) -> (B, H', W', C_out) in one matmul.

    ``matrix``: (9 * C, C_out), rows in (dy, dx, channel) order, i.e. a Keras kernel
    (3, 3, C, C_out) reshaped. The nine shifted views are laid side by side along the
    channel axis, which is the same (dy, dx, channel) order, so no transpose is needed.
    """
    if padding == "same":  # a zero border; faster than np.pad for these small arrays
        padded = np.zeros((x.shape[0], x.shape[1] + 2, x.shape[2] + 2, x.shape[3]), x.dtype)
        padded[:, 1:-1, 1:-1] = x
        x = padded
    batch, height, width = x.shape[0], x.shape[1] - 2, x.shape[2] - 2
    patches = np.concatenate([x[:, dy:dy + height, dx:dx + width, :]
                              for dy in range(3) for dx in range(3)], axis=-1)
    out: np.ndarray = patches.reshape(-1, matrix.shape[0]) @ matrix
    out += bias
    return out.reshape(batch, height, width, -1)


def max_pool2(x: np.ndarray) -> np.ndarray:
    """2x2 max pooling, stride 2: (B, H, W, C) -> (B, H/2, W/2, C); H and W even.
    Three element-wise maxima of strided views: 2.5x faster than a reduction over two axes."""
    top = np.maximum(x[:, 0::2, 0::2], x[:, 0::2, 1::2])
    return np.maximum(top, np.maximum(x[:, 1::2, 0::2], x[:, 1::2, 1::2]), out=top)


def softmax(z: np.ndarray) -> np.ndarray:
    """(B, 10) scores -> float32 probabilities (:func:`digitpad.nets.functions.softmax`)."""
    probs: np.ndarray = functions.softmax(z).astype(np.float32)
    return probs


def load(path: str | os.PathLike[str]) -> ConvNet:
    """Load a :class:`ConvNet` saved by :meth:`ConvNet.save`, checking every shape."""
    name = os.fspath(path)
    arrays, meta = store.load(path)
    if meta.get("kind") != "cnn":
        raise store.WeightsError(f"{name}: holds a {meta.get('kind')!r} network, not the CNN K1")
    if meta.get("architecture") != ARCHITECTURE:
        raise store.WeightsError(f"{name}: architecture {meta.get('architecture')!r}; this digitpad "
                                 f"runs {ARCHITECTURE!r}")
    shapes = expected_shapes()
    extra = sorted(set(arrays) - set(shapes))
    if extra:
        raise store.WeightsError(f"{name}: unexpected arrays {', '.join(extra)}; not a K1 file")
    checked = {key: store.check_array(name, arrays, key, shape) for key, shape in shapes.items()}
    return ConvNet(checked, name=meta.get("name", "K1"), meta=meta)


# --- Keras side: imported lazily -------------------------------------------------------
def require_keras() -> Any:
    """The ``keras`` module, or a RuntimeError saying how to install it."""
    try:
        import keras
    except ImportError as exc:
        raise RuntimeError(KERAS_MISSING) from exc
    return keras


def build_k1(l2: float = 0.0) -> Any:
    """The Keras K1 (uncompiled), layer names matching :func:`expected_shapes`.
    ``l2``: weight decay lambda, as in :class:`digitpad.train.TrainConfig` (training only)."""
    keras = require_keras()
    layers = keras.layers
    reg = keras.regularizers.L2(l2 / 2) if l2 else None  # cost + lambda/2 |w|^2
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    a = inputs
    for name, out, padding, pool in CONVS:
        a = layers.Conv2D(out, 3, padding=padding, use_bias=False, kernel_regularizer=reg, name=name)(a)
        a = layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON, name=f"{name}_bn")(a)
        a = layers.ReLU(name=f"{name}_relu")(a)
        if pool:
            a = layers.MaxPooling2D(2, name=f"{name}_pool")(a)
            a = layers.Dropout(DROPOUT["pool"], name=f"{name}_drop")(a)
    a = layers.Flatten(name="flatten")(a)
    a = layers.Dense(DENSE, use_bias=False, kernel_regularizer=reg, name="dense1")(a)
    a = layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON, name="dense1_bn")(a)
    a = layers.ReLU(name="dense1_relu")(a)
    a = layers.Dropout(DROPOUT["dense"], name="dense1_drop")(a)
    outputs = layers.Dense(10, activation="softmax", kernel_regularizer=reg, name="out")(a)
    return keras.Model(inputs, outputs, name="K1")


def export_arrays(model: Any) -> dict[str, np.ndarray]:
    """The numpy arrays of a Keras K1, batch norm folded in (in float64, then float32)."""
    arrays: dict[str, np.ndarray] = {}
    for name in [c[0] for c in CONVS] + ["dense1"]:
        kernel = _weights(model, name)["kernel"]
        bn = _weights(model, f"{name}_bn")
        scale = bn["gamma"] / np.sqrt(bn["moving_variance"] + model.get_layer(f"{name}_bn").epsilon)
        arrays[f"{name}.kernel"] = (kernel * scale).astype(np.float32)
        arrays[f"{name}.bias"] = (bn["beta"] - bn["moving_mean"] * scale).astype(np.float32)
    out = _weights(model, "out")
    arrays["out.kernel"] = out["kernel"].astype(np.float32)
    arrays["out.bias"] = out["bias"].astype(np.float32)
    return arrays


def _weights(model: Any, layer: str) -> dict[str, np.ndarray]:
    """A layer's variables by short name (kernel, bias, gamma, ...), as float64."""
    found = model.get_layer(layer)
    return {v.path.rsplit("/", 1)[-1]: np.asarray(v.numpy(), dtype=np.float64) for v in found.weights}


def keras_weights_path(npz: str | os.PathLike[str]) -> Path:
    """``<stem>.weights.h5`` beside a K1 ``.npz``: the Keras weights the trainer writes with
    it, which training and the Keras teacher need (the ``.npz`` has batch norm folded in)."""
    path = Path(npz)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(f"{stem}.weights.h5")


def keras_from_weights(path: str | os.PathLike[str]) -> Any:
    """A Keras K1 with the weights of a ``.weights.h5`` file that trainer wrote.
    Only weights are read into :func:`build_k1`, never a saved model (that could run code)."""
    model = build_k1()
    model.load_weights(os.fspath(path))
    return model
