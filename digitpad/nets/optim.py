"""Optimizers: plain/momentum SGD (Nielsen's) and Adam, updating parameters in place.

Both take the gradients in the order of ``net.parameters()`` and a learning rate per
step, so the trainer owns the schedule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from digitpad.nets import store


class SGD:
    """Gradient descent with (Nesterov) momentum: ``v = mu*v - lr*g; w += v``
    (Nesterov: ``w += mu*v - lr*g``), which looks one step ahead and damps oscillation."""

    def __init__(self, params: list[np.ndarray], momentum: float = 0.9, nesterov: bool = True) -> None:
        self.params = params
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        mu = self.momentum
        for p, g, v in zip(self.params, grads, self.velocity):
            v *= mu
            v -= lr * g
            if self.nesterov:
                p += mu * v - lr * g
            else:
                p += v


class Adam:
    """Adam (Kingma & Ba): per-parameter step sizes from running means of the gradient
    and of its square, with bias correction for the first steps.

    The textbook update is ``m = b1*m + (1-b1)*g``, ``v = b2*v + (1-b2)*g**2``,
    ``p -= lr_t * m / (sqrt(v) + eps)``. Here the moments are kept without their
    constant factors, ``M = m / (1-b1)`` and ``V = v / (1-b2)``, which turns both
    running means into ``M = b1*M + g`` (two passes over memory, no scratch) and moves
    the factors into ``lr_t`` and ``eps``: the same maths in 10 passes instead of 11.
    The passes are memory-bound (a quarter of B4's epoch), so all are in place through
    one scratch buffer; give it one flat parameter array (``MLP.flat``) and it runs 10
    numpy calls per step, plus the two of :func:`store.flush_subnormals` (about 8% of a
    B4 epoch from scratch: 3.15-3.40 s against 2.91-3.17 s), which keep weight decay from
    leaving weights in the subnormals that slow every matmul over them."""

    def __init__(self, params: list[np.ndarray], beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self.params = params
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m_scaled = [np.zeros_like(p) for p in params]  # m / (1 - beta1)
        self.v_scaled = [np.zeros_like(p) for p in params]  # v / (1 - beta2)
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        root = np.sqrt(1 - b2)  # sqrt(v) = root * sqrt(V)
        step = lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t) * (1 - b1) / root
        eps = self.eps / root
        for p, g, m, v, tmp in zip(self.params, grads, self.m_scaled, self.v_scaled, self.scratch):
            m *= b1
            m += g
            v *= b2
            np.multiply(g, g, out=tmp)
            v += tmp
            np.sqrt(v, out=tmp)  # p -= step * M / (sqrt(V) + eps)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= step
            p -= tmp
            # weights without a gradient (never-inked pixels, dead units) drift into the
            # subnormals: they made the not-a-digit detector's steps 65 ms, not 15-19
            store.flush_subnormals(p, tmp)


class WeightAverage:
    """An exponential moving average of the parameters (Polyak averaging): the average of
    the last few thousand steps usually sits nearer the middle of a minimum than the last
    step does, so it generalises a little better. Updated in place after every step."""

    def __init__(self, params: list[np.ndarray], decay: float) -> None:
        self.params = params
        self.decay = decay
        self.average = [p.copy() for p in params]
        self.scratch = [np.empty_like(p) for p in params]

    def update(self) -> None:
        for a, p, tmp in zip(self.average, self.params, self.scratch):
            np.subtract(a, p, out=tmp)  # a -= (1 - decay) * (a - p)
            tmp *= 1 - self.decay
            a -= tmp

    @contextlib.contextmanager
    def swapped_in(self) -> Iterator[None]:
        """Inside the block the parameters hold the averages; afterwards the live values."""
        live = [p.copy() for p in self.params]
        for p, a in zip(self.params, self.average):
            p[...] = a
        try:
            yield
        finally:
            for p, saved in zip(self.params, live):
                p[...] = saved


def cosine_lr(base: float, step: int, total: int, warmup: int) -> float:
    """Linear warm-up for ``warmup`` steps, then cosine decay to 2% of ``base``: big
    steps while far from a minimum, small ones to settle into it."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * min(progress, 1.0))))
