"""The ensemble: average the probabilities of several nets."""

from __future__ import annotations

from typing import Any

import numpy as np

from digitpad.nets.base import Classifier, as_batch


class Vote(Classifier):
    """Mean of the members' probabilities. Averaging (rather than majority voting)
    keeps the result a probability distribution and lets a confident net outweigh
    an unsure one."""

    name = "vote"

    def __init__(self, members: list[Classifier]) -> None:
        if not members:
            raise ValueError("a vote needs at least one network")
        self.members = list(members)
        self.meta: dict[str, Any] = {
            "architecture": "mean of " + ", ".join(m.name for m in self.members),
            "trained_on": "see each net",
        }

    def predict_all(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Each member's probabilities, by name: (N, 10) each."""
        x = as_batch(x)
        return {m.name: m.predict_proba(x) for m in self.members}

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.mean(list(self.predict_all(x).values()), axis=0).astype(np.float32)

    def parameters(self) -> list[np.ndarray]:
        return [p for m in self.members for p in m.parameters()]
