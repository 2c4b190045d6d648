"""Does ``digitpad adapt`` teach the nets a hand without forgetting everyone else's?

    python benchmarks/adapt.py [--writers 3] [--per-digit 3] [--seeds 0 1 2] [--mnist 10000]
                               [--features DIR] [--set steps=300 --set mine=32 ...]

For each seed: the held-out writers of the dev pen digits (at least 30 digits each) are
drawn as in the app (placed at random with that seed, ``rasterize``, ``to_mnist``), and the
``--writers`` the vote reads worst are chosen. For each, in a fresh user folder
(``DIGITPAD_HOME`` in a temporary folder, so the real one is never touched), it teaches
``--per-digit`` drawings of each digit through :class:`digitpad.drawings.DrawingStore`,
runs ``adapt --use`` for all five nets, and reads the writer's *other* digits and the
MNIST test set with the vote (and each net) before and after. The worst writers depend on
the seed (a placement moves a writer's digits across the nets' boundaries), so it reports
every writer, the mean per seed and the mean over all seeds. ``--set FIELD=VALUE``
overrides a field of :class:`digitpad.adapt.AdaptConfig` (for trying changes).
Goals (issue 15): their other digits >= 97% on average, MNIST test vote drops <= 0.2
points, all five nets <= 60 s (<= 15 s per MLP).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from digitpad import dirs, drawn, preprocess
from digitpad.adapt import AdaptConfig

MIN_DIGITS = 30


@dataclasses.dataclass(frozen=True)
class Row:
    """One writer taught at one seed; accuracies as fractions."""

    seed: int
    writer: str
    taught: int
    others: int
    before: float
    after: float
    per_net_after: dict[str, float]
    mnist_after: float
    seconds: float


def right_answers(x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """(N,) bool per net and for "vote": does it name the label? Read by a fresh
    :class:`Reader` of the nets now chosen, as the app reads."""
    from digitpad.nets import VOTE
    from digitpad.reading import Reader, readings

    per_net = Reader().probabilities(x)
    return {name: np.array([r.digit for r in readings(per_net, name)]) == y
            for name in (*per_net, VOTE)}


def vote_accuracy(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(right_answers(x, y)["vote"]))


def worst_writers(x: np.ndarray, y: np.ndarray, writers: np.ndarray, count: int) -> list[str]:
    """The ``count`` held-out writers with at least :data:`MIN_DIGITS` digits whom the
    vote reads worst (ties by name)."""
    right = right_answers(x, y)["vote"]
    scores = [(float(right[writers == w].mean()), str(w)) for w in sorted(set(writers.tolist()))
              if (writers == w).sum() >= MIN_DIGITS]
    return [w for _score, w in sorted(scores)[:count]]


def teach(pen: drawn.PenDigits, indices: list[int], seed: int) -> None:
    """Store the digits as the app would after the user taught their labels."""
    from digitpad.drawings import DrawingStore

    rng = np.random.default_rng(seed)
    store = DrawingStore()
    for i in indices:
        strokes = drawn.place(pen.strokes(i), rng)
        image = preprocess.to_mnist(preprocess.rasterize(strokes))
        store.add([s.tolist() for s in strokes], image, int(pen.labels[i]), {})
    store.close()


def pick_taught(labels: np.ndarray, index: np.ndarray, per_digit: int, seed: int) -> np.ndarray:
    """Up to ``per_digit`` of each digit among ``index`` (positions in the file)."""
    rng = np.random.default_rng(seed)
    chosen = [rng.permutation(index[labels[index] == d])[:per_digit] for d in range(10)]
    return np.sort(np.concatenate(chosen))


def fresh_home(shared_features: Path | None) -> None:
    """A new, empty user folder; with ``shared_features``, K1's feature cache (which depends
    only on K1's convolutions and the MNIST subsets, never on the drawings) is shared."""
    home = Path(tempfile.mkdtemp(prefix="digitpad-adapt-bench-"))
    os.environ["DIGITPAD_HOME"] = str(home)
    if shared_features is not None:
        shared_features.mkdir(parents=True, exist_ok=True)
        (home / "adapt-cache").symlink_to(shared_features, target_is_directory=True)


def parse_overrides(pairs: list[str]) -> dict[str, object]:
    """``["steps=400", "teacher_weight=0.6"]`` -> typed AdaptConfig fields."""
    fields = {f.name: type(getattr(AdaptConfig(), f.name)) for f in dataclasses.fields(AdaptConfig)}
    out: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in fields:
            raise SystemExit(f"--set: AdaptConfig has no field {key!r} ({', '.join(fields)})")
        out[key] = fields[key](value)
    return out


