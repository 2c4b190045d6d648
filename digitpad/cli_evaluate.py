"""``digitpad evaluate``: accuracy per net and per digit, and on pen-drawn digits per writer.

Writers are chosen the way training chooses them (:mod:`digitpad.drawn`): ``--held-out``
takes the writers no ``--pen-digits`` training sees; ``--folds K --fold I`` takes fold I of
the other writers, the ones ``train --pen-digits ... --folds K --exclude-fold I`` leaves
out, so a recipe is measured on writers it never trained on. Given both, the set is the
union: every writer such a net never saw.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.cli_train import DefaultsFormatter, accuracy_threshold, net_or_vote, whole
from digitpad.evaluate import MIN_DIGITS, Report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvaluationSet:
    """Images float32 (N, 28, 28), labels int64 (N,), a title, and for pen-drawn digits
    each digit's writer id (N,), else None."""

    x: np.ndarray
    y: np.ndarray
    title: str
    writers: np.ndarray | None = None


def add_parser(commands: Any) -> None:
    evaluate = commands.add_parser("evaluate", help="test accuracy of networks",
                                   formatter_class=DefaultsFormatter)
    evaluate.add_argument("nets", nargs="*", type=net_or_vote, default=["B1", "B2", "B3", "B4", "K1", "vote"],
                          metavar="NET", help="B1..B4, K1, vote (default: all six)")
    evaluate.add_argument("--data", choices=("mnist", "emnist"), default="mnist", help="test set")
    evaluate.add_argument("--drawn", type=Path, metavar="FILE.npz",
                          help="evaluate on pen-drawn digits (UNIPEN strokes) drawn as in the app")
    evaluate.add_argument("--seed", type=whole(0), default=0, metavar="N",
                          help="placement of the drawn digits")
    evaluate.add_argument("--held-out", action="store_true",
                          help="with --drawn: only the writers that training with --pen-digits never sees")
    evaluate.add_argument("--fold", type=whole(0), metavar="I",
                          help="with --drawn: only the writers of fold I (0..K-1) of the writers that are "
                               "not held out, those 'train --exclude-fold I' leaves out; with --held-out, "
                               "those and the held-out writers")
    evaluate.add_argument("--folds", type=whole(2), metavar="K",
                          help="with --fold: how many writer folds (default: 5, as train's --folds)")
    evaluate.add_argument("--by-writer", action="store_true",
                          help="with --drawn: also accuracy per writer (median, worst, how many below 95%%)")
    evaluate.add_argument("--min-digits", type=whole(1), default=MIN_DIGITS, metavar="N",
                          help="with --by-writer: median, worst and below-95%% count only writers "
                               "with at least N digits")
    evaluate.add_argument("--confusion", action="store_true", help="print confusion matrices")
    evaluate.add_argument("--json", action="store_true",
                          help="print one JSON object instead: per net accuracy, per digit, confusion "
                               "matrix and, with --by-writer, each writer's figure")
    evaluate.add_argument("--min-accuracy", type=accuracy_threshold, metavar="A",
                          help="exit 1 if a net named is below it (0.99 or 99: 99%%)")
    evaluate.set_defaults(handler=cmd_evaluate, check=check, command_parser=evaluate)


def check(args: argparse.Namespace) -> str | None:
    """What argparse cannot check by itself: options that only mean something with others."""
    from digitpad import drawn

    for option, given in (("--held-out", args.held_out), ("--fold", args.fold is not None),
                          ("--by-writer", args.by_writer)):
        if given and not args.drawn:
            return f"{option} needs --drawn FILE.npz (it picks writers of the pen-drawn digits)"
    if args.folds is not None and args.fold is None:
        return "--folds needs --fold I (which of the K folds of writers to evaluate on)"
    folds = args.folds or drawn.FOLDS
    if args.fold is not None and args.fold >= folds:
        return f"--fold {args.fold} is not one of the {folds} folds (0 to {folds - 1})"
    return None


