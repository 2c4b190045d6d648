"""Choose and check the "not sure" rule on pen-drawn digits of held-out writers.

    python benchmarks/not_sure.py [--drawn ../shared/data/unipen-digits-dev.npz]

For a grid of (minimum vote probability, minimum share of nets agreeing) it prints the
share of drawings marked "not sure" and the accuracy of the answers given confidently,
then the rule in digitpad.verdict. Goals: not sure <= 5%, confident accuracy >= 99.5%.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from digitpad import dirs, drawn, verdict
from digitpad.nets.vote import combine
from digitpad.reading import default_reader, readings


def main() -> None:
    default = dirs.data_dir() / "unipen-digits-dev.npz"
    parser = argparse.ArgumentParser()
    parser.add_argument("--drawn", type=Path, default=default)
    parser.add_argument("--all-writers", action="store_true", help="not only the held-out writers")
    parser.add_argument("--seed", type=int, default=0, help="placement of the drawn digits")
    args = parser.parse_args()
    pen = drawn.load(args.drawn)
    mask = np.ones(len(pen), bool) if args.all_writers else drawn.held_out_writers(pen.writers)
    x, y = drawn.render(pen, pen.subset(mask), seed=args.seed), pen.labels[mask]
    members = default_reader().probabilities(x)
    vote = combine(members)  # the vote digitpad.reading reads with
    print(f"{mask.sum()} drawings; vote accuracy {np.mean(vote.argmax(1) == y) * 100:.2f}%")
    print(f"{'min p':>6} {'agree':>6} {'not sure':>9} {'confident acc':>14}")
    for agreement in (0.6, 0.8, 1.0):
        for threshold in (0.5, 0.7, 0.8, 0.85, 0.87, 0.88, 0.89, 0.9, 0.92):
            show(vote, members, y, threshold, agreement)
    print("rule in digitpad.verdict:")
    show(vote, members, y, verdict.MIN_PROBABILITY, verdict.MIN_AGREEMENT)
    read = readings(members)  # what the app and the CLI say about each drawing
    sure = np.array([r.sure for r in read])
    right = np.array([r.digit for r in read]) == y
    print(f"as read by digitpad.reading: {100 - sure.mean() * 100:.2f}% not sure, "
          f"{right[sure].mean() * 100:.2f}% right when sure")


def show(vote: np.ndarray, members: dict[str, np.ndarray], y: np.ndarray, threshold: float,
         agreement: float) -> None:
    sure = verdict.judge_batch(vote, members, threshold, agreement)
    right = vote.argmax(1) == y
    accuracy = right[sure].mean() * 100 if sure.any() else float("nan")
    print(f"{threshold:6.2f} {agreement:6.2f} {100 - sure.mean() * 100:8.2f}% {accuracy:13.2f}%")


if __name__ == "__main__":
    main()
