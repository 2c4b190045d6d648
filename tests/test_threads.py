"""Small batches run on one BLAS thread whoever calls (the app, the CLI, a library user);
large ones keep every thread; and nothing is left limited afterwards."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from digitpad.nets import threads
from digitpad.nets.base import Classifier


def blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


class Spy(Classifier):
    """Records how many BLAS threads it was given, and calls an inner net like the vote."""

    name = "spy"

    def __init__(self, inner: Spy | None = None) -> None:
        self.meta, self.inner, self.seen = {}, inner, []

    @threads.small_batches_on_one_thread
    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        self.seen.append(blas_threads())
        if self.inner is not None:
            self.inner.predict_proba(x)
        self.seen.append(blas_threads())
        return np.full((max(1, np.size(x) // 784), 10), 0.1, np.float32)


@pytest.fixture
def several_threads() -> list[int]:
    before = blas_threads()
    if not before or max(before) < 2:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(2, user_api="blas"):
            yield blas_threads()
        return
    yield before


def test_one_image_runs_on_one_thread_and_the_limit_is_lifted(several_threads: list[int]) -> None:
    if not several_threads:
        pytest.skip("numpy has no BLAS that threadpoolctl can control")
    inner = Spy()
    outer = Spy(inner)
    outer.predict_proba(np.zeros((28, 28), np.float32))
    assert outer.seen == [[1] * len(several_threads)] * 2
    assert inner.seen == [[1] * len(several_threads)] * 2  # nested: still one, never restored early
    assert blas_threads() == several_threads


def test_a_large_batch_keeps_every_thread(several_threads: list[int]) -> None:
    if not several_threads:
        pytest.skip("numpy has no BLAS that threadpoolctl can control")
    spy = Spy()
    spy.predict_proba(np.zeros((threads.SMALL_BATCH, 28, 28), np.float32))
    assert spy.seen == [several_threads] * 2


def test_the_limit_is_lifted_when_the_net_raises(several_threads: list[int]) -> None:
    class Broken(Classifier):
        @threads.small_batches_on_one_thread
        def predict_proba(self, x: np.ndarray) -> np.ndarray:
            raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        Broken().predict_proba(np.zeros((1, 28, 28)))
    assert blas_threads() == several_threads


def test_shipped_nets_give_the_same_answer_on_one_thread_as_in_a_batch() -> None:
    from digitpad.nets import load_network

    rng = np.random.default_rng(0)
    x = rng.random((threads.SMALL_BATCH, 28, 28), dtype=np.float32)
    vote = load_network("vote")
    batch = vote.predict_proba(x)
    one_by_one = np.concatenate([vote.predict_proba(image) for image in x])
    np.testing.assert_allclose(one_by_one, batch, atol=1e-6)
