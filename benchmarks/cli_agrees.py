"""`digitpad predict --json` on scans of drawings says what the app says about the drawings.

    python benchmarks/cli_agrees.py [--drawn FILE.npz] [--seed 0]

Each held-out pen digit is placed on the canvas as a person would draw it and saved as a
clean black-on-white PNG; the CLI (a child process, as a user runs it) reads the PNGs and
``digitpad.reading.read(to_mnist(rasterize(strokes)))`` reads the strokes. Prints how many
digits and how many sure / not-sure verdicts differ. Goal: 0 digits, at most 1 verdict.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from digitpad import dirs, drawn, preprocess, reading


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drawn", type=Path, default=dirs.data_dir() / "unipen-digits-dev.npz")
    parser.add_argument("--seed", type=int, default=0, help="placement of the drawn digits")
    args = parser.parse_args()
    pen = drawn.load(args.drawn)
    chosen = pen.subset(drawn.held_out_writers(pen.writers))
    rng = np.random.default_rng(args.seed)
    canvases = [preprocess.rasterize(drawn.place(pen.strokes(i), rng)) for i in chosen]
    app = reading.read(np.stack([preprocess.to_mnist(c) for c in canvases]))
    with tempfile.TemporaryDirectory() as folder:
        paths = [str(Path(folder) / f"{k:05d}.png") for k in range(len(canvases))]
        for canvas, path in zip(canvases, paths):
            Image.fromarray(255 - np.asarray(canvas)).save(path)
        done = subprocess.run([sys.executable, "-m", "digitpad", "predict", "--net", "vote", "--json",
                               *paths], capture_output=True, text=True, check=True)
    cli = json.loads(done.stdout)
    digits = sum(c["digit"] != a.digit for c, a in zip(cli, app))
    verdicts = sum(c["sure"] != a.sure for c, a in zip(cli, app))
    worst = max(np.abs(np.asarray(c["probabilities"]) - a.probabilities).max() for c, a in zip(cli, app))
    print(f"{len(app)} held-out pen digits as PNG scans, seed {args.seed}: {digits} digits and "
          f"{verdicts} sure/not-sure verdicts differ (goal 0 and <= 1); "
          f"largest probability difference {worst:.1e}")
    return 0 if digits == 0 and verdicts <= 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
