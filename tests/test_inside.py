"""Looking inside the nets (digitpad.inside): switched-off neurons, K1's layers, and the
why-map, checked against independent computations and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.inside import cnn as cnn_inside
from digitpad.inside import mlp as mlp_inside
from digitpad.inside import why
from digitpad.nets import load_all
from digitpad.nets.cnn import ConvNet, expected_shapes
from digitpad.nets.mlp import MLP
from digitpad.nets.vote import Vote, weights
from digitpad.reading import read


@pytest.fixture(scope="module")
def nets() -> dict[str, object]:
    return dict(load_all())


def seven(top_bar: bool = True) -> np.ndarray:
    """A 1 (a stem two pixels wide) and, with ``top_bar``, the same stem with a 7's bar."""
    x = np.zeros((28, 28))
    x[6:23, 15:17] = 1.0
    if top_bar:
        x[5:7, 8:15] = 1.0
    return x


def test_a_switched_off_neuron_reads_as_if_its_outgoing_weights_were_zero(nets: dict) -> None:
    net, image = nets["B2"], seven()
    strongest = int(np.argmax(mlp_inside.trace(net, image).hidden[1]))  # an active one
    off = mlp_inside.SwitchedOff()
    assert off.toggle(1, strongest) and off.toggle(0, 3) and not off.toggle(0, 3)
    masked = mlp_inside.MaskedMLP(net, off)
    reference = MLP(net.sizes, name="B2")
    reference.flat[...] = net.flat
    reference.weights[2][strongest, :] = 0  # hidden layer 1 feeds weights[2]
    np.testing.assert_allclose(masked.predict_proba(image), reference.predict_proba(image), atol=1e-6)
    assert not np.allclose(masked.predict_proba(image), net.predict_proba(image), atol=1e-4)
    assert read(image, masked).probabilities == pytest.approx(reference.predict_proba(image)[0], abs=1e-6)
    for mine, theirs in zip(masked.parameters(), reference.parameters()):  # what caches hash
        np.testing.assert_array_equal(mine, theirs)
    assert np.any(net.weights[2][strongest] != 0)  # the net itself is left as it was


def test_trace_holds_every_layer_and_links_lead_to_the_answer(nets: dict) -> None:
    net = nets["B4"]
    t = mlp_inside.trace(net, seven())
    assert [a.shape for a in t.acts] == [(784,), (300,), (250,), (200,), (10,)]
    np.testing.assert_allclose(t.acts[-1], net.predict_proba(seven())[0], atol=1e-5)
    found = mlp_inside.links(net, t, 7, per_layer=5)
    assert {link.target for link in found if link.layer == 3} == {7}
    assert len(found) == 15 and all(link.strength > 0 for link in found)


def test_mlp_input_gradient_matches_finite_differences(nets: dict) -> None:
    net = nets["B3"]
    off = mlp_inside.SwitchedOff({0: {5, 9}})
    x = seven() * 0.7 + 0.1
    d = why.direction(7, 1)

    def gap(image: np.ndarray) -> float:
        return float(d @ mlp_inside.trace(net, image, off).logits)

    gradient = mlp_inside.input_gradient(net, mlp_inside.trace(net, x, off), d, off).reshape(28, 28)
    for pixel in [(5, 10), (12, 15), (20, 16), (14, 3)]:
        step = np.zeros((28, 28))
        step[pixel] = 1e-4
        assert (gap(x + step) - gap(x - step)) / 2e-4 == pytest.approx(gradient[pixel], rel=1e-3, abs=1e-6)


def test_without_hidden_layers_the_map_is_the_logit_gap_exactly() -> None:
    net = MLP([784, 10], seed=4, dtype=np.float64)
    x = np.random.default_rng(0).random((28, 28))
    picture = why.why_map(net, x, 3, 8)
    expected = x.reshape(784) * (net.weights[0][:, 3] - net.weights[0][:, 8])
    np.testing.assert_allclose(picture.reshape(784), expected)
    gap = float((x.reshape(784) @ net.weights[0])[3] - (x.reshape(784) @ net.weights[0])[8])
    assert picture.sum() == pytest.approx(gap)


