"""Activations and costs, swappable as in Nielsen's ``network2.py``.

Every function works on a whole mini-batch: arrays of shape (N, units), one row per
example. Each activation knows its derivative, written in terms of what the forward
pass already has (the pre-activation ``z`` and the output ``a``) so backprop reuses it.
"""

from __future__ import annotations

import numpy as np


class Activation:
    name = "activation"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """d a / d z, elementwise, given ``z`` and ``a = self(z)``."""
        raise NotImplementedError

    def init_scale(self, fan_in: int) -> float:
        """Standard deviation of the initial weights that keeps signals from fading or
        exploding through depth: He for rectifiers, Glorot-like 1/sqrt(n) otherwise."""
        return float(np.sqrt(1.0 / fan_in))

    def __repr__(self) -> str:
        return self.name


class ReLU(Activation):
    name = "relu"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return (z > 0).astype(z.dtype)

    def init_scale(self, fan_in: int) -> float:
        return float(np.sqrt(2.0 / fan_in))


class LeakyReLU(ReLU):
    """ReLU that lets 1% through below zero, so a narrow layer (B1's 10 units) cannot die."""

    name = "leaky_relu"
    slope = 0.01

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, z * z.dtype.type(self.slope))

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z.dtype.type(1), z.dtype.type(self.slope))


class Tanh(Activation):
    name = "tanh"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return 1 - a * a


class Sigmoid(Activation):
    name = "sigmoid"

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-np.clip(z, -60, 60)))

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a * (1 - a)


# exp(-60) = 8.8e-27: no probability shown or learned from can tell it from 0, and it is
# far from float32's denormals (below 1.2e-38), the underflow of a confident net's wrong
# classes, which make each later matmul that reads them about 60 times slower.
LOGIT_FLOOR = -60.0


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum so exp never overflows, and with
    scores more than 60 below it raised to that, so exp never underflows into denormals
    (the not-a-digit detector's training step: 112 ms with them, 65 ms without)."""
    shifted = z - z.max(axis=1, keepdims=True)
    np.maximum(shifted, LOGIT_FLOOR, out=shifted)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


class Cost:
    """A cost with its output layer: ``output(z)`` turns the last pre-activation into
    probabilities, ``value`` is the mean cost of a batch, ``delta`` is dC/dz of the
    last layer for the batch mean (so it already holds the 1/N)."""

    name = "cost"

    def output(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.name


class CrossEntropy(Cost):
    """Softmax output with log-likelihood cost: the delta is simply ``a - y``, no
    sigmoid' factor, so learning does not slow down on confidently wrong outputs."""

    name = "cross_entropy"

    def output(self, z: np.ndarray) -> np.ndarray:
        return softmax(z)

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        return float(-np.sum(y * np.log(np.maximum(a, 1e-12))) / len(a))

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (a - y) / len(a)


class Quadratic(Cost):
    """Sigmoid outputs with the mean squared error, Nielsen's first cost (for comparison).
    Outputs are renormalised to sum to 1 only when read as probabilities."""

    name = "quadratic"

    def output(self, z: np.ndarray) -> np.ndarray:
        return Sigmoid()(z)

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        return float(0.5 * np.sum((a - y) ** 2) / len(a))

    def delta(self, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (a - y) * a * (1 - a) / len(a)


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (ReLU, LeakyReLU, Tanh, Sigmoid)
}
COSTS: dict[str, type[Cost]] = {cls.name: cls for cls in (CrossEntropy, Quadratic)}
