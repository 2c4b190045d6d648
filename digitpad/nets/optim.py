"""Optimizers: plain/momentum SGD (Nielsen's) and Adam, updating parameters in place.

Both take the gradients in the order of ``net.parameters()`` and a learning rate per
step, so the trainer owns the schedule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np


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

    Every update is done in place through one scratch buffer per parameter: for small
    nets the optimizer's passes over memory, not the matmuls, would otherwise dominate."""

    def __init__(self, params: list[np.ndarray], beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        self.params = params
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        for p, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.scratch):
            np.subtract(g, m, out=tmp)  # m += (1 - b1) * (g - m)
            tmp *= 1 - b1
            m += tmp
            np.multiply(g, g, out=tmp)  # v += (1 - b2) * (g*g - v)
            tmp -= v
            tmp *= 1 - b2
            v += tmp
            np.sqrt(v, out=tmp)  # p -= step * m / (sqrt(v) + eps)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step
            p -= tmp


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
