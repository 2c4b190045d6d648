"""Backpropagation written to be read: the MLP's forward and backward pass, one example at
a time, in the style of Nielsen's ``network2.py`` (chapters 2 and 3 of *Neural Networks
and Deep Learning*). Not used by the app or the trainer: the fast engine
(:meth:`digitpad.nets.mlp.MLP.loss_and_gradients`) does the same maths on a whole
mini-batch at once, and ``tests/test_learner.py`` checks the two agree to 1e-6 on a
shipped net.

Notation, as in the book: layer ``l`` has activations ``a[l]`` (a column vector), weights
``w[l]`` of shape (neurons in l, neurons in l-1) and biases ``b[l]`` (neurons in l, 1);
``z[l] = w[l] a[l-1] + b[l]`` and ``a[l] = sigma(z[l])``. The output layer is a softmax
with the cross-entropy cost ``C = -sum(y * log a[L])``; the hidden layers use the net's
activation (ReLU for the shipped nets). The four equations of backpropagation:

* BP1  ``delta[L] = dC/da[L] * sigma'(z[L])``, which for softmax and cross-entropy is
  simply ``a[L] - y``;
* BP2  ``delta[l] = (w[l+1].T @ delta[l+1]) * sigma'(z[l])``;
* BP3  ``dC/db[l] = delta[l]``;
* BP4  ``dC/dw[l] = delta[l] @ a[l-1].T``.
"""

from __future__ import annotations

import logging

import numpy as np

from digitpad.nets.functions import Activation, ReLU
from digitpad.nets.mlp import MLP

log = logging.getLogger(__name__)


def softmax(z: np.ndarray) -> np.ndarray:
    """A column of scores -> a column of probabilities (shifted so exp cannot overflow)."""
    e = np.exp(z - z.max())
    return e / e.sum()


class LearnerNet:
    """``weights[i]``: (sizes[i+1], sizes[i]) and ``biases[i]``: (sizes[i+1], 1), as in
    ``network2.py``; index 0 is the first layer after the input."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray],
                 activation: Activation | None = None) -> None:
        self.weights = weights
        self.biases = biases
        self.activation = activation or ReLU()

    @classmethod
    def from_mlp(cls, net: MLP) -> LearnerNet:
        """The same net in the book's layout (transposed weights, column biases), float64."""
        weights = [np.array(w.T, np.float64) for w in net.weights]
        biases = [np.array(b, np.float64).reshape(-1, 1) for b in net.biases]
        return cls(weights, biases, net.activation)

    def feedforward(self, a: np.ndarray) -> np.ndarray:
        """The output probabilities (10, 1) for one input column ``a`` (784, 1)."""
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = w @ a + b
            a = softmax(z) if layer == len(self.weights) - 1 else self.activation(z)
        return a

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The gradient of the cost of one example: ``x`` (784, 1), ``y`` one-hot (10, 1).
        Returns ``(nabla_b, nabla_w)``, shaped like ``biases`` and ``weights``."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        # forward, keeping every z and a
        activation = x
        activations = [x]
        zs = []
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = w @ activation + b
            zs.append(z)
            last = layer == len(self.weights) - 1
            activation = softmax(z) if last else self.activation(z)
            activations.append(activation)
        # BP1: the output error; softmax with cross-entropy cancels sigma'(z)
        delta = activations[-1] - y
        for layer in range(len(self.weights) - 1, -1, -1):
            nabla_b[layer] = delta  # BP3
            nabla_w[layer] = delta @ activations[layer].T  # BP4
            if layer > 0:
                # BP2: the error one layer back, through the weights and sigma'
                slope = self.activation.derivative(zs[layer - 1], activations[layer])
                delta = (self.weights[layer].T @ delta) * slope
        return nabla_b, nabla_w

    def mean_gradient(self, xs: np.ndarray, ys: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The gradient of a mini-batch's mean cost: ``xs`` (N, 784), ``ys`` one-hot
        (N, 10), one example at a time as in ``network2.update_mini_batch``."""
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in zip(xs, ys):
            delta_b, delta_w = self.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            nabla_b = [nb + db for nb, db in zip(nabla_b, delta_b)]
            nabla_w = [nw + dw for nw, dw in zip(nabla_w, delta_w)]
        return [nb / len(xs) for nb in nabla_b], [nw / len(xs) for nw in nabla_w]
