"""A stand-in for ``digitpad train`` speaking the same JSON-lines protocol, so the
retrain dialog's tests control timing, failures and cancellation exactly.

``python fake_trainer.py NET --epochs N --out PATH [--batches B] [--delay S] [--fail TEXT]
[--hold FILE]``: ``--hold`` waits after the first batch until FILE exists (or it is
cancelled; at most a minute), so a test knows the run is going on while it acts.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from digitpad.nets import SPECS
from digitpad.nets.mlp import MLP

stop = False


def _stop(_signum: int, _frame: FrameType | None) -> None:
    global stop
    stop = True


def say(**event: object) -> None:
    print(json.dumps(event), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("net")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.01)
    parser.add_argument("--fail", default="")
    parser.add_argument("--hold", type=Path)
    args, _unknown = parser.parse_known_args()
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    start = time.monotonic()
    say(event="message", text="loading the stand-in data")
    for epoch in range(1, args.epochs + 1):
        for batch in range(1, args.batches + 1):
            if stop:
                say(event="message", text="stopping")
                say(event="cancelled")
                return 130
            time.sleep(args.delay)
            fraction = ((epoch - 1) * args.batches + batch) / (args.epochs * args.batches)
            say(event="batch", epoch=epoch, epochs=args.epochs, batch=batch, batches=args.batches,
                loss=1.0 / batch, accuracy=0.5, seconds=time.monotonic() - start, fraction=fraction)
            if args.hold and epoch == batch == 1:
                held_since = time.monotonic()
                while not (stop or args.hold.exists() or time.monotonic() - held_since > 60):
                    time.sleep(0.01)
        if args.fail:
            say(event="error", message=args.fail)
            return 2
        say(event="epoch", epoch=epoch, epochs=args.epochs, train_loss=0.5, train_accuracy=0.8,
            val_loss=0.6, val_accuracy=0.75 + epoch / 100, seconds=time.monotonic() - start)
    MLP(SPECS[args.net].sizes, name=args.net, seed=99).save(
        args.out, trained_on="stand-in", test_accuracy=0.4321)
    say(event="done", out=args.out, test_accuracy=0.4321, seconds=time.monotonic() - start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
