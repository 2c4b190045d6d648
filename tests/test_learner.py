"""The learner's backprop (digitpad/nets/learner.py) gives the fast engine's gradients."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitpad.nets import registry
from digitpad.nets.learner import LearnerNet
from digitpad.nets.mlp import MLP


def _float64_copy(net: MLP) -> MLP:
    copy = MLP(net.sizes, net.activation, net.cost, name=net.name, dtype=np.float64)
    copy.flat[...] = net.flat
    return copy


def _mnist_batch(folder: Path, count: int) -> tuple[np.ndarray, np.ndarray]:
    from digitpad.datasets import sources

    data = sources.load("mnist", folder)
    x = data.test_images[:count].reshape(count, 784) / 255.0
    return x, np.eye(10)[data.test_labels[:count]]


@pytest.mark.parametrize("name", ["B1", "B4"])
def test_learner_gradients_equal_the_engine_on_a_shipped_net(name: str, mnist_available: Path) -> None:
    shipped = registry.load_file(name, registry.shipped_path(name))
    assert isinstance(shipped, MLP)
    xs, ys = _mnist_batch(mnist_available, 16)
    learner = LearnerNet.from_mlp(shipped)
    nabla_b, nabla_w = learner.mean_gradient(xs, ys)
    for engine in (_float64_copy(shipped), shipped):
        _loss, grads, probs = engine.loss_and_gradients(xs.astype(engine.flat.dtype), ys)
        for layer in range(len(engine.weights)):
            np.testing.assert_allclose(grads[2 * layer], nabla_w[layer].T, rtol=0, atol=1e-6)
            np.testing.assert_allclose(grads[2 * layer + 1], nabla_b[layer][:, 0], rtol=0, atol=1e-6)
    assert np.abs(nabla_w[0]).max() > 1e-4  # not a trivially zero gradient
    outputs = np.hstack([learner.feedforward(x.reshape(-1, 1)) for x in xs]).T
    np.testing.assert_allclose(outputs, probs, atol=1e-6)


def test_learner_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    net = LearnerNet.from_mlp(MLP([6, 5, 4, 3], seed=1, dtype=np.float64))
    x, y = rng.random((6, 1)), np.eye(3)[:, [1]]

    def cost() -> float:
        return float(-np.log(net.feedforward(x)[1, 0]))

    nabla_b, nabla_w = net.backprop(x, y)
    for layer in range(3):
        for index in [(0, 0), (1, 2), (2, 1)]:
            saved = net.weights[layer][index]
            net.weights[layer][index] = saved + 1e-6
            up = cost()
            net.weights[layer][index] = saved - 1e-6
            down = cost()
            net.weights[layer][index] = saved
            assert (up - down) / 2e-6 == pytest.approx(nabla_w[layer][index], abs=1e-6)
