"""Which nets the app has, how to describe them, and what they say about one 28x28 image
(no Tk in here). The reading itself is :mod:`digitpad.reading`'s, as everywhere."""

from __future__ import annotations

import logging

import numpy as np

from digitpad.adapt_files import is_adapted
from digitpad.nets import VOTE, load_every
from digitpad.nets.vote import describe_weights
from digitpad.reading import Reader, Reading

log = logging.getLogger(__name__)


class Predictor(Reader):
    """The loaded nets; a net whose weights cannot be loaded is left out, with the reason."""

    def reload(self) -> None:
        """Load every net again (after the user chose other weights)."""
        self.nets, self.missing = load_every()
        log.info("nets loaded: %s", ", ".join(self.nets) or "none")

    def describe(self, name: str) -> str:
        """Architecture, training data and measured accuracy, for the status bar."""
        if name == VOTE:
            if not self.nets:
                return "Vote: no network is available"
            adapted = [n for n, net in self.nets.items() if is_adapted(net.meta)]
            mine = f"; adapted to your handwriting: {', '.join(adapted)}" if adapted else ""
            return (f"Vote: the weighted mean of the nets' probabilities "
                    f"({describe_weights(list(self.nets))}){mine}")
        if name in self.nets:
            return self.nets[name].describe()
        return f"{name}: not available ({self.missing.get(name, 'no weights')})"

    def test_accuracy(self, name: str) -> float | None:
        net = self.nets.get(name)
        value = net.meta.get("test_accuracy") if net is not None else None
        return float(value) if isinstance(value, (int, float)) else None

    def predict(self, image: np.ndarray, selected: str) -> Reading | None:
        """What ``selected`` (a net or ``"vote"``) says about ``image`` (28, 28), with every
        loaded net's own answer in ``per_net``; None when that net is not loaded."""
        if not self.available(selected):
            return None
        reading = self.read(image, selected, every_net=True)[0]
        log.debug("prediction %s: digit %d, probability %.3f, %s (%s)", selected, reading.digit,
                  reading.probability, "sure" if reading.sure else "not sure",
                  ", ".join(f"{n} {int(np.argmax(p))}" for n, p in reading.per_net.items()))
        return reading
