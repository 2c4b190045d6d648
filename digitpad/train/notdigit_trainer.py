"""Train the not-a-digit detector (:mod:`digitpad.notdigit`) on K1's features.

    python -m digitpad.train.notdigit_trainer [--out FILE] [--hidden 128] [--epochs 16] [--all-writers]

Digits: the 60,000 MNIST training images and the pen-drawn digits of the dev file's training
writers, each drawn in three placements with the app's pen and once with a thinner one (a
scan or a photo may have thin lines). Not digits: the pen-drawn letters of those writers
(six placements each, five of them distorted, and once with a thinner pen, so thin lines
are no sign of a letter), 8,000 made-up drawings
(:mod:`digitpad.train.nondigits`)
and 2,000 pairs of one writer's digits side by side. Writers kept back
(:func:`digitpad.drawn.held_out_writers`) are never used, so the figures measured on them
are honest; :func:`training_set` takes ``exclude`` to leave out a writer fold as well.
``--all-writers`` keeps them in, for the shipped detector once the recipe was chosen
without them (more writers, more ways of writing a letter).

Each batch has as many digits as not-digits (there are more digits), so the threshold
means the same whatever the mix. The features' mean and spread are folded into the first
layer, so the saved net reads raw features.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import dirs, drawn, notdigit, preprocess
from digitpad.datasets import sources
from digitpad.nets import registry
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP
from digitpad.nets.optim import Adam, cosine_lr
from digitpad.train import augment, nondigits

log = logging.getLogger(__name__)

THRESHOLD = 0.9  # chosen on writer folds (README, "Not a digit")
COPIES = 3
LETTER_COPIES = 6  # the letters are the scarcest and most varied: twice the placements, distorted
THIN = (3.0, 14.0)  # pen diameters (of the app's 20 px) of one more copy of each digit and letter
MNIST_DIGITS = 60_000
MADE_UP, PAIRS = 8_000, 2_000


@dataclass
class Labelled:
    """Images (N, 28, 28) float32; ``not_digit`` (N,) int: 1 for a non-digit; ``writers``
    (N,) str: who drew each pen sample ("" for MNIST and made-up drawings), so
    cross-validation can leave a writer fold out."""

    images: np.ndarray
    not_digit: np.ndarray
    writers: np.ndarray


def training_set(seed: int = 0, exclude: Callable[[np.ndarray], np.ndarray] | None = None,
                 all_writers: bool = False) -> Labelled:
    """The images described above; ``exclude(writers) -> (N,) bool`` drops more writers;
    ``all_writers``: keep the held-out writers too (the shipped detector, once the recipe
    was chosen without them)."""
    data = dirs.data_dir()
    pen, letters = drawn.load(data / "unipen-digits-dev.npz"), drawn.load(data / "unipen-letters-dev.npz")
    rng = np.random.default_rng(seed)
    mnist = sources.load("mnist")
    pick = rng.choice(len(mnist.train_labels), MNIST_DIGITS, replace=False)
    pen_kept = kept_samples(pen.writers, exclude, all_writers)
    letters_kept = kept_samples(letters.writers, exclude, all_writers)
    two, two_writers = pairs(pen, pen_kept, PAIRS, seed + 3)
    parts = [(mnist.train_images[pick].astype(np.float32) / 255, 0, np.full(MNIST_DIGITS, "")),
             (drawn.render_copies(pen, pen_kept, COPIES, seed=seed + 100)[0], 0,
              np.tile(pen.writers[pen_kept], COPIES)),
             (drawn.render(pen, pen_kept, seed=seed + 200, widths=THIN), 0, pen.writers[pen_kept]),
             (distorted_letters(letters, letters_kept, seed), 1,
              np.tile(letters.writers[letters_kept], LETTER_COPIES)),
             (drawn.render(letters, letters_kept, seed=seed + 200, widths=THIN), 1,
              letters.writers[letters_kept]),
             (nondigits.render(list(nondigits.MAKERS), MADE_UP, seed=seed + 1)[0], 1, np.full(MADE_UP, "")),
             (two, 1, two_writers)]
    return Labelled(np.concatenate([p[0] for p in parts]),
                    np.concatenate([np.full(len(p[0]), p[1], np.int64) for p in parts]),
                    np.concatenate([p[2].astype(str) for p in parts]))


def kept_samples(writers: np.ndarray, exclude: Callable[[np.ndarray], np.ndarray] | None = None,
                 all_writers: bool = False) -> list[int]:
    """Indices of the samples (by their ``writers``) the detector may learn from."""
    drop = np.zeros(len(writers), bool) if all_writers else drawn.held_out_writers(writers)
    if exclude is not None:
        drop |= exclude(writers)
    return [int(i) for i in np.flatnonzero(~drop)]


def distorted_letters(letters: drawn.PenDigits, kept: list[int], seed: int) -> np.ndarray:
    """Each kept letter in :data:`LETTER_COPIES` placements, all but the first copy bent by
    the light image augmentation the nets train with (other writers slant and size
    their letters otherwise)."""
    images = drawn.render_copies(letters, kept, LETTER_COPIES, seed=seed + 100)[0]
    rest = images[len(kept):]
    images[len(kept):] = augment.augment(rest, np.random.default_rng(seed + 5), augment.PRESETS["light"])
    return images


def pairs(pen: drawn.PenDigits, indices: list[int], count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``count`` pairs of digits by one writer side by side, as the app reads them:
    images (count, 28, 28) and each pair's writer."""
    rng = np.random.default_rng(seed)
    pool = np.asarray(indices)
    out = np.zeros((count, 28, 28), np.float32)
    writers = np.empty(count, dtype=object)
    for k in range(count):
        writer = pen.writers[rng.choice(pool)]
        first, second = rng.choice(pool[pen.writers[pool] == writer], 2)
        strokes = nondigits.two_digits(pen.strokes(int(first)), pen.strokes(int(second)), rng)
        out[k], writers[k] = preprocess.to_mnist(preprocess.rasterize(strokes)), writer
    return out, writers.astype(str)


