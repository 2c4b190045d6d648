"""Compare training recipes by cross-validation over the dev file's writers.

    python benchmarks/writer_cv.py "" "--pen-copies 9" [--net B1] [--epochs 30] [--folds 5]

Each argument is a recipe: extra ``digitpad train`` options on top of the short base
recipe (``--epochs N --augment light --pen-digits FILE --seed 0``, no teacher). For each
recipe and each writer fold I, the net is trained with ``--folds K --exclude-fold I`` in a
fresh user folder and read on fold I (``digitpad evaluate --drawn FILE --fold I``), so every
digit is read by a net that never saw its writer; the held-out writers are not touched.
Prints, per recipe, each fold's accuracy and MNIST test accuracy, the pooled accuracy
over all folds' digits and how many writers with 30+ digits are read below 95%, then the
pooled accuracy per digit and the most frequent confusions (which digits a recipe moves),
and the pooled accuracy after every few epochs (each fold's net reads its fold after every
epoch), which says whether fewer or more epochs would read unseen writers better.
B1 with 30 epochs takes about a minute per fold on 2 quiet cores (2.6-2.9 min on a slow day).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from digitpad import dirs
from digitpad.evaluate import Report

# digits, accuracy, writers counted, below 95%, MNIST, confusion (10, 10), accuracy per epoch
Fold = tuple[int, float, int, int, float, np.ndarray, np.ndarray]


def run(args: list[str], home: Path) -> str:
    env = {**os.environ, "DIGITPAD_HOME": str(home)}
    done = subprocess.run([sys.executable, "-m", "digitpad", *args], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"digitpad {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def one_fold(net: str, recipe: str, fold: int, args: argparse.Namespace, pen: Path) -> Fold:
    with tempfile.TemporaryDirectory(prefix="writer-cv-") as folder:
        home = Path(folder)
        lines = run(["train", net, "--epochs", str(args.epochs), "--augment", "light", "--pen-digits",
                     str(pen), "--seed", "0", "--folds", str(args.folds), "--exclude-fold", str(fold),
                     "--use", "--progress", "jsonl", *shlex.split(recipe)], home)
        found = json.loads(run(["evaluate", net, "--drawn", str(pen), "--folds", str(args.folds),
                                "--fold", str(fold), "--by-writer", "--json"], home))
        mnist = json.loads(run(["evaluate", net, "--json"], home))["nets"][net]["accuracy"]
    report, writers = found["nets"][net], found["nets"][net]["by_writer"]
    events = [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    curve = np.array([e["fold_accuracy"] for e in events if e["event"] == "epoch"])
    return (found["digits"], report["accuracy"], writers["counted_writers"], writers["below"], mnist,
            np.array(report["confusion"]), curve)


def per_epoch(folds: list[Fold], every: int = 5) -> str:
    """Pooled accuracy over the folds' digits after every ``every``-th epoch (and the last)."""
    runs = min(len(f[6]) for f in folds)
    pooled = np.sum([f[0] * f[6][:runs] for f in folds], axis=0) / sum(f[0] for f in folds)
    shown = sorted({*range(every, runs + 1, every), 1, runs})
    best = int(np.argmax(pooled)) + 1
    return ("pooled by epoch " + " ".join(f"{e}:{pooled[e - 1] * 100:.2f}" for e in shown)
            + f"; best epoch {best} ({pooled[best - 1] * 100:.2f}%)")


def per_digit(folds: list[Fold]) -> str:
    """Pooled accuracy per true digit, and the most frequent confusions, over the folds."""
    confusion = np.sum([f[5] for f in folds], axis=0)
    labels, predicted = np.repeat(np.indices((10, 10)).reshape(2, -1), confusion.ravel(), axis=1)
    report = Report("pooled", labels, predicted)
    return ("per digit " + " ".join(f"{d}:{a * 100:.1f}" for d, a in enumerate(report.per_digit()))
            + "; most read wrong: " + ", ".join(f"{t}->{p} x{n}" for t, p, n in report.worst_confusions()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("recipes", nargs="+", help='extra train options per recipe ("" for the base)')
    parser.add_argument("--net", default="B1")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    pen = dirs.data_dir() / "unipen-digits-dev.npz"
    for recipe in args.recipes:
        folds = [one_fold(args.net, recipe, fold, args, pen) for fold in range(args.folds)]
        digits = sum(f[0] for f in folds)
        pooled = sum(f[0] * f[1] for f in folds) / digits * 100
        per_fold = ", ".join(f"{f[1] * 100:.2f}% (MNIST {f[4] * 100:.2f}%)" for f in folds)
        print(f"{args.net} {recipe or '(base)'}: pooled {pooled:.2f}% of {digits} digits; writers below 95%: "
              f"{sum(f[3] for f in folds)} of {sum(f[2] for f in folds)}; per fold {per_fold}", flush=True)
        print(f"  {per_digit(folds)}", flush=True)
        print(f"  {per_epoch(folds)}", flush=True)


if __name__ == "__main__":
    main()
