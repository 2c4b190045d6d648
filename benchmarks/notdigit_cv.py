"""Cross-validate the not-a-digit detector over writer folds of the dev writers.

    python benchmarks/notdigit_cv.py [--folds 0 1 2 3 4] [--thresholds 0.8 0.85 0.9 0.95]
    python benchmarks/notdigit_cv.py --on-held-out --folds -1 0 1 2 3 4 --thresholds 0.9
    python benchmarks/notdigit_cv.py --seeds 0 1 2   # also the mean of three detectors' scores

The training set of digitpad.train.notdigit_trainer (training writers only) is built and
K1's features computed once; for each fold of the training writers
(digitpad.drawn.writer_folds) a detector learns from the other folds and is measured on
the fold's own pen digits and letters (placement seed 0, not the training placements),
and on the MNIST test set. This is how the shipped recipe (3200-128-2, 16 epochs) and its
threshold were chosen; the held-out writers are left for benchmarks/not_sure.py. About
15 minutes on 2 cores. The nets read the training writers' digits in-sample, so the
digit figures here are optimistic; the letter and MNIST figures, and the share of digits
the check itself calls "not a digit", are not.

``--on-held-out``: a learning curve instead. Each detector (fold -1: none left out, all
training writers) is measured on the held-out writers, so leaving a fold out shows what a
fifth fewer writers costs, and so what learning from more writers is likely to bring.
"""

from __future__ import annotations

import argparse

import numpy as np

from digitpad import dirs, drawn, notdigit
from digitpad.datasets import sources
from digitpad.nets import registry
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP
from digitpad.reading import Reader, readings
from digitpad.train import notdigit_trainer as trainer


def evidence(reader: Reader, k1: ConvNet, images: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    return reader.probabilities(images), trainer.features(k1, images)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, nargs="+", default=list(range(drawn.FOLDS)))
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.85, 0.9, 0.95])
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="train one detector per seed; also report the mean of their scores")
    parser.add_argument("--on-held-out", action="store_true",
                        help="measure every fold's detector on the held-out writers (fold -1: none left out)")
    args = parser.parse_args()
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    assert isinstance(k1, ConvNet)
    reader = Reader()
    data = trainer.training_set()
    train_features = trainer.features(k1, data.images)
    train_fold = drawn.writer_folds(data.writers)
    sets = {}
    for name in ("digits", "letters"):
        pen = drawn.load(dirs.data_dir() / f"unipen-{name}-dev.npz")
        held = drawn.held_out_writers(pen.writers)
        keep = held if args.on_held_out else ~held
        images = drawn.render(pen, pen.subset(keep), seed=0)
        folds = np.full(keep.sum(), -2) if args.on_held_out else drawn.writer_folds(pen.writers[keep])
        sets[name] = (*evidence(reader, k1, images), pen.labels[keep], folds, images)
    mnist = sources.load("mnist")
    mnist_features = trainer.features(k1, mnist.test_images.astype(np.float32) / 255)
    for fold in args.folds:
        out = (train_fold == fold) & (data.writers != "")
        nets = [trainer.fit(train_features[~out], data.not_digit[~out], args.hidden, args.epochs, seed)
                for seed in args.seeds]
        kinds = {"": nets[:1], f" mean of {len(nets)}": nets} if len(nets) > 1 else {"": nets}
        for kind, chosen in kinds.items():
            scores = {name: mean_score(chosen, s[1]) for name, s in sets.items()}
            mnist_scores = mean_score(chosen, mnist_features)
            for threshold in args.thresholds:
                print(f"fold {fold}{kind} threshold {threshold:.2f}: "
                      + figures(sets, scores, -2 if args.on_held_out else fold, threshold)
                      + f"  MNIST not a digit {np.mean(mnist_scores >= threshold) * 100:.2f}%", flush=True)


def mean_score(nets: list[MLP], features: np.ndarray) -> np.ndarray:
    """The detectors' mean probability of "not a digit", (N,)."""
    return np.mean([net.forward(features)[1][-1][:, 1] for net in nets], axis=0)


def figures(sets: dict[str, tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
            scores: dict[str, np.ndarray], fold: int, threshold: float) -> str:
    found = {}
    for name, (probs, _features, labels, folds, images) in sets.items():
        mask = folds == fold
        rejected = notdigit.rejected(images[mask], scores[name][mask], threshold)
        read = readings({n: p[mask] for n, p in probs.items()}, "vote", rejected,
                        in_doubt=notdigit.in_doubt(scores[name][mask]))
        found[name] = (np.array([r.digit for r in read]), np.array([r.sure for r in read]), labels[mask],
                       rejected)
    digit, sure, label, rejected = found["digits"]
    right = (digit == label)[sure].mean() * 100
    letters_sure = found["letters"][1]
    return (f"letters confident {letters_sure.mean() * 100:5.2f}% ({len(letters_sure)})  "
            f"digits not sure/not a digit {100 - sure.mean() * 100:5.2f}% "
            f"(not a digit {rejected.mean() * 100:4.2f}%, {len(digit)})  confident right {right:6.2f}%")


if __name__ == "__main__":
    main()
