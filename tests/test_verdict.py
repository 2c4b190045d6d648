"""The "not sure" rule (vectorised, as reading uses it) and the too-small-to-read check."""

from __future__ import annotations

import numpy as np

from digitpad.verdict import MIN_AGREEMENT, MIN_PROBABILITY, judge_batch, too_small


def test_batch_rule_is_the_rule_applied_to_each_row() -> None:
    rng = np.random.default_rng(0)
    shared = rng.dirichlet(np.ones(10) * 0.2, 200)  # the nets mostly agree, as real ones do
    members = {n: 0.8 * shared + 0.2 * rng.dirichlet(np.ones(10), 200) for n in ("B1", "B2", "K1")}
    vote = np.mean(list(members.values()), axis=0)
    batch = judge_batch(vote, members, 0.6, 1.0)
    for i in range(200):
        votes = [int(np.argmax(m[i])) for m in members.values()]
        digit = int(np.argmax(vote[i]))
        assert batch[i] == (vote[i, digit] >= 0.6 and votes.count(digit) == 3)
    assert 0 < batch.sum() < 200


def test_four_of_five_nets_must_agree_by_default() -> None:
    sure = np.zeros((1, 10))
    sure[0, 3] = 0.95
    agree = {f"B{i}": sure for i in range(1, 5)}
    dissent = np.zeros((1, 10))
    dissent[0, 8] = 1.0
    assert MIN_PROBABILITY <= 0.95 and MIN_AGREEMENT == 0.8
    assert judge_batch(sure, {**agree, "K1": dissent})[0]  # 4 of 5
    assert not judge_batch(sure, {"B1": sure, "B2": sure, "B3": sure, "B4": dissent, "K1": dissent})[0]


def test_empty_dot_and_tiny_scribbles_are_too_small() -> None:
    assert too_small([])
    assert too_small([[(100, 100)]])
    assert too_small([[(100, 100), (110, 105)]])
    assert not too_small([[(140, 60), (140, 220)]])


def test_a_digit_drawn_under_a_sixth_of_the_pad_is_too_small() -> None:
    """A 1 that is 15% of the pad high reads badly (the pen is thick for it); 20% is enough."""
    assert too_small([[(140, 120), (140, 120 + 0.15 * 280)]])
    assert too_small([[(100, 140), (100 + 0.17 * 280, 140)], [(120, 130), (121, 150)]])
    assert not too_small([[(140, 120), (140, 120 + 0.20 * 280)]])