def run_seed(pen: drawn.PenDigits, args: argparse.Namespace, seed: int, mnist: tuple[np.ndarray, np.ndarray],
             overrides: dict[str, object]) -> list[Row]:
    """Every chosen writer at one seed, each in a fresh user folder."""
    from digitpad.adapt import adapt

    held = np.flatnonzero(drawn.held_out_writers(pen.writers))
    x_all = drawn.render(pen, [int(i) for i in held], seed=seed)
    y_all, writers = pen.labels[held].astype(np.int64), pen.writers[held]
    os.environ["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-adapt-bench-")
    rows = []
    for writer in worst_writers(x_all, y_all, writers, args.writers):
        fresh_home(args.features)
        mine = np.flatnonzero(writers == writer)
        taught = pick_taught(y_all, mine, args.per_digit, seed)
        teach(pen, [int(held[i]) for i in taught], seed)
        others = np.setdiff1d(mine, taught)
        before = vote_accuracy(x_all[others], y_all[others])
        start = time.perf_counter()
        outcomes = adapt(config=dataclasses.replace(AdaptConfig(seed=seed), **overrides), use=True)
        seconds = time.perf_counter() - start
        after = right_answers(x_all[others], y_all[others])
        row = Row(seed, writer, len(taught), len(others), before, float(after["vote"].mean()),
                  {n: float(r.mean()) for n, r in after.items() if n != "vote"},
                  vote_accuracy(*mnist), seconds)
        print_row(row, ", ".join(f"{o.net} {o.seconds:.1f}s" for o in outcomes))
        rows.append(row)
    return rows


def print_row(row: Row, times: str) -> None:
    nets = " ".join(f"{n} {a * 100:.1f}" for n, a in row.per_net_after.items())
    print(f"seed {row.seed} writer {row.writer}: {row.taught} taught, {row.others} others; vote on "
          f"others {row.before * 100:.2f}% -> {row.after * 100:.2f}% (each net after: {nets}); "
          f"MNIST vote after {row.mnist_after * 100:.2f}%; adapt {row.seconds:.1f}s ({times})", flush=True)


def print_summary(rows: list[Row], mnist_before: float) -> None:
    def pct(values: list[float]) -> str:
        return f"{np.mean(values) * 100:.2f}%"

    for seed in sorted({r.seed for r in rows}):
        mine = [r for r in rows if r.seed == seed]
        print(f"seed {seed} mean over {len(mine)} writers: others "
              f"{pct([r.before for r in mine])} -> {pct([r.after for r in mine])}")
    nets = {n: pct([r.per_net_after[n] for r in rows]) for n in rows[0].per_net_after}
    print(f"mean over {len(rows)} writer-seeds: others {pct([r.before for r in rows])} -> "
          f"{pct([r.after for r in rows])} (goal >= 97%), lowest after "
          f"{min(r.after for r in rows) * 100:.2f}%; each net after: "
          + " ".join(f"{n} {a}" for n, a in nets.items()))
    drops = [(mnist_before - r.mnist_after) * 100 for r in rows]
    print(f"MNIST vote {mnist_before * 100:.2f}% before, drop {np.mean(drops):.3f} points on average, "
          f"{max(drops):.2f} at most (goal <= 0.2); adapt all five "
          f"{np.mean([r.seconds for r in rows]):.1f}s on average, "
          f"{max(r.seconds for r in rows):.1f}s at most (goal <= 60s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drawn", type=Path, default=dirs.data_dir() / "unipen-digits-dev.npz")
    parser.add_argument("--writers", type=int, default=3, help="how many of the worst-read writers")
    parser.add_argument("--per-digit", type=int, default=3, help="drawings of each digit taught")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="placement, choice of taught digits and adapt seed; one run each")
    parser.add_argument("--mnist", type=int, default=10000, help="MNIST test images read before/after")
    parser.add_argument("--features", type=Path, default=None, metavar="DIR",
                        help="share K1's feature cache in DIR between writers (default: each writer "
                             "starts cold, so every adapt time includes computing it)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="override an AdaptConfig field")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)

    from digitpad import datasets
    from digitpad.train.data import to_float

    pen = drawn.load(args.drawn)
    test = datasets.load("mnist")
    mnist = (to_float(test.test_images[:args.mnist]), test.test_labels[:args.mnist].astype(np.int64))
    os.environ["DIGITPAD_HOME"] = tempfile.mkdtemp(prefix="digitpad-adapt-bench-")
    mnist_before = vote_accuracy(*mnist)
    print(f"MNIST test ({args.mnist}) vote before: {mnist_before * 100:.2f}%; config "
          f"{dataclasses.replace(AdaptConfig(), **overrides)}", flush=True)
    rows = [row for seed in args.seeds for row in run_seed(pen, args, seed, mnist, overrides)]
    print_summary(rows, mnist_before)


if __name__ == "__main__":
    main()
