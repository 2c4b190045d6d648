"""Inside an MLP (B1-B4) for one image: activations layer by layer, neurons switched off,
and the strongest contributions into the answer.

Layers are counted as in :class:`digitpad.nets.mlp.MLP`: ``weights[l]`` (sizes[l],
sizes[l+1]) leads from layer ``l`` to layer ``l+1``; layer 0 is the input (784,), the
last the output (10,). *Hidden* layer ``h`` (0-based) is layer ``h + 1``.

A switched-off neuron outputs 0 whatever its input: its activation is zeroed after the
nonlinearity, which is the same as removing its outgoing weights.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from digitpad.nets.base import Classifier, as_batch
from digitpad.nets.functions import CrossEntropy
from digitpad.nets.mlp import MLP
from digitpad.nets.threads import small_batches_on_one_thread

log = logging.getLogger(__name__)


@dataclass
class SwitchedOff:
    """Which hidden neurons are off: ``units[h]`` is the set of unit indices of hidden
    layer ``h`` (0-based) that output 0."""

    units: dict[int, set[int]] = field(default_factory=dict)

    def toggle(self, hidden: int, unit: int) -> bool:
        """Switch the neuron off, or back on; returns whether it is off now."""
        chosen = self.units.setdefault(hidden, set())
        if unit in chosen:
            chosen.discard(unit)
        else:
            chosen.add(unit)
        return unit in chosen

    def is_off(self, hidden: int, unit: int) -> bool:
        return unit in self.units.get(hidden, ())

    @property
    def count(self) -> int:
        return sum(len(u) for u in self.units.values())

    def keep(self, hidden: int, size: int, dtype: Any) -> np.ndarray | None:
        """(size,) ones with zeros at the switched-off units, or None when none is off."""
        off = self.units.get(hidden)
        if not off:
            return None
        keep = np.ones(size, dtype)
        keep[sorted(off)] = 0
        return keep


def forward(net: MLP, x: np.ndarray, off: SwitchedOff | None = None
            ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """:meth:`MLP.forward` with ``off``'s neurons zeroed. ``x``: (N, 784) -> pre-activations
    ``zs`` (N, sizes[l+1]) per layer and activations ``acts`` (input first, probabilities
    last)."""
    acts, zs = [x], []
    last = len(net.weights) - 1
    for layer, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = acts[-1] @ w + b
        zs.append(z)
        if layer == last:
            acts.append(net.cost.output(z))
            break
        a = net.activation(z)
        keep = off.keep(layer, w.shape[1], a.dtype) if off is not None else None
        acts.append(a * keep if keep is not None else a)
    return zs, acts


@dataclass(frozen=True)
class Trace:
    """One image through an MLP: ``zs[l]`` pre-activations (sizes[l+1],), ``acts[l]``
    activations (sizes[l],), ``acts[0]`` the input (784,), ``acts[-1]`` the probabilities."""

    zs: list[np.ndarray]
    acts: list[np.ndarray]

    @property
    def hidden(self) -> list[np.ndarray]:
        """The hidden layers' activations, (sizes[h+1],) each."""
        return self.acts[1:-1]

    @property
    def logits(self) -> np.ndarray:
        return self.zs[-1]


def trace(net: MLP, image: np.ndarray, off: SwitchedOff | None = None) -> Trace:
    """Every layer's values for one (28, 28) image, in float64 (exact enough to compare)."""
    x = as_batch(image).astype(np.float64)
    zs, acts = forward(net, x, off)
    return Trace([z[0] for z in zs], [a[0] for a in acts])


def input_gradient(net: MLP, t: Trace, direction: np.ndarray, off: SwitchedOff | None = None
                   ) -> np.ndarray:
    """d (direction . logits) / d input, (784,), by backprop through the traced image.
    ``direction`` (10,): e.g. +1 at the answer, -1 at the runner-up."""
    delta = np.asarray(direction, np.float64)
    for layer in range(len(net.weights) - 1, 0, -1):
        delta = net.weights[layer] @ delta  # to the activations of layer ``layer``
        delta = delta * net.activation.derivative(t.zs[layer - 1], t.acts[layer])
        keep = off.keep(layer - 1, len(delta), delta.dtype) if off is not None else None
        if keep is not None:
            delta *= keep
    gradient: np.ndarray = net.weights[0] @ delta
    return gradient


@dataclass(frozen=True)
class Link:
    """A contribution ``acts[layer][source] * W[layer][source, target]`` into layer
    ``layer + 1``, weighted by how much ``target`` matters for the answer."""

    layer: int
    source: int
    target: int
    strength: float


def links(net: MLP, t: Trace, answer: int, per_layer: int = 8) -> list[Link]:
    """The ``per_layer`` strongest positive contributions between each pair of shown
    layers (hidden to hidden, last hidden to the answer), walking back from the answer:
    a target's weight is the share of its positive input that leads on to the answer."""
    importance = np.zeros(net.sizes[-1])
    importance[answer] = 1.0
    found: list[Link] = []
    for layer in range(len(net.weights) - 1, 0, -1):
        c = t.acts[layer][:, None] * net.weights[layer] * importance[None, :]
        count = min(per_layer, c.size)
        strongest = np.argpartition(-c, count - 1, axis=None)[:count]
        for index in strongest[np.argsort(-c.ravel()[strongest], kind="stable")]:
            source, target = np.unravel_index(index, c.shape)
            if c[source, target] > 0:
                found.append(Link(layer, int(source), int(target), float(c[source, target])))
        importance = np.maximum(c, 0).sum(axis=1)
        if importance.max() > 0:
            importance /= importance.max()
    return found


class MaskedMLP(Classifier):
    """``net`` with ``off``'s neurons switched off, to hand to :mod:`digitpad.reading`
    in its place: same name and metadata, so the reading, the vote and the app's answer
    all use the switched-off net. ``off`` is shared: changing it changes this net."""

    def __init__(self, net: MLP, off: SwitchedOff) -> None:
        self.net, self.off = net, off
        self.name = net.name
        self.meta = net.meta

    @small_batches_on_one_thread
    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = as_batch(x).astype(self.net.weights[0].dtype, copy=False)
        probs = forward(self.net, x, self.off)[1][-1]
        if not isinstance(self.net.cost, CrossEntropy):  # as MLP.predict_proba does
            probs = probs / probs.sum(axis=1, keepdims=True)
        return probs.astype(np.float32, copy=False)

    def parameters(self) -> list[np.ndarray]:
        """The parameters it computes with: the net's, with the outgoing weights of the
        switched-off neurons zeroed (copies), so what hashes parameters to cache answers
        (:func:`digitpad.quality.weights_hash`) never mixes it up with the whole net."""
        weights = [w.copy() if self.off.units.get(layer - 1) else w
                   for layer, w in enumerate(self.net.weights)]
        for hidden, units in self.off.units.items():
            if units:
                weights[hidden + 1][sorted(units), :] = 0
        return MLP.parameters_of(weights, self.net.biases)

    def describe(self) -> str:
        return f"{self.net.describe()} ({self.off.count} neurons switched off)"


def unwrap(net: Classifier) -> tuple[MLP, SwitchedOff | None] | None:
    """The MLP inside ``net`` and its switched-off neurons; None for a net that is no MLP."""
    if isinstance(net, MaskedMLP):
        return net.net, net.off
    if isinstance(net, MLP):
        return net, None
    return None
