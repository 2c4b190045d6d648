"""digitpad adapt: fine-tuning from the current weights to the user's drawings.

A held-out pen writer's digits, drawn as in the app, are taught through DrawingStore; the
adapted nets must read them as labelled, keep MNIST, leave the shipped weights alone and
give the same weights for the same seed. The configs are small (a few hundred replayed
images, few steps) so each test takes seconds."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from digitpad import adapt, dirs
from digitpad.cli import main
from digitpad.drawings import default_path
from digitpad.nets import SPECS, registry, store
from tests.taught import teach

SMALL = adapt.AdaptConfig(steps=60, replay=400, test_size=400, views=3)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_backward_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    arrays = {"dense1.kernel": rng.normal(0, 0.5, (6, 5)), "dense1.bias": rng.normal(0, 0.3, 5),
              "out.kernel": rng.normal(0, 0.5, (5, 4)), "out.bias": rng.normal(0, 0.3, 4)}
    head = adapt.Head(arrays, dtype=np.float64)
    features = np.maximum(rng.normal(size=(7, 6)), 0)  # like conv5's output after ReLU
    targets = 0.7 * rng.dirichlet(np.ones(4), 7) + 0.3 * np.eye(4)[rng.integers(0, 4, 7)]
    _, analytic = head.loss_and_gradients(features, targets)
    numeric, eps = np.zeros_like(head.flat), 1e-6
    for k in range(len(head.flat)):
        saved = head.flat[k]
        head.flat[k] = saved + eps
        up = head.loss_and_gradients(features, targets)[0]
        head.flat[k] = saved - eps
        down = head.loss_and_gradients(features, targets)[0]
        head.flat[k] = saved
        numeric[k] = (up - down) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_head_reads_as_k1_does() -> None:
    net = registry.load("K1")
    x = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    head = adapt.Head(net.arrays)  # type: ignore[attr-defined]
    np.testing.assert_allclose(head.predict_proba(adapt.features(net, x)), net.predict_proba(x), atol=1e-5)


@pytest.mark.usefixtures("warm_adapt_cache")
def test_adapted_nets_read_the_taught_drawings_and_keep_mnist(mnist_available: Path) -> None:
    images, labels = teach(mnist_available, per_digit=3)
    shipped = {name: digest(registry.shipped_path(name)) for name in ("B1", "K1")}
    outcomes = adapt.adapt(["B1", "K1"], SMALL, use=True)
    for outcome in outcomes:
        assert not outcome.held_out and outcome.drawings == outcome.judged == 30
        assert outcome.mine_after >= max(outcome.mine_before, 0.9), outcome.summary()
        assert outcome.mnist_after >= outcome.mnist_before - 0.01, outcome.summary()
        assert outcome.path.parent == dirs.user_weights_dir()
        net = registry.load(outcome.net)  # now the chosen weights
        assert net.meta["path"] == str(outcome.path) and net.meta["adapted"]
        assert "adapted to 30 of your drawings" in net.describe()
        assert net.meta["adapted_from"] == str(registry.shipped_path(outcome.net))
        assert np.mean(net.predict_proba(images).argmax(1) == labels) >= 0.9
    assert {name: digest(registry.shipped_path(name)) for name in shipped} == shipped


@pytest.mark.usefixtures("warm_adapt_cache")
def test_same_seed_and_store_give_the_same_weights(mnist_available: Path) -> None:
    teach(mnist_available, per_digit=2)
    config = replace(SMALL, steps=20)
    first, again = (adapt.adapt(["B1", "K1"], config) for _ in range(2))
    other = adapt.adapt(["B1"], replace(config, seed=1))
    for a, b in zip(first, again):
        arrays_a, arrays_b = store.load(a.path)[0], store.load(b.path)[0]
        assert a.path != b.path and arrays_a.keys() == arrays_b.keys()
        for key in arrays_a:
            np.testing.assert_array_equal(arrays_a[key], arrays_b[key])
    assert not np.array_equal(store.load(first[0].path)[0]["W0"], store.load(other[0].path)[0]["W0"])


def test_enough_drawings_keep_some_aside_to_judge_on() -> None:
    labels = np.repeat(np.arange(10), 5)
    train, judge, held_out = adapt.split_held_out(labels, seed=0)
    assert held_out and len(judge) == 20 and len(train) == 30
    assert np.bincount(labels[judge], minlength=10).tolist() == [2] * 10
    assert not set(train) & set(judge)
    assert adapt.split_held_out(np.repeat(np.arange(10), 4), seed=0)[2] is False


def test_an_empty_store_is_a_clear_error() -> None:
    with pytest.raises(adapt.AdaptError, match="no drawings to learn from"):
        adapt.drawings()


def test_a_damaged_store_is_a_clear_error() -> None:
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(adapt.AdaptError, match="damaged"):
        adapt.drawings()


def test_too_few_drawings_say_how_many_more(mnist_available: Path) -> None:
    teach(mnist_available, per_digit=1)
    with pytest.raises(adapt.AdaptError, match=r"draw 10 more \(1 more 0, 1 more 1"):
        adapt.prepare(SMALL)
    assert not dirs.user_weights_dir().exists()  # nothing written


def test_cli_adapt_use_makes_the_adapted_weights_current(mnist_available: Path, capsys) -> None:
    teach(mnist_available, per_digit=2)
    assert main(["adapt", "b1", "--use", "--steps", "30", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("B1: 30 steps on 20 of your drawings") and "now in use" in out
    chosen = registry.chosen_path("B1")
    assert chosen is not None and chosen.name.startswith("B1-adapted-")
    assert registry.load("B1").meta["adapted_seed"] == 2
    assert main(["info"]) == 0
    info = capsys.readouterr().out
    assert "adapted to 20 of your drawings" in info and f"weights (yours, adapted): {chosen}" in info


def test_cli_adapt_without_drawings_fails_clearly(capsys) -> None:
    assert main(["adapt"]) == 2
    assert "cannot adapt: no drawings to learn from" in capsys.readouterr().err
    assert registry.chosen_path("B1") is None


def test_an_interrupted_adapt_leaves_nothing_behind(mnist_available: Path, monkeypatch) -> None:
    teach(mnist_available, per_digit=2)

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(adapt, "adapt_cnn", interrupted)  # B1 is done by then
    with pytest.raises(KeyboardInterrupt):
        adapt.adapt(["B1", "K1"], replace(SMALL, steps=10), use=True)
    folder = dirs.user_weights_dir()
    assert not folder.exists() or not any(folder.iterdir())
    assert registry.chosen_path("B1") is None


def test_adapting_again_starts_afresh_from_the_weights_adapted_from(mnist_available: Path) -> None:
    teach(mnist_available, per_digit=2)
    config = replace(SMALL, steps=20)
    (first,) = adapt.adapt(["B1"], config, use=True)
    (second,) = adapt.adapt(["B1"], config, use=True)
    meta = registry.load("B1").meta
    assert second.path != first.path and meta["path"] == str(second.path)
    assert meta["adapted_from"] == str(registry.shipped_path("B1"))
    assert meta["trained_on"].count("adapted to") == 1
    assert second.mine_before == first.mine_after and second.mnist_before == first.mnist_after
    np.testing.assert_array_equal(store.load(first.path)[0]["W0"], store.load(second.path)[0]["W0"])


def test_missing_drawings_counts_what_each_digit_lacks() -> None:
    labels = np.array([d for d in range(10) for _ in range(2)] + [4] * 3)
    labels = labels[(labels != 3) | (np.arange(len(labels)) % 2 == 0)]  # one 3 left
    labels = labels[labels != 8]  # no 8 at all
    assert adapt.missing_drawings(labels) == {3: 1, 8: 2}
    with pytest.raises(adapt.AdaptError, match=r"draw 3 more \(1 more 3, 2 more 8s\)"):
        adapt.check_enough(labels)


def test_progress_goes_forward_and_a_cancel_stops_it(mnist_available: Path) -> None:
    teach(mnist_available, per_digit=2)
    material = adapt.prepare(SMALL)
    seen: list[tuple[float, str]] = []
    done = adapt.adapt_in_memory(["B1", "K1"], SMALL, material,
                                 adapt.Monitor(lambda f, text: seen.append((f, text))))
    fractions = [f for f, _text in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1
    assert any(text.startswith("B1: step") for _f, text in seen)
    assert any(text.startswith("K1: features of") for _f, text in seen)  # a fresh folder: no cache yet
    assert [d.outcome.net for d in done] == ["B1", "K1"] and not dirs.user_weights_dir().exists()

    monitor = adapt.Monitor()
    monitor.on_progress = lambda _f, text: monitor.cancel.set() if "step" in text else None
    with pytest.raises(adapt.Cancelled):
        adapt.adapt(["B1", "K1"], replace(SMALL, steps=100_000), use=True, monitor=monitor)
    assert not dirs.user_weights_dir().exists() and registry.chosen_path("B1") is None


@pytest.mark.usefixtures("warm_adapt_cache")
def test_the_vote_change_is_the_vote_read_through_reading(mnist_available: Path) -> None:
    from digitpad.reading import Reader

    teach(mnist_available, per_digit=2)
    material = adapt.prepare(SMALL)
    done = adapt.adapt_in_memory(None, replace(SMALL, steps=20), material)
    change = adapt.vote_change(done, material)
    for nets, mnist, mine in (({d.outcome.net: registry.load(d.outcome.net) for d in done},
                               change.mnist_before, change.mine_before),
                              ({d.outcome.net: d.net for d in done}, change.mnist_after, change.mine_after)):
        reader = Reader(nets)
        assert mnist == np.mean([r.digit for r in reader.read(material.test_x)] == material.test_y)
        assert mine == np.mean([r.digit for r in reader.read(material.judge_x)] == material.judge_y)
    assert change.nets == tuple(SPECS)
