"""Why this digit, not the runner-up: a signed (28, 28) map over the image.

For one net: gradient x input of ``logit[answer] - logit[runner_up]``, by backprop
(:func:`digitpad.inside.mlp.input_gradient`, :func:`digitpad.inside.cnn.input_gradient`).
A positive pixel pushed toward the answer, a negative one toward the runner-up. Logits,
not probabilities: the softmax of a confident answer is flat, so its gradient says
little, while the gap between two logits is what decides between them. Only inked
pixels get a value (x = 0 elsewhere); for a net without hidden layers the map sums
exactly to the gap minus the biases' gap.

For the vote: each member's map for the *vote's* answer and runner-up, scaled to a total
absolute mass of 1 (the nets' logits have different scales, and the vote mixes their
probabilities, not their logits), then mixed with the vote's weights
(:func:`digitpad.nets.vote.weights`: K1 a half, B1-B4 an eighth each).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from digitpad.inside import cnn as cnn_inside
from digitpad.inside import mlp as mlp_inside
from digitpad.nets.base import Classifier
from digitpad.nets.cnn import ConvNet
from digitpad.nets.vote import Vote, weights

log = logging.getLogger(__name__)


def direction(answer: int, runner_up: int) -> np.ndarray:
    """(10,): +1 at ``answer``, -1 at ``runner_up``."""
    d = np.zeros(10)
    d[answer] += 1.0
    d[runner_up] -= 1.0
    return d


def why_map(net: Classifier, image: np.ndarray, answer: int, runner_up: int) -> np.ndarray:
    """float64 (28, 28): gradient x input of logit[answer] - logit[runner_up] for one
    (28, 28) image; a vote gives :func:`vote_map`. TypeError for a kind of net it does not
    know."""
    if isinstance(net, Vote):
        return vote_map({m.name: m for m in net.members}, image, answer, runner_up)[0]
    x = np.asarray(image, np.float64).reshape(28, 28)
    parts = mlp_inside.unwrap(net)
    if parts is not None:
        mlp, off = parts
        t = mlp_inside.trace(mlp, x, off)
        gradient = mlp_inside.input_gradient(mlp, t, direction(answer, runner_up), off)
        return gradient.reshape(28, 28) * x
    if isinstance(net, ConvNet):
        t32 = cnn_inside.trace(net, x)
        gradient = cnn_inside.input_gradient(net, t32, direction(answer, runner_up))
        return gradient.astype(np.float64) * x
    raise TypeError(f"cannot look inside a {type(net).__name__}")


def vote_map(members: Mapping[str, Classifier], image: np.ndarray, answer: int,
             runner_up: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The vote's (28, 28) map and each member's own (unscaled) map, by name."""
    share = weights(list(members))
    own = {name: why_map(net, image, answer, runner_up) for name, net in members.items()}
    mixed = np.zeros((28, 28))
    for name, picture in own.items():
        mass = float(np.abs(picture).sum())
        if mass > 0:
            mixed += share[name] * picture / mass
    return mixed, own


def mass_in(picture: np.ndarray, region: np.ndarray, sign: int = 1) -> float:
    """The share of the map's positive (``sign`` 1) or negative (-1) mass in ``region``
    (a boolean (28, 28) mask); 0 for a map without any."""
    part = np.maximum(sign * picture, 0)
    total = float(part.sum())
    return float(part[region].sum()) / total if total > 0 else 0.0
