"""The numpy engine: gradients against finite differences, save/load, the loading contract."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.nets import functions, mlp, store
from digitpad.nets.base import as_batch
from digitpad.nets.optim import SGD, Adam, cosine_lr


def numeric_gradients(net: mlp.MLP, x: np.ndarray, y: np.ndarray, l2: float) -> list[np.ndarray]:
    eps, grads = 1e-6, []
    for param in net.parameters():
        grad = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            up = net.loss_and_gradients(x, y, l2)[0]
            param[index] = saved - eps
            down = net.loss_and_gradients(x, y, l2)[0]
            param[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


@pytest.mark.parametrize("activation", sorted(functions.ACTIVATIONS))
@pytest.mark.parametrize("cost", sorted(functions.COSTS))
def test_backprop_matches_finite_differences(activation: str, cost: str) -> None:
    rng = np.random.default_rng(1)
    net = mlp.MLP([6, 5, 4, 3], functions.ACTIVATIONS[activation](), functions.COSTS[cost](),
                  seed=2, dtype=np.float64)
    for b in net.biases:  # non-zero biases, so no ReLU sits exactly at its kink
        b[:] = rng.normal(0, 0.3, b.shape)
    x = rng.normal(size=(7, 6))
    y = np.eye(3)[rng.integers(0, 3, 7)]
    _, analytic, _ = net.loss_and_gradients(x, y, l2=0.05)
    for got, want in zip(analytic, numeric_gradients(net, x, y, l2=0.05)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_softmax_is_stable_and_normalised() -> None:
    z = np.array([[1000.0, 1000.0, -1000.0], [0.0, 0.0, 0.0]])
    p = functions.softmax(z)
    np.testing.assert_allclose(p, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-25)


def test_softmax_never_underflows_into_denormals() -> None:
    """A confident net's wrong classes would be float32 denormals (here exp(-95) = 5.5e-42),
    which slow every matmul of the backward pass that reads them about 60 times."""
    z = np.array([[0.0, -90.0, -200.0, -30.0, 5.0]], np.float32)
    p = functions.softmax(z)
    assert p.dtype == np.float32 and p.min() >= np.finfo(np.float32).tiny
    exact = np.exp(z.astype(np.float64) - 5.0) / np.exp(z.astype(np.float64) - 5.0).sum()
    np.testing.assert_allclose(p, exact, rtol=1e-6, atol=1e-26)  # -30 kept exactly, the rest ~0
    grads = functions.CrossEntropy().delta(z, p, np.eye(5, dtype=np.float32)[[4]])
    assert (np.abs(grads[grads != 0]) >= np.finfo(np.float32).tiny).all()


def test_forward_shapes_and_probabilities() -> None:
    net = mlp.MLP([784, 100, 10, 10])
    out = net.predict_proba(np.random.default_rng(0).random((5, 28, 28), dtype=np.float32))
    assert out.shape == (5, 10) and out.dtype == np.float32
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    assert net.predict_proba(np.zeros((28, 28), np.float32)).shape == (1, 10)


def test_as_batch_rejects_wrong_shapes() -> None:
    with pytest.raises(ValueError, match="28, 28"):
        as_batch(np.zeros((3, 27, 28)))


def test_save_load_round_trip(tmp_path) -> None:
    net = mlp.MLP([784, 30, 10], functions.Tanh(), name="B9", seed=3)
    net.save(tmp_path / "n.npz", trained_on="nothing", test_accuracy=0.5)
    loaded = mlp.load(tmp_path / "n.npz", expected_sizes=[784, 30, 10])
    x = np.random.default_rng(0).random((4, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(x), net.predict_proba(x))
    assert loaded.meta["trained_on"] == "nothing" and loaded.activation.name == "tanh"
    assert list(tmp_path.iterdir()) == [tmp_path / "n.npz"]  # no temp files left behind


def test_load_rejects_other_architecture(tmp_path) -> None:
    mlp.MLP([784, 30, 10]).save(tmp_path / "n.npz")
    with pytest.raises(store.WeightsError, match=r"layers \[784, 30, 10\]"):
        mlp.load(tmp_path / "n.npz", expected_sizes=[784, 100, 10, 10])


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04" + b"\0" * 40])
def test_load_rejects_garbage(tmp_path, content: bytes) -> None:
    (tmp_path / "bad.npz").write_bytes(content)
    with pytest.raises(store.WeightsError, match="bad.npz"):
        mlp.load(tmp_path / "bad.npz")


def test_load_rejects_truncated_file(tmp_path) -> None:
    mlp.MLP([784, 30, 10]).save(tmp_path / "n.npz")
    data = (tmp_path / "n.npz").read_bytes()
    (tmp_path / "n.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(store.WeightsError):
        mlp.load(tmp_path / "n.npz")


def test_load_rejects_pickles_and_foreign_npz(tmp_path) -> None:
    np.savez(tmp_path / "obj.npz", W0=np.array([{"a": 1}], dtype=object))
    with pytest.raises(store.WeightsError):
        mlp.load(tmp_path / "obj.npz")
    np.savez(tmp_path / "plain.npz", W0=np.zeros((784, 10)))
    with pytest.raises(store.WeightsError, match="not a digitpad weights file|no metadata"):
        mlp.load(tmp_path / "plain.npz")


def test_load_rejects_other_format_version_and_nan(tmp_path) -> None:
    net = mlp.MLP([784, 10])
    store.save(tmp_path / "v2.npz", {"W0": net.weights[0], "b0": net.biases[0]},
               {"kind": "mlp", "sizes": [784, 10], "activation": "relu", "cost": "cross_entropy"})
    arrays, meta = store.load(tmp_path / "v2.npz")
    assert meta["version"] == store.VERSION
    net.weights[0][0, 0] = np.nan
    net.save(tmp_path / "nan.npz")
    with pytest.raises(store.WeightsError, match="finite"):
        mlp.load(tmp_path / "nan.npz")


@pytest.mark.parametrize("optimizer", [SGD, Adam])
def test_optimizers_minimise_a_quadratic(optimizer: type) -> None:
    w = np.array([3.0, -2.0])
    opt = optimizer([w])
    for _ in range(500):
        opt.step([2 * w], lr=0.05)
    assert np.abs(w).max() < 1e-2


def textbook_adam(params: list[np.ndarray], grads_per_step: list[list[np.ndarray]], lr: float,
                  b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> None:
    """Kingma & Ba's Algorithm 1, written out literally: the oracle for :class:`Adam`."""
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t, grads in enumerate(grads_per_step, 1):
        for i, (p, g) in enumerate(zip(params, grads)):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
            p -= lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - b2**t))


