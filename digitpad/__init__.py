"""digitpad: draw a digit, and neural networks say which one it is.

The package is split so that start-up stays fast: ``digitpad.preprocess`` and the
numpy networks need only numpy and Pillow; TensorFlow is imported only by the code
that trains the Keras net K1.
"""

from __future__ import annotations

__version__ = "0.1.0"
