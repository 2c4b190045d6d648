"""Seconds per training epoch (60,000 images) of B1 and B4: this engine vs Keras vs a
per-example loop in the style of Nielsen's network2.py.

    python benchmarks/train_speed.py [--batch-size 128] [--keras-epochs 3]

Prints one line per measurement and the ratios. Like ours (the best of two epochs),
Keras is timed by its best epoch after the first (which includes graph tracing). The
per-example loop is timed on 2,000 examples and scaled to 60,000. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from digitpad.nets.mlp import MLP
from digitpad.nets.optim import Adam
from digitpad.nets.registry import SPECS
from digitpad.train.augment import PRESETS
from digitpad.train.batches import augmented_batches
from digitpad.train.data import one_hot

N = 60_000


def numpy_epoch(sizes: list[int], x: np.ndarray, y: np.ndarray, batch: int, augment: str) -> float:
    net = MLP(sizes)
    optimizer = Adam([net.flat])  # as digitpad/train/mlp_trainer.py does
    grad = np.empty_like(net.flat)
    start = time.perf_counter()
    for xb, yb in augmented_batches(x, y, batch, np.random.default_rng(0), PRESETS[augment]):
        net.loss_and_gradients(xb.reshape(len(xb), -1), one_hot(yb), 1e-5, out=grad)
        optimizer.step([grad], 1e-3)
    return time.perf_counter() - start


def per_example_epoch(sizes: list[int], x: np.ndarray, y: np.ndarray, batch: int,
                      sample: int = 2000) -> float:
    """Nielsen's design: backprop one example (a column vector) at a time, sum the
    gradients of a mini-batch in Python, then step."""
    net = MLP(sizes, dtype=np.float64)
    targets = one_hot(y[:sample]).astype(np.float64)
    start = time.perf_counter()
    for first in range(0, sample, batch):
        total = [np.zeros_like(p) for p in net.parameters()]
        for i in range(first, min(first + batch, sample)):
            _, grads, _ = net.loss_and_gradients(x[i].reshape(1, -1).astype(np.float64), targets[i:i + 1])
            for acc, g in zip(total, grads):
                acc += g
        for p, g in zip(net.parameters(), total):
            p -= 0.1 / batch * g
    return (time.perf_counter() - start) * N / sample


def keras_epoch(sizes: list[int], x: np.ndarray, y: np.ndarray, batch: int, epochs: int) -> float:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    layers = [keras.Input((784,))] + [keras.layers.Dense(h, activation="relu") for h in sizes[1:-1]]
    model = keras.Sequential([*layers, keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    times = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: object = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: object = None) -> None:
            times.append(time.perf_counter() - self.start)

    model.fit(x.reshape(len(x), -1), y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[Timer()])
    return min(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--keras-epochs", type=int, default=3)
    args = parser.parse_args()
    if args.keras_epochs < 2:
        parser.error("--keras-epochs must be at least 2: the first epoch traces the graph")
    rng = np.random.default_rng(0)
    x = rng.random((N, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, N)
    for name in ("B1", "B4"):
        sizes = SPECS[name].sizes
        ours = min(numpy_epoch(sizes, x, y, args.batch_size, "none") for _ in range(2))
        augmented = numpy_epoch(sizes, x, y, args.batch_size, "strong")
        keras_s = keras_epoch(sizes, x, y, args.batch_size, args.keras_epochs)
        nielsen = per_example_epoch(sizes, x, y, args.batch_size)
        print(f"{name} batch {args.batch_size}: numpy {ours:.2f} s/epoch, with strong augmentation "
              f"{augmented:.2f} s, keras {keras_s:.2f} s, per-example loop {nielsen:.1f} s")
        print(f"{name} ratio numpy/keras {ours / keras_s:.2f} (goal <= 0.5), "
              f"with augmentation {augmented / keras_s:.2f}; per-example/numpy {nielsen / ours:.0f}x "
              f"(goal >= 20x)")


if __name__ == "__main__":
    main()
