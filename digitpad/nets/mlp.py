"""A fully connected network in plain numpy: forward pass, backprop, saving and loading.

Nielsen's ``network2.py`` modernised: the same maths, but a whole mini-batch moves
through the net as one matrix, so each layer is one BLAS matmul instead of a Python
loop over examples (that is where the 20x and more comes from).

Shapes, for a batch of N examples and layer sizes ``sizes = [784, h1, ..., 10]``:

* ``weights[l]``: (sizes[l], sizes[l+1]); row-major activations times weights, i.e.
  the transpose of Nielsen's (out, in) matrices, so ``z = a @ W + b`` needs no transposes.
* ``biases[l]``: (sizes[l+1],)
* activations ``a[l]``: (N, sizes[l]); ``a[0]`` is the input, ``a[-1]`` the probabilities.

All parameters live in one flat array, ``flat``: the weights of every layer, then the
biases; ``weights`` and ``biases`` are views into it. An optimizer then updates the
whole net in a handful of numpy calls instead of a handful per array, and L2 decay
touches the weights in one pass. For a net as small as B4 those memory-bound passes are
a quarter of a training epoch (see ``benchmarks/train_speed.py``).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from digitpad.nets import store
from digitpad.nets.base import Classifier, as_batch
from digitpad.nets.functions import ACTIVATIONS, COSTS, Activation, Cost, CrossEntropy, ReLU
from digitpad.nets.threads import small_batches_on_one_thread


class MLP(Classifier):
    def __init__(self, sizes: list[int], activation: Activation | None = None,
                 cost: Cost | None = None, name: str = "mlp", seed: int | None = 0,
                 dtype: type[np.floating[Any]] = np.float32) -> None:
        if len(sizes) < 2 or any(s < 1 for s in sizes):
            raise ValueError(f"layer sizes must be at least two positive numbers, got {sizes}")
        self.sizes = list(sizes)
        self.activation = activation or ReLU()
        self.cost = cost or CrossEntropy()
        self.name = name
        self.meta: dict[str, Any] = {}
        rng = np.random.default_rng(seed)
        self.flat = np.zeros(self.n_weights + sum(sizes[1:]), dtype=dtype)
        self.weights, self.biases = self.unflatten(self.flat)
        for w, n_in in zip(self.weights, sizes[:-1]):
            w[...] = rng.standard_normal(w.shape) * self.activation.init_scale(n_in)

    @property
    def n_weights(self) -> int:
        """How many of ``flat``'s entries are weights (the rest are biases)."""
        return sum(n_in * n_out for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]))

    def unflatten(self, flat: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Views of a flat array laid out like ``self.flat`` as per-layer weight matrices
        (sizes[l], sizes[l+1]) and bias vectors (sizes[l+1],)."""
        weights, biases, at = [], [], 0
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            weights.append(flat[at:at + n_in * n_out].reshape(n_in, n_out))
            at += n_in * n_out
        for n_out in self.sizes[1:]:
            biases.append(flat[at:at + n_out])
            at += n_out
        return weights, biases

    def parameters(self) -> list[np.ndarray]:
        """Weights and biases interleaved, in layer order: [W0, b0, W1, b1, ...]
        (views of ``flat``)."""
        return self.parameters_of(self.weights, self.biases)

    @property
    def architecture(self) -> str:
        return "-".join(map(str, self.sizes)) + f" {self.activation.name}"

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``zs`` (one per layer after the input) and activations ``acts``
        (the input first, the output probabilities last), kept for backprop."""
        acts, zs = [x], []
        for layer, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = acts[-1] @ w
            z += b  # in place: one pass less over the batch
            zs.append(z)
            last = layer == len(self.weights) - 1
            acts.append(self.cost.output(z) if last else self.activation(z))
        return zs, acts

    @small_batches_on_one_thread
    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = as_batch(x).astype(self.weights[0].dtype, copy=False)
        probs = self.forward(x)[1][-1]
        if not isinstance(self.cost, CrossEntropy):  # sigmoid outputs: make them sum to 1
            probs = probs / probs.sum(axis=1, keepdims=True)
        return probs.astype(np.float32, copy=False)

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray, l2: float = 0.0,
                           out: np.ndarray | None = None) -> tuple[float, list[np.ndarray], np.ndarray]:
        """Backpropagation on one mini-batch.

        ``x``: (N, 784); ``y``: one-hot (N, 10). ``l2`` is the weight-decay strength
        lambda of the cost ``C + lambda/2 * sum(w**2)`` (biases are not decayed).
        Returns the batch's mean cost, gradients in :meth:`parameters` order, and the
        output probabilities (reused by the trainer to count correct answers).
        The gradients are views of ``out`` (laid out like ``flat``; a new array if
        None), so a trainer can hand the optimizer one flat gradient.
        """
        flat_grad = np.empty_like(self.flat) if out is None else out
        grad_ws, grad_bs = self.unflatten(flat_grad)
        zs, acts = self.forward(x)
        delta = self.cost.delta(zs[-1], acts[-1], y)  # dC/dz of the last layer, (N, 10)
        for layer in range(len(self.weights) - 1, -1, -1):
            np.matmul(acts[layer].T, delta, out=grad_ws[layer])
            np.sum(delta, axis=0, out=grad_bs[layer])
            if layer:
                slope = self.activation.derivative(zs[layer - 1], acts[layer])
                delta = delta @ self.weights[layer].T
                delta *= slope
        loss = self.cost.value(acts[-1], y)
        if l2:
            weights = self.flat[:self.n_weights]
            flat_grad[:self.n_weights] += l2 * weights
            loss += 0.5 * l2 * float(np.vdot(weights, weights))
        return loss, self.parameters_of(grad_ws, grad_bs), acts[-1]

    @staticmethod
    def parameters_of(weights: list[np.ndarray], biases: list[np.ndarray]) -> list[np.ndarray]:
        """Weights and biases interleaved, in layer order: [W0, b0, W1, b1, ...]."""
        return [p for pair in zip(weights, biases) for p in pair]

    # --- saving and loading -------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], **meta: Any) -> None:
        arrays = {f"W{i}": w for i, w in enumerate(self.weights)}
        arrays |= {f"b{i}": b for i, b in enumerate(self.biases)}
        info = {**self.meta, **meta, "kind": "mlp", "name": self.name, "sizes": self.sizes,
                "activation": self.activation.name, "cost": self.cost.name,
                "architecture": self.architecture}
        store.save(path, arrays, info)
        self.meta = info


