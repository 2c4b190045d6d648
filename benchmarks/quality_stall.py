"""How long Network ▸ How good is it?… holds the Tk thread when the net is switched
(a benchmark, not a test).

The window is opened with the shipped nets and left to compute the MNIST test answers
(about a minute the first time; ``--home`` keeps them between runs). Then each net's
button is clicked in turn, ``--rounds`` times, from a Tk callback as a real click is,
while a :class:`digitpad.gui.timing.StallMeter` ticks every 2 ms. Printed per switch: the
longest stall of the event loop, and the time from the click until the window shows the
new net (its figures pasted, nothing left in flight). Last, a rapid double switch (B1,
then K1 5 ms later) says which net the window ends on.

    python benchmarks/quality_stall.py [--rounds 3] [--home FOLDER]

The same command on a checkout from before the figures were drawn off the Tk thread
(``PYTHONPATH=that/checkout``) gives the "before" figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tools/
from tools.xvfb import x_display  # noqa: E402

GOAL_MS = 20  # the rule: longer than this goes off the Tk thread
SETTLE_S = 0.3  # pumped after the window is done, so late idle work is counted too


def working(window: object) -> bool:
    """Whether the window still has work in flight (older code: never, it worked inline)."""
    return bool(getattr(window, "working", False))


def pump_until(root: object, condition: object, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError("the window did not finish")
        root.update()  # type: ignore[attr-defined]
        time.sleep(0.001)


def switch(app: object, window: object, name: str) -> tuple[float, float]:
    """Click ``name``'s button from a Tk callback: (longest stall, click to done), in ms."""
    from digitpad.gui.timing import StallMeter

    root = app.root  # type: ignore[attr-defined]
    meter = StallMeter(root, period_ms=2)
    clicked: list[float] = []

    def click() -> None:
        clicked.append(time.perf_counter())
        window.net_buttons[name].invoke()  # type: ignore[attr-defined]

    meter.start()
    root.after(15, click)
    pump_until(root, lambda: clicked and not working(window))
    done = time.perf_counter()
    root.update()  # the idle handlers queued last (older code drew its figures there)
    done = max(done, time.perf_counter()) if not hasattr(window, "working") else done
    settle = time.monotonic() + SETTLE_S
    pump_until(root, lambda: time.monotonic() > settle)
    return meter.stop() * 1000, (done - clicked[0]) * 1000


def run(args: argparse.Namespace) -> None:
    from digitpad.gui import build_app, quality
    from digitpad.nets import NAMES

    app = build_app()
    app.root.geometry("+20+20")
    app.root.update()
    began = time.perf_counter()
    window = quality.open_for(app)
    pump_until(app.root, lambda: window.shown is not None and not working(window), 600)
    print(f"window open, MNIST test answers at hand after {time.perf_counter() - began:.1f} s")
    names = [n for n in NAMES if n in window.net_buttons]
    for name in names:  # warm up: first draws, fonts
        switch(app, window, name)
    stalls: dict[str, list[float]] = {n: [] for n in names}
    dones: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for name in names:
            stall, done = switch(app, window, name)
            stalls[name].append(stall)
            dones[name].append(done)
    print(f"\nswitching nets, {args.rounds} rounds (goal: every stall <= {GOAL_MS} ms)")
    print("net    longest Tk stall (median, max)   click to shown (median)")
    for name in names:
        print(f"{name:5s}  {statistics.median(stalls[name]):6.1f} ms, {max(stalls[name]):6.1f} ms"
              f"             {statistics.median(dones[name]):6.1f} ms")
    every = [s for found in stalls.values() for s in found]
    print(f"all    {statistics.median(every):6.1f} ms, {max(every):6.1f} ms")
    print(f"\nrapid double switch (B1, then K1 5 ms later): shows {double_switch(app, window)}")
    window.destroy()
    app.quit()


def double_switch(app: object, window: object) -> str:
    root = app.root  # type: ignore[attr-defined]
    root.after(0, window.net_buttons["B1"].invoke)  # type: ignore[attr-defined]
    root.after(5, window.net_buttons["K1"].invoke)  # type: ignore[attr-defined]
    settle = time.monotonic() + 0.1
    pump_until(root, lambda: time.monotonic() > settle and not working(window))
    root.update()
    return str(window.confusion.title)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--home", help="user folder to keep the MNIST test answers in between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digitpad-bench-") as home, x_display("1920x1080x24"):
        os.environ["DIGITPAD_HOME"] = args.home or home
        os.environ.pop("DIGITPAD_WEIGHTS", None)
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
