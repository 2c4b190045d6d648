"""Debug timers: pen-up to updated screen, and how long the Tk event loop stalls."""

from __future__ import annotations

import logging
import statistics
import time
import tkinter as tk

log = logging.getLogger(__name__)


class LatencyTimer:
    """From :meth:`start` (pen-up) until the digit, preview and chart are drawn and the
    window has repainted: the chart's ``draw_idle`` and Tk's redisplay both run as idle
    handlers queued before ours, so two rounds of idle handlers later all is on screen."""

    def __init__(self, root: tk.Misc) -> None:
        self.root = root
        self.samples: list[float] = []  # seconds
        self._t0: float | None = None

    def start(self) -> None:
        self._t0 = time.perf_counter()

    def finish(self) -> None:
        if self._t0 is None:
            return
        t0, self._t0 = self._t0, None
        self.root.after_idle(lambda: self.root.after_idle(lambda: self._stop(t0)))

    def _stop(self, t0: float) -> None:
        elapsed = time.perf_counter() - t0
        self.samples.append(elapsed)
        log.debug("pen-up to updated display: %.1f ms", elapsed * 1000)

    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else float("nan")


class StallMeter:
    """A callback repeated every ``period_ms``; the worst lateness seen is the longest
    time the event loop could not run anything."""

    def __init__(self, root: tk.Misc, period_ms: int = 10) -> None:
        self.root = root
        self.period = period_ms / 1000
        self.worst = 0.0
        self.count = 0
        self._last = 0.0
        self._id: str | None = None

    def start(self) -> None:
        self._last = time.perf_counter()
        self._id = self.root.after(round(self.period * 1000), self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last - self.period)
        self.count += 1
        self._last = now
        self._id = self.root.after(round(self.period * 1000), self._tick)

    def stop(self) -> float:
        if self._id is not None:
            self.root.after_cancel(self._id)
            self._id = None
        return self.worst
