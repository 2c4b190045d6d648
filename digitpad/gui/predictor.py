"""Which nets the app has, and what they say about one 28x28 image (no Tk in here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from digitpad.nets import SPECS, VOTE, Classifier, Vote, load_network
from digitpad.nets.vote import combine, describe_weights

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prediction:
    """``probs``: the selected net's (or the vote's) 10 probabilities;
    ``per_net``: every loaded net's own, by name."""

    net: str
    probs: np.ndarray
    per_net: dict[str, np.ndarray]

    @property
    def digit(self) -> int:
        return int(np.argmax(self.probs))

    @property
    def probability(self) -> float:
        return float(self.probs[self.digit])


class Predictor:
    """The loaded nets; a net whose weights cannot be loaded is left out, with the reason."""

    def __init__(self) -> None:
        self.nets: dict[str, Classifier] = {}
        self.missing: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        self.nets, self.missing = {}, {}
        for name in SPECS:
            try:
                self.nets[name] = load_network(name)
            except Exception as exc:  # any net may be absent or broken; the app goes on
                log.warning("%s is not available: %s", name, exc)
                self.missing[name] = str(exc)
        log.info("nets loaded: %s", ", ".join(self.nets) or "none")

    def available(self, name: str) -> bool:
        return bool(self.nets) if name == VOTE else name in self.nets

    def describe(self, name: str) -> str:
        """Architecture, training data and measured accuracy, for the status bar."""
        if name == VOTE:
            if not self.nets:
                return "Vote: no network is available"
            return f"Vote: the weighted mean of the nets' probabilities ({describe_weights(list(self.nets))})"
        if name in self.nets:
            return self.nets[name].describe()
        return f"{name}: not available ({self.missing.get(name, 'no weights')})"

    def test_accuracy(self, name: str) -> float | None:
        net = self.nets.get(name)
        value = net.meta.get("test_accuracy") if net is not None else None
        return float(value) if isinstance(value, (int, float)) else None

    def predict(self, image: np.ndarray, selected: str) -> Prediction | None:
        """What ``selected`` (a net or ``"vote"``) says about ``image`` (28, 28);
        None when that net is not loaded."""
        if not self.available(selected):
            return None
        per_net = {name: p[0] for name, p in Vote(list(self.nets.values())).predict_all(image).items()}
        if selected == VOTE:
            probs = combine(per_net)
        else:
            probs = per_net[selected]
        result = Prediction(selected, probs, per_net)
        log.debug("prediction %s: digit %d, probability %.3f (%s)", selected, result.digit,
                  result.probability,
                  ", ".join(f"{n} {int(np.argmax(p))}" for n, p in per_net.items()))
        return result
