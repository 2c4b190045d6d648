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
import math
import signal
import sys
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from digitpad import dirs
from digitpad.train.config import TrainConfig
from digitpad.train.progress import BatchProgress, Callbacks, EpochResult, TextProgress

CANCELLED_EXIT = 130


TRAINABLE = "B1, B2, B3, B4 or K1"


class DefaultsFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """``--help`` with each option's default, except where there is none (None, or an
    off flag), so that the defaults shown are exactly the ones a run uses."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or "(default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


def net_name(text: str) -> str:
    """A trainable net's name (any case) as the registry spells it; an argument error
    for anything else, ``vote`` included, which is the five nets' vote, not a net."""
    from digitpad.nets.registry import SPECS, VOTE

    name = text.upper()
    if name in SPECS:
        return name
    if text.lower() == VOTE:
        raise argparse.ArgumentTypeError(f"'{VOTE}' is the vote of the five nets, not one to train or "
                                         f"choose weights for; choose {TRAINABLE}")
    raise argparse.ArgumentTypeError(f"unknown network {text!r}; choose {TRAINABLE}")


def net_or_vote(text: str) -> str:
    """A net's name as :func:`net_name` gives it, or ``vote`` (for evaluate)."""
    from digitpad.nets.registry import SPECS, VOTE

    if text.lower() == VOTE:
        return VOTE
    if text.upper() in SPECS:
        return text.upper()
    raise argparse.ArgumentTypeError(f"unknown network {text!r}; choose {TRAINABLE} or {VOTE}")