def cmd_evaluate(args: argparse.Namespace) -> int:
    from digitpad.datasets import DatasetError
    from digitpad.evaluate import evaluate
    from digitpad.nets import VOTE, WeightsError, registry

    try:
        chosen = evaluation_set(args)
        listed = [n.upper() for n in args.nets if n.lower() != VOTE] or list(registry.SPECS)
        wants_vote = VOTE in [n.lower() for n in args.nets]
        # "vote" is always the vote of every net, as load_network("vote") is, whichever are listed
        nets = {n: registry.load(n) for n in (list(registry.SPECS) if wants_vote else listed)}
    except (DatasetError, WeightsError, ValueError) as exc:
        print(f"digitpad: {exc}", file=sys.stderr)
        return 2
    reports = {name: report for name, report in evaluate(nets, chosen.x, chosen.y).items()
               if name in listed or (wants_vote and name == VOTE)}
    _print_results(args, chosen, reports)
    if args.min_accuracy is not None:
        short = [n for n in _named(args.nets) if n in reports and reports[n].accuracy < args.min_accuracy]
        if short:
            print(f"digitpad: below {args.min_accuracy * 100:.2f}%: {', '.join(short)}", file=sys.stderr)
            return 1
    from digitpad.cli import weights_fallback_status

    return weights_fallback_status([str(n.meta["fallback"]) for n in nets.values() if n.meta.get("fallback")])


def _print_results(args: argparse.Namespace, chosen: EvaluationSet, reports: dict[str, Report]) -> None:
    """The tables for people, or with ``--json`` one JSON object for programs."""
    from digitpad.evaluate import by_writer, format_confusion, format_table, format_writers, to_json

    summaries = ([by_writer(report, chosen.writers, args.min_digits) for report in reports.values()]
                 if args.by_writer and chosen.writers is not None else [])
    if args.json:
        print(json.dumps(to_json(reports, chosen.title, summaries), indent=1))
        return
    print(format_table(reports, chosen.title))
    for name, report in reports.items():
        if args.confusion:
            print("\n" + format_confusion(report))
        elif args.drawn:
            worst = ", ".join(f"{t}->{p} x{n}" for t, p, n in report.worst_confusions())
            print(f"worst confusions of {name}: {worst or 'none'}")
    if summaries:
        print("\n" + format_writers(summaries))


def _named(nets: list[str]) -> list[str]:
    """The rows the gate looks at: the nets named, as the table spells them. ``evaluate
    vote`` also shows the five members, but only the vote was asked for."""
    from digitpad.nets import VOTE

    return [VOTE if n.lower() == VOTE else n.upper() for n in nets]


def chosen_writers(writers: np.ndarray, held_out: bool, fold: int | None,
                   folds: int) -> tuple[np.ndarray, str]:
    """(N,) bool: the digits whose writers ``--held-out`` and ``--fold`` pick (every one when
    neither is given), and a few words saying which writers those are."""
    from digitpad import drawn

    held = drawn.held_out_writers(writers)
    if fold is None:
        return (held, "held-out ") if held_out else (np.ones(len(writers), bool), "")
    in_fold = drawn.in_fold(writers, fold, folds)
    if held_out:
        return held | in_fold, f"held-out and fold {fold} of {folds} "
    return in_fold, f"fold {fold} of {folds} "


def evaluation_set(args: argparse.Namespace) -> EvaluationSet:
    """The digits to read: a test set, or pen-drawn digits of the writers asked for."""
    if args.drawn:
        from digitpad import drawn

        pen = drawn.load(args.drawn)
        mask, which = chosen_writers(pen.writers, args.held_out, args.fold, args.folds or drawn.FOLDS)
        if not mask.any():
            raise ValueError(f"{args.drawn.name}: no digits by {which}writers")
        x = drawn.render(pen, pen.subset(mask), seed=args.seed)
        writers = pen.writers[mask].astype(str)
        title = (f"accuracy on {mask.sum()} pen-drawn digits by {len(set(writers.tolist()))} {which}writers "
                 f"({args.drawn.name}, drawn as in the app)")
        return EvaluationSet(x, pen.labels[mask].astype(np.int64), title, writers)
    from digitpad import datasets
    from digitpad.train.data import to_float

    data = datasets.load(args.data)
    title = f"accuracy on the {args.data.upper()} test set ({len(data.test_labels)} images)"
    return EvaluationSet(to_float(data.test_images), data.test_labels.astype(np.int64), title)
