"""Inside K1 for one image: the feature maps of each conv layer, the dense head's top
inputs, and the gradient of a direction of the logits back to the input image.

The forward pass is :class:`digitpad.nets.cnn.ConvNet`'s, one image at a time, keeping
what backprop needs. Shapes (channels last): conv1, conv2 (28, 28, 32); conv3, conv4
(14, 14, 64); conv5 (5, 5, 128); the dense head 128 units; logits (10,).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from digitpad.nets.cnn import CONVS, ConvNet, conv3x3, max_pool2
from digitpad.nets.threads import one_thread_if_small

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConvTrace:
    """``maps[name]``: that conv layer's output after ReLU, before pooling, (H, W, C);
    ``pre[name]``: before ReLU and pooling, with a batch axis (1, H, W, C), for backprop;
    ``inputs[name]``: what the layer read (1, H, W, C_in); ``hidden``: the dense head's
    128 activations; ``logits`` (10,)."""

    maps: dict[str, np.ndarray]
    pre: dict[str, np.ndarray]
    inputs: dict[str, np.ndarray]
    features: np.ndarray
    hidden: np.ndarray
    logits: np.ndarray


def trace(net: ConvNet, image: np.ndarray, dtype: DTypeLike = np.float32) -> ConvTrace:
    """One (28, 28) image through K1, every layer kept. ``dtype``: float32 as the app runs
    K1, or float64 (the weights cast too) to check gradients by finite differences."""
    with one_thread_if_small(1):  # small products: a second BLAS thread only waits
        return _trace(net, np.asarray(image, dtype).reshape(1, 28, 28, 1), dtype)


def _trace(net: ConvNet, a: np.ndarray, dtype: DTypeLike) -> ConvTrace:
    maps, pre, inputs = {}, {}, {}
    for name, _, padding, pool in CONVS:
        inputs[name] = a
        bias = net.arrays[f"{name}.bias"].astype(dtype, copy=False)
        z = conv3x3(a, _matrix(net, name, dtype), bias, padding)
        pre[name] = z
        maps[name] = np.maximum(z[0], 0)
        a = np.maximum(max_pool2(z) if pool else z, 0)
    features = a.reshape(-1)
    hidden = np.maximum(features @ net.arrays["dense1.kernel"].astype(dtype, copy=False)
                        + net.arrays["dense1.bias"].astype(dtype, copy=False), 0)
    logits = (hidden @ net.arrays["out.kernel"].astype(dtype, copy=False)
              + net.arrays["out.bias"].astype(dtype, copy=False))
    return ConvTrace(maps, pre, inputs, features, hidden, logits)


def _matrix(net: ConvNet, name: str, dtype: DTypeLike) -> np.ndarray:
    """The im2col matrix (9 * C_in, C_out) of conv layer ``name``, in ``dtype``."""
    kernel = net.arrays[f"{name}.kernel"]
    return kernel.reshape(-1, kernel.shape[-1]).astype(dtype, copy=False)


def input_gradient(net: ConvNet, t: ConvTrace, direction: np.ndarray) -> np.ndarray:
    """d (direction . logits) / d image, (28, 28), back through the head, ReLUs, max
    pools (to the window's first maximum) and convolutions of the traced image."""
    with one_thread_if_small(1):
        return _input_gradient(net, t, direction)


def _input_gradient(net: ConvNet, t: ConvTrace, direction: np.ndarray) -> np.ndarray:
    dtype = t.logits.dtype
    g = net.arrays["out.kernel"].astype(dtype, copy=False) @ np.asarray(direction, dtype)
    g = (net.arrays["dense1.kernel"].astype(dtype, copy=False) @ (g * (t.hidden > 0))).reshape(1, 5, 5, 128)
    for name, _, padding, pool in reversed(CONVS):
        z = t.pre[name]
        if pool:
            g = g * (max_pool2(z) > 0)
            g = _unpool(z, g)
        else:
            g = g * (z > 0)
        g = _conv_input_gradient(g, _matrix(net, name, dtype), t.inputs[name].shape, padding)
    gradient: np.ndarray = g[0, :, :, 0]
    return gradient


def _unpool(z: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Route the pooled gradient ``g`` (1, H/2, W/2, C) to the first maximum of each 2x2
    window of ``z`` (1, H, W, C)."""
    batch, height, width, channels = z.shape
    windows = z.reshape(batch, height // 2, 2, width // 2, 2, channels).transpose(0, 1, 3, 5, 2, 4)
    first = windows.reshape(*windows.shape[:4], 4).argmax(axis=-1)
    routed = (np.arange(4) == first[..., None]) * g[..., None]
    routed = routed.reshape(batch, height // 2, width // 2, channels, 2, 2)
    return routed.transpose(0, 1, 4, 2, 5, 3).reshape(z.shape)


def _conv_input_gradient(g: np.ndarray, matrix: np.ndarray, shape: tuple[int, ...],
                         padding: str) -> np.ndarray:
    """The gradient at a 3x3 convolution's input (``shape``) from the one at its output
    ``g`` (1, H, W, C_out): the transpose of im2col, each of the nine shifts added back."""
    channels = shape[-1]
    patches = g.reshape(-1, g.shape[-1]) @ matrix.T  # (H * W, 9 * C_in)
    height, width = g.shape[1], g.shape[2]
    patches = patches.reshape(1, height, width, 9 * channels)
    padded = np.zeros((1, height + 2, width + 2, channels), g.dtype)
    for k in range(9):
        dy, dx = divmod(k, 3)
        padded[:, dy:dy + height, dx:dx + width] += patches[..., k * channels:(k + 1) * channels]
    return padded[:, 1:-1, 1:-1] if padding == "same" else padded


@dataclass(frozen=True)
class HeadInput:
    """A unit of the dense head: its activation and what it adds to the answer's logit."""

    unit: int
    activation: float
    contribution: float


def head_inputs(net: ConvNet, t: ConvTrace, answer: int, count: int = 8) -> list[HeadInput]:
    """The ``count`` dense units that add most to the answer's logit, strongest first."""
    contribution = t.hidden * net.arrays["out.kernel"][:, answer]
    order = np.argsort(-contribution, kind="stable")[:count]
    return [HeadInput(int(u), float(t.hidden[u]), float(contribution[u])) for u in order]
