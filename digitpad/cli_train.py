"""``digitpad train`` and ``digitpad evaluate``.

``--progress jsonl`` turns training output into one JSON object per line on stdout,
the protocol the app reads when it runs training in a child process (see
:mod:`digitpad.gui`): ``batch``, ``epoch``, ``message`` events, then ``done``,
``cancelled`` or ``error``. SIGTERM or SIGINT cancel cleanly: nothing is saved and the
exit code is 130.
"""

from __future__ import annotations

import argparse
import datetime
import json
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from digitpad import dirs
from digitpad.train.config import TrainConfig
from digitpad.train.progress import BatchProgress, Callbacks, EpochResult

CANCELLED_EXIT = 130


def add_train_parser(commands: Any) -> None:
    d = TrainConfig()
    train = commands.add_parser("train", help="train a network")
    train.add_argument("net", help="B1, B2, B3, B4 or K1")
    train.add_argument("--data", choices=("mnist", "emnist"), default=d.data)
    train.add_argument("--epochs", type=int, default=d.epochs)
    train.add_argument("--batch-size", type=int, default=d.batch_size)
    train.add_argument("--learning-rate", type=float, default=d.learning_rate)
    train.add_argument("--l2", type=float, default=d.l2, help="weight decay lambda")
    train.add_argument("--augment", choices=("none", "light", "strong"), default=d.augment)
    train.add_argument("--activation", default=d.activation, help="relu, leaky_relu, tanh or sigmoid")
    train.add_argument("--limit", type=int, help="train on the first N training images only")
    train.add_argument("--test-limit", type=int, help="test on the first N test images only")
    train.add_argument("--patience", type=int, help="stop after N epochs without improvement")
    train.add_argument("--val-size", type=int, default=d.val_size, metavar="N",
                       help="training images held out to pick the best epoch; 0 trains on all "
                            "of them and keeps the last epoch (once a recipe is chosen)")
    train.add_argument("--seed", type=int, default=d.seed)
    train.add_argument("--pen-digits", metavar="FILE.npz",
                       help="also train on pen-drawn digits (UNIPEN .npz) of the writers "
                            "'evaluate --drawn --held-out' does not use")
    train.add_argument("--pen-copies", type=int, default=d.pen_copies)
    train.add_argument("--ema", type=float, default=d.ema, metavar="DECAY",
                       help="use a moving average of the weights (e.g. 0.999)")
    train.add_argument("--teacher", help="distil from this trained net as well (e.g. K1)")
    train.add_argument("--teacher-weight", type=float, default=d.teacher_weight)
    train.add_argument("--teacher-views", type=int, default=d.teacher_views, metavar="V",
                       help="the teacher answers for V fixed augmented views, which the student trains "
                            "on in turn (cached in your folder; K1 takes ~1.5 min per view on one core)")
    train.add_argument("--teacher-runtime", choices=("numpy", "keras"), default=d.teacher_runtime,
                       help="run the teacher in Keras for --teacher-views (fast with a GPU)")
    train.add_argument("--my-drawings", type=int, default=0, metavar="REPEAT",
                       help="also train on your saved drawings, each repeated REPEAT times per epoch")
    train.add_argument("--out", type=Path, help="weights file to write (default: in your user folder)")
    train.add_argument("--use", action="store_true", help="make the new weights the ones the app uses")
    train.add_argument("--progress", choices=("bar", "jsonl", "none"), default="bar")
    train.add_argument("--min-accuracy", type=float, help="exit 1 if test accuracy (0-1) is lower")
    train.set_defaults(handler=cmd_train)


def add_evaluate_parser(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="test accuracy of networks")
    evaluate.add_argument("nets", nargs="*", default=["B1", "B2", "B3", "B4", "K1", "vote"],
                          metavar="NET", help="B1..B4, K1, vote (default: all)")
    evaluate.add_argument("--data", choices=("mnist", "emnist"), default="mnist")
    evaluate.add_argument("--drawn", type=Path, metavar="FILE.npz",
                          help="evaluate on pen-drawn digits (UNIPEN strokes) drawn as in the app")
    evaluate.add_argument("--seed", type=int, default=0, help="placement of the drawn digits")
    evaluate.add_argument("--held-out", action="store_true",
                          help="with --drawn: only the writers that training with --pen-digits never sees")
    evaluate.add_argument("--confusion", action="store_true", help="print confusion matrices")
    evaluate.add_argument("--min-accuracy", type=float, help="exit 1 if any net is below (0-1)")
    evaluate.set_defaults(handler=cmd_evaluate)


