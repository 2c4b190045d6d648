"""The vote: each family of nets (numpy MLPs, the CNN) has an equal say."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.nets import Vote, load_network
from digitpad.nets.vote import combine, describe_weights, weights


def test_each_family_gets_an_equal_share() -> None:
    assert weights(["B1", "B2", "B3", "B4", "K1"]) == {"B1": 0.125, "B2": 0.125, "B3": 0.125, "B4": 0.125,
                                                       "K1": 0.5}
    assert weights(["B1", "B3"]) == {"B1": 0.5, "B3": 0.5}  # without K1: a plain mean
    assert weights(["K1"]) == {"K1": 1.0}
    assert weights(["B2", "other"]) == {"B2": 0.5, "other": 0.5}
    assert describe_weights(["K1", "B1", "B2"]) == "K1 1/2, B1 1/4, B2 1/4"


def test_combine_is_the_weighted_mean() -> None:
    rng = np.random.default_rng(0)
    probs = {name: rng.dirichlet(np.ones(10), 3).astype(np.float32) for name in ("B1", "B2", "K1")}
    expected = 0.25 * probs["B1"] + 0.25 * probs["B2"] + 0.5 * probs["K1"]
    np.testing.assert_allclose(combine(probs), expected, rtol=1e-6)
    np.testing.assert_allclose(combine(probs).sum(axis=1), 1.0, rtol=1e-6)


def test_the_shipped_vote_follows_the_weights() -> None:
    vote = load_network("vote")
    assert isinstance(vote, Vote)
    x = np.random.default_rng(1).random((4, 28, 28), dtype=np.float32)
    members = vote.predict_all(x)
    assert set(members) == {"B1", "B2", "B3", "B4", "K1"}
    np.testing.assert_allclose(vote.predict_proba(x), combine(members), rtol=1e-6)
    assert not np.allclose(vote.predict_proba(x), np.mean(list(members.values()), axis=0), atol=1e-4)
    assert vote.meta["architecture"] == "weighted mean: B1 1/8, B2 1/8, B3 1/8, B4 1/8, K1 1/2"


def test_a_vote_needs_members() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Vote([])