def test_adam_matches_the_textbook_algorithm() -> None:
    """Kingma & Ba add eps to sqrt(v_hat); we (like Keras) add it to sqrt(v), hence the
    1 / sqrt(1 - b2**t) in the oracle. Gradients of mixed scale, down to eps's, so a
    misplaced eps shows; one step's are all zero."""
    rng = np.random.default_rng(3)
    start = [rng.normal(size=(4, 3)), rng.normal(size=5)]
    grads = [[rng.normal(size=p.shape) * 10.0 ** rng.integers(-6, 2, p.shape) for p in start]
             for _ in range(30)]
    grads[5][0][:] = 0.0
    want = [p.copy() for p in start]
    textbook_adam(want, grads, lr=0.01)
    got = [p.copy() for p in start]
    adam = Adam(got)
    for step_grads in grads:
        adam.step(step_grads, lr=0.01)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_adam_leaves_no_denormal_weight() -> None:
    """A weight below float32's smallest normal number (1.2e-38) slows every matmul over
    its layer; Adam sets such weights to 0 and leaves the others as the maths says."""
    w = np.array([1e-39, -5e-40, 0.5, 2e-38, -1e-30], np.float32)
    adam = Adam([w])
    adam.step([np.zeros_like(w)], lr=1e-3)
    assert w.tolist() == [0.0, 0.0, 0.5, np.float32(2e-38), np.float32(-1e-30)]

def test_parameters_are_views_of_one_flat_array(tmp_path) -> None:
    """The optimizer updates ``flat``; the layers must see it, also after loading."""
    net = mlp.MLP([6, 5, 3], seed=4)
    assert net.flat.size == 6 * 5 + 5 * 3 + 5 + 3 == sum(p.size for p in net.parameters())
    net.flat += 1.0
    assert net.biases[1][0] == 1.0 and all(np.shares_memory(p, net.flat) for p in net.parameters())
    net.save(tmp_path / "n.npz")
    loaded = mlp.load(tmp_path / "n.npz")
    np.testing.assert_array_equal(loaded.flat, net.flat)
    assert all(np.shares_memory(p, loaded.flat) for p in loaded.parameters())


def test_gradients_written_into_a_flat_buffer_match_fresh_ones() -> None:
    rng = np.random.default_rng(5)
    net = mlp.MLP([6, 5, 4, 3], seed=6)
    x = rng.random((8, 6), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
    loss, fresh, _ = net.loss_and_gradients(x, y, l2=0.1)
    buffer = np.full_like(net.flat, np.nan)  # every entry must be overwritten
    same_loss, views, _ = net.loss_and_gradients(x, y, l2=0.1, out=buffer)
    assert same_loss == loss and all(np.shares_memory(v, buffer) for v in views)
    for a, b in zip(fresh, views):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(buffer).all()


def test_cosine_schedule_warms_up_then_decays() -> None:
    rates = [cosine_lr(1.0, s, total=100, warmup=10) for s in range(100)]
    assert rates[0] == pytest.approx(0.1) and rates[9] == pytest.approx(1.0)
    assert rates[99] < 0.05 and all(a >= b for a, b in zip(rates[10:], rates[11:]))


def test_load_rejects_a_garbled_array_header(tmp_path) -> None:
    """Found by fuzzing: numpy's header parser raises SyntaxError/TokenError on garbage."""
    import zipfile

    good = tmp_path / "good.npz"
    mlp.MLP([784, 10]).save(good)
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "W0.npy":
                data = data[:10] + b"{'descr': '<f4', 'shape': (784,\x00" + data[60:]
            dst.writestr(info, data)
    with pytest.raises(store.WeightsError, match="bad.npz"):
        mlp.load(bad)


def test_load_refuses_a_zip_bomb(tmp_path, monkeypatch) -> None:
    path = tmp_path / "B1.npz"
    mlp.MLP([784, 10]).save(path)
    monkeypatch.setattr(store, "MAX_FILE_BYTES", 10_000)  # the file unpacks to ~31 kB
    with pytest.raises(store.WeightsError, match="too large"):
        mlp.load(path)


def test_weight_average_tracks_and_swaps_back() -> None:
    from digitpad.nets.optim import WeightAverage

    w = np.zeros(3)
    average = WeightAverage([w], decay=0.5)
    w[:] = 4.0
    average.update()  # 0.5 * 0 + 0.5 * 4
    np.testing.assert_allclose(average.average[0], 2.0)
    with average.swapped_in():
        np.testing.assert_allclose(w, 2.0)
    np.testing.assert_allclose(w, 4.0)