class CliCallbacks(Callbacks):
    """Progress as a bar on stderr or JSON lines on stdout; cancel on SIGINT/SIGTERM."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.stop = False
        self.last_draw = 0.0
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stop = True

    def cancelled(self) -> bool:
        return self.stop

    def emit(self, event: str, **fields: Any) -> None:
        if self.mode == "jsonl":
            print(json.dumps({"event": event, **fields}), flush=True)

    def on_batch(self, progress: BatchProgress) -> None:
        self.emit("batch", **asdict(progress), fraction=progress.fraction)
        now = time.monotonic()
        if self.mode == "bar" and (now - self.last_draw > 0.2 or progress.batch == progress.batches):
            self.last_draw = now
            done = int(30 * progress.fraction)
            print(f"\repoch {progress.epoch}/{progress.epochs} [{'#' * done}{'.' * (30 - done)}] "
                  f"loss {progress.loss:.3f} acc {progress.accuracy * 100:.2f}%  {progress.seconds:.0f}s",
                  end="", file=sys.stderr, flush=True)

    def on_epoch(self, result: EpochResult) -> None:
        self.emit("epoch", **asdict(result))
        if self.mode == "bar":
            print(f"\repoch {result.epoch}/{result.epochs}: train {result.train_accuracy * 100:.2f}%, "
                  f"validation {result.val_accuracy * 100:.2f}%, {result.seconds:.0f}s" + " " * 20,
                  file=sys.stderr)

    def on_message(self, text: str) -> None:
        self.emit("message", text=text)
        if self.mode == "bar":
            print(text, file=sys.stderr)


def default_out(net: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return dirs.user_weights_dir() / f"{net.upper()}-{stamp}.npz"


def cmd_train(args: argparse.Namespace) -> int:
    from digitpad.datasets import DatasetError
    from digitpad.nets import registry
    from digitpad.train import run

    callbacks = CliCallbacks(args.progress)
    config = TrainConfig(net=args.net.upper(), data=args.data, epochs=args.epochs,
                         batch_size=args.batch_size, learning_rate=args.learning_rate, l2=args.l2,
                         augment=args.augment, activation=args.activation, limit=args.limit,
                         test_limit=args.test_limit, patience=args.patience, seed=args.seed,
                         val_size=args.val_size,
                         my_drawings=args.my_drawings, pen_digits=args.pen_digits,
                         pen_copies=args.pen_copies, teacher=args.teacher, ema=args.ema,
                         teacher_weight=args.teacher_weight, teacher_views=args.teacher_views,
                         teacher_runtime=args.teacher_runtime)
    out = args.out or default_out(config.net)
    try:
        registry.spec(config.net)
        result = run(config, callbacks, out)
    except (DatasetError, ValueError, RuntimeError, OSError) as exc:
        callbacks.emit("error", message=str(exc))
        print(f"digitpad: training failed: {exc}", file=sys.stderr)
        return 2
    if result.cancelled:
        callbacks.emit("cancelled")
        print("training cancelled; no weights were written", file=sys.stderr)
        return CANCELLED_EXIT
    accuracy = result.test_accuracy or 0.0
    callbacks.emit("done", out=str(out), test_accuracy=accuracy, seconds=result.seconds)
    if args.progress != "jsonl":
        print(f"{config.net}: test accuracy {accuracy * 100:.2f}% after {result.seconds:.0f}s; saved {out}")
    if args.use:
        registry.choose(config.net, out)
    if args.min_accuracy is not None and accuracy < args.min_accuracy:
        print(f"digitpad: {accuracy * 100:.2f}% is below --min-accuracy", file=sys.stderr)
        return 1
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from digitpad.datasets import DatasetError
    from digitpad.evaluate import evaluate, format_confusion, format_table
    from digitpad.nets import VOTE, WeightsError, registry

    try:
        x, y, title = _evaluation_set(args)
        listed = [n.upper() for n in args.nets if n.lower() != VOTE] or list(registry.SPECS)
        wants_vote = VOTE in [n.lower() for n in args.nets]
        # "vote" is always the vote of every net, as load_network("vote") is, whichever are listed
        nets = {n: registry.load(n) for n in (list(registry.SPECS) if wants_vote else listed)}
    except (DatasetError, WeightsError, ValueError) as exc:
        print(f"digitpad: {exc}", file=sys.stderr)
        return 2
    reports = {name: report for name, report in evaluate(nets, x, y).items()
               if name in listed or (wants_vote and name == VOTE)}
    print(format_table(reports, title))
    for name, report in reports.items():
        if args.confusion:
            print("\n" + format_confusion(report))
        elif args.drawn:
            worst = ", ".join(f"{t}->{p} x{n}" for t, p, n in report.worst_confusions())
            print(f"worst confusions of {name}: {worst or 'none'}")
    if args.min_accuracy is not None:
        short = [n for n, r in reports.items() if r.accuracy < args.min_accuracy]
        if short:
            print(f"digitpad: below {args.min_accuracy * 100:.2f}%: {', '.join(short)}", file=sys.stderr)
            return 1
    from digitpad.cli import weights_fallback_status

    return weights_fallback_status()


def _evaluation_set(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """Images (N, 28, 28), labels (N,) and a title, from a test set or pen-drawn digits."""
    import numpy as np

    if args.drawn:
        from digitpad import drawn

        pen = drawn.load(args.drawn)
        mask = drawn.held_out_writers(pen.writers) if args.held_out else np.ones(len(pen), bool)
        x = drawn.render(pen, pen.subset(mask), seed=args.seed)
        writers = len(set(pen.writers[mask].tolist()))
        which = "held-out " if args.held_out else ""
        return x, pen.labels[mask].astype(np.int64), (
            f"accuracy on {mask.sum()} pen-drawn digits by {writers} {which}writers "
            f"({args.drawn.name}, drawn as in the app)")
    from digitpad import datasets
    from digitpad.train.data import to_float

    data = datasets.load(args.data)
    title = f"accuracy on the {args.data.upper()} test set ({len(data.test_labels)} images)"
    return to_float(data.test_images), data.test_labels.astype(np.int64), title