def load(path: str | os.PathLike[str], expected_sizes: list[int] | None = None) -> MLP:
    """Load an :class:`MLP` saved by :meth:`MLP.save`, checking every shape."""
    name = os.fspath(path)
    arrays, meta = store.load(path)
    if meta.get("kind") != "mlp":
        raise store.WeightsError(f"{name}: holds a {meta.get('kind')!r} network, not a numpy MLP")
    sizes = meta.get("sizes")
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(isinstance(s, int) and s > 0 for s in sizes):
        raise store.WeightsError(f"{name}: metadata has no valid layer sizes")
    if expected_sizes is not None and sizes != expected_sizes:
        raise store.WeightsError(f"{name}: layers {sizes}, but this network needs {expected_sizes}")
    if meta.get("activation") not in ACTIVATIONS or meta.get("cost") not in COSTS:
        raise store.WeightsError(f"{name}: unknown activation or cost in metadata")
    net = MLP(sizes, ACTIVATIONS[meta["activation"]](), COSTS[meta["cost"]](), name=meta.get("name", "mlp"))
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        net.weights[i][...] = store.check_array(name, arrays, f"W{i}", (n_in, n_out))
        net.biases[i][...] = store.check_array(name, arrays, f"b{i}", (n_out,))
    net.meta = meta
    return net