def features(k1: ConvNet, images: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """K1's (N, 3200) features, in chunks."""
    parts = [k1.proba_and_features(images[i:i + chunk])[1] for i in range(0, len(images), chunk)]
    return np.concatenate(parts)


def fit(x: np.ndarray, not_digit: np.ndarray, hidden: int = 128, epochs: int = 16, seed: int = 0,
        l2: float = 1e-4, lr: float = 2e-3) -> MLP:
    """A 3200-``hidden``-2 ReLU MLP trained with Adam on balanced batches of 128."""
    mean, spread = x.mean(axis=0), x.std(axis=0) + 1e-3
    scaled = ((x - mean) / spread).astype(np.float32)
    net = MLP([x.shape[1], hidden, 2], seed=seed, name="not-a-digit")
    optimizer, rng = Adam(net.parameters()), np.random.default_rng(seed)
    digits, others = np.flatnonzero(not_digit == 0), np.flatnonzero(not_digit == 1)
    steps = epochs * 2 * max(len(digits), len(others)) // 128
    targets = np.eye(2, dtype=np.float32)
    for step in range(steps):
        batch = np.concatenate([rng.choice(digits, 64), rng.choice(others, 64)])
        _, grads, _ = net.loss_and_gradients(scaled[batch], targets[not_digit[batch]], l2=l2)
        optimizer.step(grads, cosine_lr(lr, step, steps, 0))
    _fold_scaling(net, mean, spread)
    return net


def _fold_scaling(net: MLP, mean: np.ndarray, spread: np.ndarray) -> None:
    """((x - mean) / spread) @ W + b == x @ (W / spread) + (b - (mean / spread) @ W)."""
    w, b = net.weights[0], net.biases[0]
    b -= ((mean / spread) @ w).astype(b.dtype)
    w /= spread[:, None].astype(w.dtype)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=dirs.user_dir() / "weights" / notdigit.FILENAME)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all-writers", action="store_true",
                        help="learn from the held-out writers too (not_sure.py then reads them in-sample)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    k1 = registry.load_file("K1", registry.shipped_path("K1"))
    assert isinstance(k1, ConvNet)
    data = training_set(args.seed, all_writers=args.all_writers)
    log.info("%d images (%d not digits); computing K1 features", len(data.images), data.not_digit.sum())
    writers = "all their writers" if args.all_writers else "the training writers"
    net = fit(features(k1, data.images), data.not_digit, args.hidden, args.epochs, args.seed)
    net.save(args.out, input="K1 features", threshold=args.threshold, k1_conv_digest=k1.conv_digest(),
             trained_on=f"MNIST train (60,000), dev pen digits and letters of {writers}, "
                        "made-up non-digits and digit pairs", seed=args.seed, epochs=args.epochs,
             all_writers=args.all_writers)
    log.info("saved %s", args.out)


if __name__ == "__main__":
    main()
