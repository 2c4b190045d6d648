"""Adapted weights as files, for :mod:`digitpad.adapt`: where they go, what their
metadata says, and the weights they were adapted from.

Adapted weights go to the user weights folder (never the shipped one) as
``NET-adapted-DATE.npz``; their metadata says ``adapted`` and links to the weights they
were adapted from (``adapted_from``), so adapting again starts afresh from those (see
:func:`base_net`) and ``digitpad info``, the status bar and the per-net row can say so.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from digitpad import dirs
from digitpad.nets import registry, store
from digitpad.nets.base import Classifier
from digitpad.nets.cnn import ConvNet
from digitpad.nets.mlp import MLP

log = logging.getLogger(__name__)

MAX_CHAIN = 50  # adapted_from links followed at most, back to weights that are not adapted
DROPPED_META = ("path", "fallback", "note")  # said of the file loaded, not of the new weights


def is_adapted(meta: Mapping[str, Any]) -> bool:
    """Do these weights' metadata say they were adapted to the user's drawings?"""
    return bool(meta.get("adapted"))


def base_net(net: Classifier) -> Classifier | None:
    """For weights that are already adapted, the first weights up their ``adapted_from``
    chain that are not; None for weights not adapted, or when a file on the way cannot be
    loaded (then the adapted weights are adapted further, and the log says so)."""
    found: Classifier | None = None
    current = net
    for _ in range(MAX_CHAIN):
        source = current.meta.get("adapted_from") if is_adapted(current.meta) else None
        if not isinstance(source, str):
            return found
        try:
            current = found = registry.load_file(net.name, source)
        except (store.WeightsError, OSError) as exc:
            log.warning("%s: the weights it was adapted from cannot be loaded (%s); adapting its "
                        "current weights further", net.name, exc)
            return None
    return found


def base_trained_on(meta: Mapping[str, Any]) -> str:
    """What the net was trained on before any adaptation (one "adapted to ..." at most)."""
    text = str(meta.get("trained_on", "?"))
    return text.split("; adapted to ")[0] if is_adapted(meta) else text


def adapted_metadata(source: Classifier, drawn: int, test_size: int, steps: int, seed: int,
                     mnist_after: float) -> dict[str, Any]:
    """The new weights' metadata: ``source``'s, less what describes its file, plus what
    adapting did (``drawn`` drawings learned from, ``mnist_after`` on ``test_size`` images)."""
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    kept = {key: value for key, value in source.meta.items() if key not in DROPPED_META}
    return kept | {
        "trained_on": f"{base_trained_on(source.meta)}; adapted to {drawn} of your drawings ({date[:10]})",
        "adapted": True,
        "adapted_from": source.meta.get("path"),
        "adapted_drawings": drawn,
        "adapted_date": date,
        "adapted_steps": steps,
        "adapted_seed": seed,
        "adapted_layers": "dense head" if isinstance(source, ConvNet) else "all",
        "test_accuracy": mnist_after,
        "test_set": f"{test_size} images of the MNIST test set",
        "date": date,
    }


def write(net: Classifier, path: Path) -> None:
    """Save an adapted net (atomically, :func:`digitpad.nets.store.save`)."""
    from digitpad.adapt_drawings import AdaptError

    if not isinstance(net, (MLP, ConvNet)):
        raise AdaptError(f"{net.name}: cannot save a {type(net).__name__}")
    net.save(path)
    net.meta["path"] = os.fspath(path)


def new_weights_path(name: str) -> Path:
    """A file name in the user weights folder not yet taken: ``B1-adapted-20261202-001500.npz``."""
    folder = dirs.user_weights_dir()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{name}-adapted-{stamp}.npz", 1
    while path.exists():
        n += 1
        path = folder / f"{name}-adapted-{stamp}-{n}.npz"
    return path
