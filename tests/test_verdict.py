"""The "not sure" rule and the too-small-to-read check."""

from __future__ import annotations

import numpy as np

from digitpad.verdict import judge, judge_batch, too_small


def peaked(digit: int, top: float) -> np.ndarray:
    p = np.full(10, (1 - top) / 9)
    p[digit] = top
    return p


def test_confident_and_agreeing_is_sure() -> None:
    v = judge(peaked(7, 0.97), {"B1": peaked(7, 0.9), "K1": peaked(7, 0.99)})
    assert v.sure and v.digit == 7 and v.text == "7 (97.0%)"


def test_low_probability_is_not_sure_and_names_the_runner_up() -> None:
    p = np.zeros(10)
    p[4], p[9], p[1] = 0.55, 0.40, 0.05
    v = judge(p)
    assert not v.sure and v.text == "not sure: 4 or 9?"


def test_disagreeing_nets_make_it_not_sure() -> None:
    v = judge(peaked(3, 0.95), {"B1": peaked(3, 0.99), "B2": peaked(8, 0.6)})
    assert not v.sure


def test_batch_rule_matches_single_rule() -> None:
    rng = np.random.default_rng(0)
    shared = rng.dirichlet(np.ones(10) * 0.2, 200)  # the nets mostly agree, as real ones do
    members = {n: 0.8 * shared + 0.2 * rng.dirichlet(np.ones(10), 200) for n in ("B1", "B2", "K1")}
    vote = np.mean(list(members.values()), axis=0)
    batch = judge_batch(vote, members, 0.6, 1.0)
    single = [judge(vote[i], {n: m[i] for n, m in members.items()}, 0.6, 1.0).sure for i in range(200)]
    assert batch.tolist() == single and 0 < batch.sum() < 200


def test_empty_dot_and_tiny_scribbles_are_too_small() -> None:
    assert too_small([])
    assert too_small([[(100, 100)]])
    assert too_small([[(100, 100), (110, 105)]])
    assert not too_small([[(140, 60), (140, 220)]])
