"""The networks digitpad knows, and which weights file each one uses.

Shipped weights live in :func:`digitpad.dirs.shipped_weights_dir` and are never written
at run time. A user's retrained weights live in :func:`digitpad.dirs.user_weights_dir`;
the settings file says which of them the user chose, per net. If the chosen file is
damaged, the shipped one is used and the net carries the reason in ``meta["fallback"]``,
so whoever shows its answers can say that they are not from the weights the user chose.
"""

from __future__ import annotations

import datetime
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from digitpad import dirs, settings
from digitpad.atomic import atomic_write_bytes
from digitpad.nets import store
from digitpad.nets.base import Classifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetSpec:
    name: str
    kind: str  # "mlp" (numpy, from scratch) or "cnn" (Keras-trained, numpy inference)
    hidden: tuple[int, ...]
    colour: str  # button colour: blue for the MNIST nets, green for the EMNIST ones
    intended_data: str  # what the original app trained it on

    @property
    def sizes(self) -> list[int]:
        return [784, *self.hidden, 10]

    @property
    def filename(self) -> str:
        return f"{self.name}.npz"


SPECS: dict[str, NetSpec] = {
    "B1": NetSpec("B1", "mlp", (100, 10), "#2563eb", "mnist"),
    "B2": NetSpec("B2", "mlp", (150, 200, 100), "#2563eb", "mnist"),
    "B3": NetSpec("B3", "mlp", (250,), "#16a34a", "emnist"),
    "B4": NetSpec("B4", "mlp", (300, 250, 200), "#16a34a", "emnist"),
    "K1": NetSpec("K1", "cnn", (), "#9333ea", "emnist"),
}
VOTE = "vote"
NAMES = (*SPECS, VOTE)


def spec(name: str) -> NetSpec:
    try:
        return SPECS[name.upper()]
    except KeyError:
        raise ValueError(f"unknown network {name!r}; choose one of {', '.join(NAMES)}") from None


def shipped_path(name: str) -> Path:
    return dirs.shipped_weights_dir() / spec(name).filename


def chosen_path(name: str) -> Path | None:
    """The user's chosen weights file for ``name``, if they chose one."""
    choice = settings.read().get("weights", {}).get(spec(name).name)
    return Path(choice) if isinstance(choice, str) else None


def choose(name: str, path: str | os.PathLike[str] | None) -> None:
    """Make ``path`` the weights of ``name`` from now on (None: back to the shipped ones).

    The file is loaded first, so a bad file is refused here rather than at next start.
    A file from outside the user's weights folder is copied in (atomically), so moving or
    deleting the original later does not take the user's choice away."""
    chosen = settings.read().get("weights", {})
    if path is None:
        chosen.pop(spec(name).name, None)
    else:
        load_file(name, path)
        chosen[spec(name).name] = os.fspath(_keep_copy(name, Path(path)).resolve())
    settings.update(weights=chosen)


def _keep_copy(name: str, path: Path) -> Path:
    folder = dirs.user_weights_dir()
    if path.resolve().parent == folder.resolve():
        return path
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = folder / f"{spec(name).name}-imported-{stamp}{path.suffix}"
    atomic_write_bytes(copy, path.read_bytes())
    log.info("copied %s to %s", path, copy)
    return copy


def load_file(name: str, path: str | os.PathLike[str]) -> Classifier:
    """Load ``path`` as the weights of net ``name``, checking they fit its architecture."""
    net_spec = spec(name)
    if net_spec.kind == "cnn":
        from digitpad.nets import cnn  # numpy only; TensorFlow is never imported here

        net: Classifier = cnn.load(path)
    else:
        from digitpad.nets import mlp

        net = mlp.load(path, expected_sizes=net_spec.sizes)
    net.name = net_spec.name
    net.meta["path"] = os.fspath(path)
    if net.meta.get("data", "mnist") != net_spec.intended_data:
        wanted = {"mnist": "MNIST", "emnist": "EMNIST digits"}[net_spec.intended_data]
        net.meta["note"] = f"the original app trained {net_spec.name} on {wanted}"
    return net


def load(name: str) -> Classifier:
    """The user's chosen weights for ``name`` if any and loadable, else the shipped ones
    (then ``meta["fallback"]`` says why the chosen ones were not used)."""
    chosen = chosen_path(name)
    if chosen is None:
        return load_file(name, shipped_path(name))
    try:
        return load_file(name, chosen)
    except store.WeightsError as exc:
        message = f"{spec(name).name}: your weights could not be loaded ({exc}); using the shipped ones"
        log.warning(message)
    net = load_file(name, shipped_path(name))
    net.meta["fallback"] = message
    return net


def is_shipped(net: Classifier) -> bool:
    """Whether ``net`` was loaded from the shipped weights file of its name."""
    return net.meta.get("path") == os.fspath(shipped_path(net.name))
