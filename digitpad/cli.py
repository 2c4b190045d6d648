"""The ``digitpad`` command: the app by default, and subcommands for everything else.

    digitpad                       open the app
    digitpad predict IMAGE...      read digits from image files
    digitpad info                  networks, weights, folders
    digitpad data download NAME    fetch MNIST or EMNIST digits
    digitpad train NET             train a network
    digitpad evaluate [NET...]     test accuracy per net and per digit
    digitpad adapt [NET...]        teach the nets your handwriting (your saved drawings)
    digitpad use NET FILE|shipped  choose a net's weights, or go back to the shipped ones
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Sequence

from digitpad import __version__, dirs

log = logging.getLogger(__name__)


USAGE = "%(prog)s [-h] [-v] [--version] [COMMAND [ARGS ...]]"
DESCRIPTION = "Draw a digit; neural networks read it. Without a command, digitpad opens the app."
EPILOG = """\
plain 'digitpad' (no command) opens the drawing app; it needs a desktop session.
'digitpad COMMAND --help' describes a command and its defaults."""


def build_parser() -> argparse.ArgumentParser:
    from digitpad.cli_adapt import add_adapt_parser
    from digitpad.cli_train import add_evaluate_parser, add_train_parser, net_name

    parser = argparse.ArgumentParser(prog="digitpad", usage=USAGE, description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="digitpad")  # not USAGE

    predict = commands.add_parser("predict", help="read the digit in image files")
    predict.add_argument("images", nargs="+", metavar="IMAGE")
    predict.add_argument("--net", default="vote", help="B1, B2, B3, B4, K1 or vote (default)")
    predict.add_argument("--json", action="store_true", help="print all ten probabilities as JSON")
    predict.set_defaults(handler=cmd_predict)

    info = commands.add_parser("info", help="networks, weights files and folders")
    info.set_defaults(handler=cmd_info)

    data = commands.add_parser("data", help="datasets")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    download = data_commands.add_parser("download", help="download MNIST or EMNIST digits")
    download.add_argument("dataset", choices=("mnist", "emnist"))
    download.add_argument("--folder", help="where to put the files (default: DIGITPAD_DATA, else "
                                           f"the user cache folder, now {dirs.download_dir()})")
    download.set_defaults(handler=cmd_download)

    add_train_parser(commands)
    add_evaluate_parser(commands)
    add_adapt_parser(commands)

    use = commands.add_parser(
        "use", help="choose the weights a net uses, or go back to the shipped ones",
        description="Make FILE the weights of NET from now on, in the app and the CLI (it is "
                    "checked, and copied into your user folder); 'shipped' goes back to the "
                    "weights that came with digitpad.")
    use.add_argument("net", type=net_name, metavar="NET", help="B1, B2, B3, B4 or K1")
    use.add_argument("weights", metavar="FILE|shipped", help="a weights .npz file, or 'shipped'")
    use.set_defaults(handler=cmd_use)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    check = getattr(args, "check", None)  # what argparse cannot see: options that need others
    problem = check(args) if check else None
    if problem:
        args.command_parser.error(problem)  # exits 2 with the command's usage, as argparse does
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.command is None:
        return open_app(args.verbose)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `digitpad evaluate | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def open_app(verbose: bool) -> int:
    import tkinter

    from digitpad.gui import run_app

    try:
        return run_app(verbose=verbose)
    except tkinter.TclError as exc:
        if "display" not in str(exc):
            raise
        return fail(f"cannot open the window ({exc}); digitpad needs a desktop session. "
                    "Without one, 'digitpad predict IMAGE' reads digits from files.")


def fail(message: str, code: int = 2) -> int:
    print(f"digitpad: {message}", file=sys.stderr)
    return code


def cmd_predict(args: argparse.Namespace) -> int:
    from digitpad import images, preprocess
    from digitpad.nets import WeightsError
    from digitpad.reading import default_reader

    try:
        reader = default_reader()
        name = reader.resolve(args.net)
    except (WeightsError, ValueError) as exc:
        return fail(str(exc))
    failures, results = 0, []
    for path in args.images:
        try:
            reading = reader.read(images.read_digit(path), name)[0]
        except images.ImageFileError as exc:  # its message names the file
            failures += 1
            results.append(_failed(path, str(exc)))
        except preprocess.EmptyDrawing as exc:
            failures += 1
            results.append(_failed(path, f"{path}: {exc}"))
        else:
            results.append({"path": path, **reading.as_dict()})
            if not args.json:
                print(f"{path}: {reading.text}")
    if args.json:
        print(json.dumps(results, indent=1))
    return 1 if failures else weights_fallback_status(reader.fallbacks)


def _failed(path: str, message: str) -> dict[str, str]:
    print(f"digitpad: {message}", file=sys.stderr)
    return {"path": path, "error": message}


def weights_fallback_status(fallbacks: list[str]) -> int:
    """0, or 3 after saying why, when a chosen weights file was unusable and the shipped
    one stood in: the answers printed are real, but not from the weights the user chose."""
    for message in fallbacks:
        print(f"digitpad: warning: {message}", file=sys.stderr)
    return 3 if fallbacks else 0


def cmd_info(args: argparse.Namespace) -> int:
    from digitpad import datasets
    from digitpad.nets import SPECS, WeightsError, registry

    print(f"digitpad {__version__}")
    for name in SPECS:
        try:
            net = registry.load(name)
            source = "shipped" if registry.is_shipped(net) else (
                "yours, adapted" if net.meta.get("adapted") else "yours")
            print(f"  {net.describe()}\n      weights ({source}): {net.meta.get('path')}")
            if net.meta.get("fallback"):
                print(f"      warning: {net.meta['fallback']}")
        except WeightsError as exc:
            print(f"  {name}: not available ({exc})")
    print(f"not a digit:   {_detector_line()}")
    print(f"data folder:   {dirs.data_dir()}")
    for name in datasets.DATASETS:
        ok, reason = datasets.available(name)
        print(f"  {name}: {'found' if ok else reason}")
    print(f"user folder:   {dirs.user_dir()}")
    print(f"shipped weights: {dirs.shipped_weights_dir()}")
    has_tf = importlib.util.find_spec("tensorflow") is not None
    print(f"tensorflow:    {'installed' if has_tf else 'not installed (needed only to train K1)'}")
    return 0


def _detector_line() -> str:
    """Whether the not-a-digit check runs, on what it was trained, and with which threshold."""
    from digitpad import notdigit
    from digitpad.reading import default_reader

    reader = default_reader()
    detector = reader.detector
    if detector is None:
        return reader.detector_off
    return (f"on ({detector.net.architecture} on K1's features, not a digit from "
            f"{detector.threshold:.2f}, in doubt from {notdigit.DOUBT:.2f} (then sure only from "
            f"{notdigit.DOUBT_PROBABILITY:.0%}); trained on {detector.net.meta.get('trained_on', '?')})")


def cmd_download(args: argparse.Namespace) -> int:
    from pathlib import Path

    from digitpad.datasets import DatasetError
    from digitpad.datasets.download import cli_progress, download

    folder = Path(args.folder) if args.folder else dirs.download_dir()
    try:
        paths = download(args.dataset, folder, progress=cli_progress(args.dataset))
    except DatasetError as exc:
        return fail(str(exc))
    for path in paths:
        print(path)
    return 0


SHIPPED = "shipped"


def cmd_use(args: argparse.Namespace) -> int:
    """``digitpad use NET FILE|shipped``: the CLI's way to what the app's retrain dialog
    offers, and the one way back to the shipped weights without editing settings.json."""
    from pathlib import Path

    from digitpad.nets import WeightsError, registry

    if args.weights.lower() == SHIPPED:
        registry.choose(args.net, None)
        print(f"{args.net}: using the shipped weights, {registry.shipped_path(args.net)}")
        return 0
    path = Path(args.weights)
    if not path.is_file():
        return fail(f"{path}: no such file (give a weights .npz file, or '{SHIPPED}')")
    try:
        registry.choose(args.net, path)
    except (WeightsError, OSError) as exc:
        return fail(f"{args.net} keeps its weights: {exc}")
    kept = registry.chosen_path(args.net)
    copied = f" (copied from {path})" if kept is not None and kept != path.resolve() else ""
    print(f"{args.net}: using {kept}{copied}; 'digitpad use {args.net} {SHIPPED}' goes back")
    return 0