def _random_k1(seed: int) -> ConvNet:
    rng = np.random.default_rng(seed)
    arrays = {k: rng.standard_normal(s) * (0.3 if k.endswith("kernel") else 0.05)
              for k, s in expected_shapes().items()}
    arrays["dense1.kernel"] *= 0.1
    return ConvNet(arrays)


def test_k1_feature_maps_have_each_layers_shape(nets: dict) -> None:
    t = cnn_inside.trace(nets["K1"], seven())
    assert {n: m.shape for n, m in t.maps.items()} == {
        "conv1": (28, 28, 32), "conv2": (28, 28, 32), "conv3": (14, 14, 64),
        "conv4": (14, 14, 64), "conv5": (5, 5, 128)}
    np.testing.assert_allclose(t.features, nets["K1"].features(seven().reshape(1, 28, 28, 1)
                                                               .astype(np.float32))[0], atol=1e-5)
    top = cnn_inside.head_inputs(nets["K1"], t, 7, count=5)
    assert len(top) == 5 and top[0].contribution >= top[-1].contribution > 0


def test_k1_input_gradient_matches_finite_differences() -> None:
    net = _random_k1(1)
    x = np.random.default_rng(2).random((28, 28))
    d = why.direction(2, 5)
    gradient = cnn_inside.input_gradient(net, cnn_inside.trace(net, x, np.float64), d)
    assert gradient.shape == (28, 28)
    for pixel in [(3, 4), (14, 14), (20, 9), (27, 0)]:
        step = np.zeros((28, 28))
        step[pixel] = 1e-6
        up = d @ cnn_inside.trace(net, x + step, np.float64).logits
        down = d @ cnn_inside.trace(net, x - step, np.float64).logits
        assert (up - down) / 2e-6 == pytest.approx(gradient[pixel], rel=1e-4, abs=1e-7)


@pytest.mark.parametrize("name", ["B1", "B2", "B3", "B4", "K1", "vote"])
def test_why_a_7_not_a_1_is_its_top_bar(name: str, nets: dict) -> None:
    """The 7 and the 1 differ only in the bar, so the push toward 7 must come from it."""
    x, bar = seven(), (seven() > 0) & (seven(top_bar=False) == 0)
    net = Vote(list(nets.values())) if name == "vote" else nets[name]
    reading = read(x, net)
    assert (reading.digit, reading.runner_up) == (7, 1)
    picture = why.why_map(net, x, 7, 1)
    assert np.all(picture[x == 0] == 0)
    assert picture[bar].sum() >= 0.75 * picture.sum() > 0  # the bar carries the push to 7
    density = np.maximum(picture, 0)
    assert density[bar].mean() >= 2 * density[seven(top_bar=False) > 0].mean()


def test_the_vote_map_mixes_the_members_by_the_votes_weights(nets: dict) -> None:
    mixed, own = why.vote_map(nets, seven(), 7, 1)
    share = weights(list(nets))
    expected = sum(share[n] * m / np.abs(m).sum() for n, m in own.items())
    np.testing.assert_allclose(mixed, expected)
    assert set(own) == {"B1", "B2", "B3", "B4", "K1"}


def test_map_grid_puts_each_channel_in_its_tile_scaled_to_its_own_maximum() -> None:
    from digitpad.inside import pictures

    maps = np.random.default_rng(5).random((5, 5, 3))
    maps[:, :, 2] = 0  # an all-zero channel stays dark
    grid = pictures.map_grid(maps, columns=2, tile=10)  # 5x5 maps scaled x2, 2 pixels apart
    assert grid.shape == (2 * 12 - 2, 2 * 12 - 2, 3)
    second = np.repeat(np.repeat(pictures.brightness(maps[:, :, 1]), 2, 0), 2, 1)
    np.testing.assert_array_equal(grid[0:10, 12:22], np.round(second).astype(np.uint8))
    assert np.all(grid[12:22, 0:10] == pictures.DARK.astype(np.uint8))
    assert np.all(grid[12:22, 12:22] == pictures.GAP.astype(np.uint8))  # no fourth channel
