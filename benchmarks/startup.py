"""How long from launching ``digitpad`` until its window is on screen (best of N).

Runs under the current X display, or starts a private Xvfb. The window counts as shown
when ``xdotool search --onlyvisible`` finds it (the app maps it after its first full
layout, before matplotlib is imported). The app's own debug line then says whether
TensorFlow was loaded by then.

    python benchmarks/startup.py [--runs 3] [--command "python -m digitpad"]
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tools/
from tools.xvfb import x_display  # noqa: E402

GOAL = 1.0  # seconds


def window_visible(pid: int) -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid),
                            "--name", "^digitpad$"], capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def launch_once(command: list[str], timeout: float = 20.0) -> tuple[float, str]:
    """Seconds until the window is visible, and the app's debug output."""
    started = time.perf_counter()
    app = subprocess.Popen([*command, "-v"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    try:
        while not window_visible(app.pid):
            if app.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"no window (exit code {app.returncode})")
            time.sleep(0.005)
        shown = time.perf_counter() - started
        time.sleep(0.3)
    finally:
        app.terminate()
        _, log = app.communicate(timeout=10)
    return shown, log


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--command", help="how to launch the app (default: digitpad on PATH)")
    args = parser.parse_args()
    if shutil.which("xdotool") is None:
        print("needs xdotool", file=sys.stderr)
        return 2
    command = shlex.split(args.command) if args.command else \
        [shutil.which("digitpad") or sys.executable, *([] if shutil.which("digitpad") else
                                                       ["-m", "digitpad"])]
    with x_display() as display:
        print(f"launching {' '.join(command)} on {display}, {args.runs} runs")
        times, tf_lines = [], []
        for _ in range(args.runs):
            seconds, log = launch_once(command)
            times.append(seconds)
            tf_lines += [line for line in log.splitlines() if "window shown" in line]
            print(f"  window shown after {seconds:.3f} s")
    best = min(times)
    print(f"best of {args.runs}: {best:.3f} s (goal <= {GOAL} s): {'ok' if best <= GOAL else 'SLOW'}")
    for line in tf_lines[-1:]:
        print("app says:", line.split(": ", 1)[-1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
