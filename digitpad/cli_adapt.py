"""``digitpad adapt``: fine-tune nets from their current weights to your drawings
(:mod:`digitpad.adapt` does the work)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from digitpad.cli_train import TRAINABLE, DefaultsFormatter, net_name, whole


def add_adapt_parser(commands: Any) -> None:
    """``digitpad adapt``: fine-tune nets from their current weights to your drawings."""
    from digitpad.adapt import AdaptConfig

    d = AdaptConfig()
    adapt = commands.add_parser(
        "adapt", help="teach the nets your handwriting (your saved drawings), in seconds",
        formatter_class=DefaultsFormatter,
        description="Fine-tune each net from its current weights on the drawings you taught it "
                    "(the app's drawings file), mixed with a replay of MNIST on which each net "
                    "learns from its own earlier answers, so it keeps reading everyone else's "
                    "digits. K1 adapts only its dense head, in numpy. The new weights go to "
                    "your user folder; --use makes them current ('digitpad use NET shipped' "
                    "goes back). Needs at least 2 drawings of every digit.")
    adapt.add_argument("nets", nargs="*", type=net_name, default=["B1", "B2", "B3", "B4", "K1"],
                       metavar="NET", help=f"{TRAINABLE} (default: all five)")
    adapt.add_argument("--use", action="store_true", help="make the adapted weights current")
    adapt.add_argument("--seed", type=whole(0), default=d.seed, metavar="N",
                       help="order of the batches and distortions; same seed and drawings, same weights")
    adapt.add_argument("--steps", type=whole(1), default=d.steps, metavar="N", help="Adam steps per net")
    adapt.set_defaults(handler=cmd_adapt, command_parser=adapt)


def cmd_adapt(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from digitpad.adapt import AdaptConfig, AdaptError, Outcome, adapt
    from digitpad.datasets import DatasetError
    from digitpad.nets import WeightsError

    def said(outcome: Outcome) -> None:
        print(outcome.summary())
        print(f"    saved {outcome.path}" + ("; now in use" if args.use else
                                               f"; 'digitpad use {outcome.net} {outcome.path}' uses it"))

    config = replace(AdaptConfig(), seed=args.seed, steps=args.steps)
    try:
        adapt(list(dict.fromkeys(args.nets)), config, use=args.use, on_outcome=said)
    except (AdaptError, DatasetError, WeightsError, OSError) as exc:
        print(f"digitpad: cannot adapt: {exc}", file=sys.stderr)
        return 2
    return 0
