"""The networks: numpy MLPs written from scratch (B1-B4), the Keras-trained CNN K1
(run in numpy), and the vote of them all.

``load_network(name).predict_proba(x)``: ``x`` float32 (N, 28, 28) in [0, 1] (stacked
:func:`digitpad.preprocess.to_mnist` outputs) -> float32 (N, 10) probabilities.
"""

from __future__ import annotations

import logging

from digitpad.nets import registry
from digitpad.nets.base import Classifier
from digitpad.nets.registry import NAMES, SPECS, VOTE
from digitpad.nets.store import WeightsError
from digitpad.nets.vote import Vote

log = logging.getLogger(__name__)

__all__ = ["NAMES", "SPECS", "VOTE", "Classifier", "Vote", "WeightsError", "load_all", "load_every",
           "load_network"]


def load_network(name: str) -> Classifier:
    """``"B1"``..``"B4"``, ``"K1"`` or ``"vote"`` (case-insensitive), ready to predict."""
    if name.lower() == VOTE:
        return Vote(list(load_all().values()))
    return registry.load(name)


def load_all() -> dict[str, Classifier]:
    """Every net whose weights load; a net that cannot be loaded is logged and skipped."""
    nets, _missing = load_every()
    if not nets:
        raise WeightsError("no network could be loaded; reinstall digitpad or retrain one")
    return nets


def load_every() -> tuple[dict[str, Classifier], dict[str, str]]:
    """Every net whose weights load, by name, and why each of the others did not."""
    nets: dict[str, Classifier] = {}
    missing: dict[str, str] = {}
    for name in SPECS:
        try:
            nets[name] = registry.load(name)
        except WeightsError as exc:
            log.warning("%s is not available: %s", name, exc)
            missing[name] = str(exc)
    return nets, missing