def whole(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    return parse


def real(low: float, high: float = math.inf, *, above_low: bool = False,
         below_high: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number in ``[low, high]``, ends left out as asked."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        too_low = value <= low if above_low else value < low
        too_high = value >= high if below_high else value > high
        if not math.isfinite(value) or too_low or too_high:
            left, right = "(" if above_low else "[", ")" if below_high else "]"
            raise argparse.ArgumentTypeError(f"must be in {left}{low:g}, {high:g}{right}, not {text}")
        return value

    return parse


def accuracy_threshold(text: str) -> float:
    """``--min-accuracy``: a fraction (0-1) or a percentage (above 1, up to 100), as a
    fraction; 0.99 and 99 both mean 99%. Anything else is an argument error."""
    try:
        value = real(0.0, 100.0)(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"give a fraction (0-1, e.g. 0.99) or a percentage (up to 100, "
                                         f"e.g. 99), not {text!r}") from None
    return value / 100 if value > 1 else value


def activation(text: str) -> str:
    from digitpad.nets.functions import ACTIVATIONS

    if text not in ACTIVATIONS:
        raise argparse.ArgumentTypeError(f"unknown activation {text!r}; choose {', '.join(ACTIVATIONS)}")
    return text


def add_train_parser(commands: Any) -> None:
    """``digitpad train``; every default comes from :class:`TrainConfig`, the one set of
    training defaults the app's retrain dialog also starts from."""
    d = TrainConfig()
    train = commands.add_parser("train", help="train a network", formatter_class=DefaultsFormatter,
                                description="Train a network on MNIST or EMNIST digits.")
    train.add_argument("net", type=net_name, metavar="NET", help=TRAINABLE)
    train.add_argument("--data", choices=("mnist", "emnist"), default=d.data, help="training set")
    train.add_argument("--epochs", type=whole(1), default=d.epochs, metavar="N",
                       help="passes over the training set")
    train.add_argument("--batch-size", type=whole(1), default=d.batch_size, metavar="N",
                       help="images per step")
    train.add_argument("--learning-rate", type=real(0, 10, above_low=True), default=d.learning_rate,
                       metavar="LR", help="Adam's step size")
    train.add_argument("--l2", type=real(0), default=d.l2, metavar="LAMBDA", help="weight decay lambda")
    train.add_argument("--augment", choices=("none", "light", "strong"), default=d.augment,
                       help="random distortions of the training images")
    train.add_argument("--activation", type=activation, default=d.activation,
                       help="relu, leaky_relu, tanh or sigmoid")
    train.add_argument("--limit", type=whole(1), default=d.limit, metavar="N",
                       help="train on the first N training images only")
    train.add_argument("--test-limit", type=whole(1), default=d.test_limit, metavar="N",
                       help="test on the first N test images only")
    train.add_argument("--patience", type=whole(1), default=d.patience, metavar="N",
                       help="stop after N epochs without improvement")
    train.add_argument("--val-size", type=whole(0), default=d.val_size, metavar="N",
                       help="training images held out to pick the best epoch; 0 trains on all "
                            "of them and keeps the last epoch (once a recipe is chosen)")
    train.add_argument("--seed", type=whole(0), default=d.seed, metavar="N",
                       help="for the validation split, the initial weights and the augmentation")
    train.add_argument("--pen-digits", metavar="FILE.npz", default=d.pen_digits,
                       help="also train on pen-drawn digits (UNIPEN .npz) of the writers "
                            "'evaluate --drawn --held-out' does not use")
    train.add_argument("--pen-copies", type=whole(1), default=d.pen_copies, metavar="N",
                       help="with --pen-digits: each digit drawn this many times, at random sizes and places")
    train.add_argument("--folds", type=whole(2), default=d.pen_folds, metavar="K", dest="pen_folds",
                       help="with --exclude-fold: how many folds the pen-digit writers are split into")
    train.add_argument("--exclude-fold", type=whole(0), default=d.pen_exclude_fold, metavar="I",
                       dest="pen_exclude_fold",
                       help="with --pen-digits: leave out the writers of fold I (0..K-1), to be measured "
                            "on with 'evaluate --drawn FILE --folds K --fold I'")
    train.add_argument("--all-pen-writers", action="store_true", default=d.pen_all_writers,
                       dest="pen_all_writers",
                       help="with --pen-digits: the held-out writers too (for the final nets, once a recipe "
                            "is chosen on folds; 'evaluate --held-out' then measures writers it trained on)")
    train.add_argument("--stroke-augment", action="store_true", default=d.stroke_augment,
                       help="with --pen-digits: distort each copy's strokes before drawing it (jitter, "
                            "slant, coarse sampling, longer or shorter ends, pen width, joined strokes)")
    train.add_argument("--styles", type=whole(0), default=d.pen_styles, metavar="N", dest="pen_styles",
                       help="with --pen-digits: also draw each pen 0, 1 and 7 written in one stroke N "
                            "times in a style other dev writers use: a slashed 0, a flagged 1, a crossed 7")
    train.add_argument("--ema", type=real(0, 1, below_high=True), default=d.ema, metavar="DECAY",
                       help="use a moving average of the weights (e.g. 0.999); 0: off")
    train.add_argument("--teacher", type=net_name, default=d.teacher, metavar="NET",
                       help="distil from this trained net as well (e.g. K1)")
    train.add_argument("--teacher-weight", type=real(0, 1), default=d.teacher_weight, metavar="W",
                       help="with --teacher: share of each target taken from the teacher's answers")
    train.add_argument("--teacher-views", type=whole(0), default=d.teacher_views, metavar="V",
                       help="the teacher answers for V fixed augmented views, which the student trains "
                            "on in turn (cached in your folder; K1 takes ~1.5 min per view on one core)")
    train.add_argument("--teacher-runtime", choices=("numpy", "keras"), default=d.teacher_runtime,
                       help="run the teacher in Keras for --teacher-views (fast with a GPU)")
    train.add_argument("--my-drawings", type=whole(0), default=d.my_drawings, metavar="REPEAT",
                       help="also train on your saved drawings, each repeated REPEAT times per epoch")
    train.add_argument("--init", metavar="FILE.npz", default=d.init,
                       help="start from these weights of the same net (fine-tuning) instead of random "
                            "ones; for K1 the .weights.h5 written beside the .npz is read")
    train.add_argument("--out", type=Path, metavar="FILE",
                       help="weights file to write (default: a new one in your user folder)")
    train.add_argument("--use", action="store_true", help="make the new weights the ones the app uses")
    train.add_argument("--progress", choices=("bar", "jsonl", "none"), default="bar",
                       help="bar: for people on stderr (plain lines when not a terminal); "
                            "jsonl: events on stdout, for programs")
    train.add_argument("--min-accuracy", type=accuracy_threshold, metavar="A",
                       help="exit 1 if test accuracy is lower (0.99 or 99: 99%%)")
    train.set_defaults(handler=cmd_train, check=_check_train, command_parser=train)


def _check_train(args: argparse.Namespace) -> str | None:
    """What argparse cannot check by itself: options that only mean something with others."""
    if args.teacher_views and not args.teacher:
        return "--teacher-views needs --teacher NET (whose answers on the views to learn from)"
    pen_options = {"--exclude-fold": args.pen_exclude_fold is not None,
                   "--stroke-augment": args.stroke_augment, "--all-pen-writers": args.pen_all_writers,
                   "--styles": args.pen_styles > 0}
    for option, given in pen_options.items():
        if given and not args.pen_digits:
            return f"{option} needs --pen-digits FILE.npz (it acts on the pen-drawn digits)"
    if args.pen_all_writers and args.pen_exclude_fold is not None:
        return "--all-pen-writers trains on every writer; --exclude-fold leaves some out: give one of them"
    if args.pen_exclude_fold is not None and args.pen_exclude_fold >= args.pen_folds:
        return (f"--exclude-fold {args.pen_exclude_fold} is not one of the {args.pen_folds} folds "
                f"(0 to {args.pen_folds - 1})")
    return None


def add_evaluate_parser(commands: Any) -> None:
    """``digitpad evaluate``, which lives in :mod:`digitpad.cli_evaluate`."""
    from digitpad.cli_evaluate import add_parser

    add_parser(commands)


class CliCallbacks(Callbacks):
    """Progress for people on stderr (:class:`TextProgress`) or JSON lines on stdout;
    cancel on SIGINT/SIGTERM."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.stop = False
        self.text = TextProgress() if mode == "bar" else None
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
        if self.text:
            self.text.on_batch(progress)

    def on_epoch(self, result: EpochResult) -> None:
        self.emit("epoch", **asdict(result))
        if self.text:
            self.text.on_epoch(result)

    def on_message(self, text: str) -> None:
        self.emit("message", text=text)
        if self.text:
            self.text.on_message(text)


def default_out(net: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return dirs.user_weights_dir() / f"{net.upper()}-{stamp}.npz"


def cmd_train(args: argparse.Namespace) -> int:
    from digitpad.datasets import DatasetError
    from digitpad.nets import registry
    from digitpad.train import run

    callbacks = CliCallbacks(args.progress)
    config = TrainConfig(**{field.name: getattr(args, field.name) for field in fields(TrainConfig)})
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
        print(f"digitpad: {accuracy * 100:.2f}% is below --min-accuracy {args.min_accuracy * 100:.2f}%",
              file=sys.stderr)
        return 1
    return 0
