"""Responsiveness of the app, measured inside it (a benchmark, not a test).

1. Pen-up to updated screen: real pen-drawn digits (UNIPEN, from the shared data folder)
   are drawn on the pad with generated mouse events; the app's debug timer measures from
   the button release until the digit, preview and chart are drawn and repainted.
2. Event-loop stalls during retraining: a callback repeated every 10 ms with ``after``
   records its worst lateness while the retrain dialog trains a net in its child process
   and, meanwhile, a digit is drawn every second.
3. Cancel latency: the retrain dialog's Cancel, pressed once the child ``digitpad train``
   reports its first batch, until the child has exited and the dialog says the run was
   cancelled (``--cancels`` runs; the tests only check that cancelling ends the run).

    python benchmarks/gui_latency.py [--digits 40] [--net B1] [--epochs 2] [--limit 20000]
                                     [--cancels 3] [--skip-training]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from digitpad import dirs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import x_display  # noqa: E402  (startup puts the repository root on sys.path)

from tools import replay  # noqa: E402

DATA = dirs.data_dir()
LATENCY_GOAL_MS = 50
STALL_GOAL_MS = 100
CANCEL_GOAL_S = 2.0


def unipen_digits(count: int) -> list[list[np.ndarray]]:
    """``count`` pen-drawn digits as strokes fitted into the middle 70% of the pad."""
    z = np.load(DATA / "unipen-digits-dev.npz")
    points, so, go = z["points"], z["stroke_offsets"], z["sample_offsets"]
    picks = np.random.default_rng(0).choice(len(z["labels"]), size=count, replace=False)
    return [replay.fitted([points[so[j]:so[j + 1]] for j in range(go[i], go[i + 1])], 196)
            for i in picks]


def pen_up_latency(app: object, digits: list[list[np.ndarray]]) -> list[float]:
    root, timer = app.root, app.timer  # type: ignore[attr-defined]
    for strokes in digits:
        app.clear()  # type: ignore[attr-defined]
        root.update()
        expected = len(timer.samples) + len(strokes)  # one per pen-up
        replay.draw(app.pad, strokes)  # type: ignore[attr-defined]
        while len(timer.samples) < expected:
            root.update()
    return [s * 1000 for s in timer.samples]


def stalls_while_training(app: object, args: argparse.Namespace,
                          digits: list[list[np.ndarray]]) -> tuple[float, int, str]:
    from digitpad.gui.timing import StallMeter

    root = app.root  # type: ignore[attr-defined]
    dialog = app.open_retrain(extra={"limit": args.limit, "test_limit": 2000})  # type: ignore[attr-defined]
    dialog.form.net.set(args.net)
    dialog.form.data.set("mnist")
    dialog.form.epochs.set(str(args.epochs))
    root.update()
    meter = StallMeter(root, period_ms=10)
    pending = iter(())  # the mouse events of the digit being drawn
    drawn = 0

    def scribble() -> None:
        """One mouse event every 8 ms, as a 125 Hz mouse delivers them; a new digit
        every second."""
        nonlocal pending, drawn
        if dialog.outcome:
            root.quit()
            return
        step = next(pending, None)
        if step is None:
            app.clear()  # type: ignore[attr-defined]
            pending = replay.events(app.pad, digits[drawn % len(digits)])  # type: ignore[attr-defined]
            drawn += 1
            root.after(1000, scribble)
            return
        step()
        root.after(8, scribble)

    meter.start()
    dialog.start()
    root.after(1000, scribble)
    root.mainloop()
    worst = meter.stop()
    outcome = f"{dialog.outcome}: {dialog.message.cget('text')}"
    if dialog.outcome == "done":
        dialog.reject()  # leave the user's weights as they were
    return worst * 1000, meter.count, outcome


def cancel_latency(app: object, args: argparse.Namespace) -> tuple[list[float], list[str]]:
    """Seconds from Cancel to the dialog's "cancelled", per run, and how each run ended."""
    root = app.root  # type: ignore[attr-defined]
    seconds, outcomes = [], []
    for _ in range(args.cancels):
        dialog = app.open_retrain(extra={"limit": args.limit, "test_limit": 2000})  # type: ignore[attr-defined]
        dialog.form.net.set(args.net)
        dialog.form.data.set("mnist")
        dialog.form.epochs.set("50")  # far more than it will train
        root.update()
        dialog.start()
        while dialog.fraction <= 0 and not dialog.outcome:  # the first batch is trained
            root.update()
            time.sleep(0.005)
        began = time.perf_counter()
        dialog.cancel()
        while not dialog.outcome:
            root.update()
            time.sleep(0.001)
        seconds.append(time.perf_counter() - began)
        outcomes.append(dialog.outcome)
        dialog.destroy()
        root.update()
    return seconds, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=40)
    parser.add_argument("--net", default="B1")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=20000)
    parser.add_argument("--cancels", type=int, default=3, help="runs cancelled (0: none)")
    parser.add_argument("--skip-training", action="store_true", help="no stall measurement")
    args = parser.parse_args()
    digits = unipen_digits(args.digits)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work skews these)")
    with x_display():
        from digitpad.gui import build_app

        app = build_app()
        app.root.update()
        latencies = pen_up_latency(app, digits)
        print(f"pen-up to updated digit, chart and preview, {len(latencies)} pen-ups on "
              f"{len(digits)} digits: "
              f"median {statistics.median(latencies):.1f} ms, "
              f"90th percentile {np.percentile(latencies, 90):.1f} ms, max {max(latencies):.1f} ms "
              f"(goal: median <= {LATENCY_GOAL_MS} ms)")
        if not args.skip_training:
            started = time.perf_counter()
            worst, ticks, outcome = stalls_while_training(app, args, digits)
            print(f"retraining {args.net} ({args.epochs} epochs on {args.limit} images, "
                  f"{time.perf_counter() - started:.0f} s, {outcome}): worst event-loop stall "
                  f"{worst:.0f} ms over {ticks} ticks (goal <= {STALL_GOAL_MS} ms)")
        if args.cancels:
            seconds, outcomes = cancel_latency(app, args)
            print(f"Cancel to cancelled while retraining {args.net}, {len(seconds)} runs: "
                  + ", ".join(f"{s:.2f} s" for s in seconds)
                  + f"; worst {max(seconds):.2f} s (goal <= {CANCEL_GOAL_S} s); "
                  + f"outcomes: {', '.join(sorted(set(outcomes)))}")
        app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
