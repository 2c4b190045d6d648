"""How fast Network ▸ Look inside… follows the pen (a benchmark, not a test).

Real pen-drawn digits (UNIPEN, from the shared data folder) are drawn on the pad with
generated mouse events, as in ``benchmarks/gui_latency.py``. Measured:

1. with the window closed (never opened, then opened and closed again): the main
   window's pen-up to updated digit, chart and preview (the app's own debug timer);
2. with the window open, for each net: from the last stroke's button release until the
   look-inside view is redrawn and on screen (two rounds of idle handlers after it drew,
   as the app's timer does), the main window's own pen-up latency meanwhile, how long
   each refresh of the view took on the Tk thread, and the longest stall of the Tk event
   loop from that release until the view is on screen
   (:class:`digitpad.gui.timing.StallMeter`, ticking every 2 ms).

    python benchmarks/inside_latency.py [--digits 30] [--nets B1 B2 B3 B4 K1 vote] [--main-only]

``--main-only`` measures only (1) without importing the look-inside code, so the same
command run on a checkout from before it (``PYTHONPATH=that/checkout``) gives the
"before" figure to compare with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tools/
from tools import replay  # noqa: E402
from tools.xvfb import x_display  # noqa: E402

GOAL_MS = 50
NETS = ("B1", "B2", "B3", "B4", "K1", "vote")


def unipen_digits(count: int, seed: int = 0) -> list[list[np.ndarray]]:
    """``count`` pen-drawn digits as strokes fitted into the middle 70% of the pad."""
    from digitpad import dirs

    z = np.load(dirs.data_dir() / "unipen-digits-dev.npz")
    points, so, go = z["points"], z["stroke_offsets"], z["sample_offsets"]
    picks = np.random.default_rng(seed).choice(len(z["labels"]), size=count, replace=False)
    return [replay.fitted([points[so[j]:so[j + 1]] for j in range(go[i], go[i + 1])], 196)
            for i in picks]


def main_window_ms(app: object, digits: list[list[np.ndarray]]) -> float:
    """Median pen-up to updated main window, one sample per stroke."""
    root, timer = app.root, app.timer  # type: ignore[attr-defined]
    timer.samples.clear()
    for strokes in digits:
        app.clear()  # type: ignore[attr-defined]
        root.update()
        expected = len(timer.samples) + len(strokes)
        replay.draw(app.pad, strokes)  # type: ignore[attr-defined]
        while len(timer.samples) < expected:
            root.update()
    return statistics.median(timer.samples) * 1000


def settled(root: object, window: object) -> None:
    """Until the view has nothing in flight (older code: it never had)."""
    root.update()  # type: ignore[attr-defined]
    while getattr(window, "busy", False):
        root.update()  # type: ignore[attr-defined]
        time.sleep(0.001)


def inside_ms(app: object, window: object, digits: list[list[np.ndarray]]) -> tuple[list[float], list[float]]:
    """Per digit: the last pen-up until the look-inside view is on screen, and the longest
    Tk stall meanwhile, in ms."""
    from digitpad.gui.timing import StallMeter

    root = app.root  # type: ignore[attr-defined]
    found, stalls = [], []
    for strokes in digits:
        app.clear()  # type: ignore[attr-defined]
        root.update()
        events = list(replay.events(app.pad, strokes))  # type: ignore[attr-defined]
        for event in events[:-1]:
            event()
        settled(root, window)
        meter = StallMeter(root, period_ms=2)
        meter.start()
        began = time.perf_counter()
        events[-1]()  # the last button release
        while window.shown_at < began:  # type: ignore[attr-defined]
            root.update()
        found.append((window.shown_at - began) * 1000)  # type: ignore[attr-defined]
        stalls.append(meter.stop() * 1000)
    return found, stalls


def run(args: argparse.Namespace) -> None:
    from digitpad.gui import build_app

    digits = unipen_digits(args.digits)
    app = build_app()
    app.root.geometry("+20+20")
    app.root.update()
    main_window_ms(app, digits[:3])  # warm up: first imports, first chart draws
    closed = main_window_ms(app, digits)
    print(f"main window, pen-up to chart, look-inside never opened: {closed:.1f} ms median")
    if args.main_only:
        app.quit()
        return
    from digitpad.gui import inside

    window = inside.open_for(app)
    print(f"\nlook-inside window open ({args.digits} pen-drawn digits per net; goal <= {GOAL_MS} ms):")
    print("net    pen-up to view (median, 90th pct)   main window meanwhile   "
          "view's work on the Tk thread (median, max)   longest Tk stall (median, max)")
    for name in args.nets:
        app.select(name, remember=False)
        inside_ms(app, window, digits[:2])
        window.work_ms.clear()
        app.timer.samples.clear()
        found, stalls = inside_ms(app, window, digits)
        main = statistics.median(app.timer.samples) * 1000
        work = window.work_ms
        print(f"{name:5s}  {statistics.median(found):6.1f} ms, {np.percentile(found, 90):6.1f} ms"
              f"                 {main:6.1f} ms"
              f"                {statistics.median(work):5.1f} ms, {max(work):5.1f} ms"
              f"                {statistics.median(stalls):5.1f} ms, {max(stalls):5.1f} ms")
    window.close()
    app.root.update()
    again = main_window_ms(app, digits)
    print(f"\nmain window, pen-up to chart, look-inside closed again: {again:.1f} ms median"
          f" (listeners: {len(app.listeners)})")
    app.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=30)
    parser.add_argument("--nets", nargs="+", default=list(NETS), choices=NETS)
    parser.add_argument("--main-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digitpad-bench-") as home, x_display("1920x1080x24"):
        os.environ["DIGITPAD_HOME"] = home
        run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
