"""Looking inside the nets, without Tk: what each layer computes for one image, the
forward pass with chosen neurons switched off, and why a net answered as it did.

* :mod:`digitpad.inside.mlp`: B1-B4's activations layer by layer, switched-off neurons
  (:class:`~digitpad.inside.mlp.SwitchedOff`, :class:`~digitpad.inside.mlp.MaskedMLP`),
  the strongest contributions into the answer;
* :mod:`digitpad.inside.cnn`: K1's feature maps per conv layer, its dense head's top
  inputs, and its backward pass to the input image;
* :mod:`digitpad.inside.why`: "why this digit, not the runner-up", a signed (28, 28) map
  for every net and the vote;
* :mod:`digitpad.inside.pictures`: those arrays as RGB pictures (numpy and Pillow only).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
