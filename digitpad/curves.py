"""The learning curves a weights file keeps: accuracy per epoch on the training and the
validation images, as the trainer measured them (no Tk in here).

Weights trained since ``history`` was added to the metadata keep it there
(:func:`digitpad.train.metadata.run_metadata`). Keras-trained K1 also writes a JSON sidecar
beside its ``.npz`` (``K1.json``) with the same per-epoch figures, so the shipped K1 has
curves in a source checkout. The shipped B1-B4 were trained before, and their files keep
only the result: :func:`learning_curves` then says so, and nothing is made up.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.nets import Classifier

log = logging.getLogger(__name__)

META_KEY = "history"  # [[epoch, train accuracy, val accuracy], ...] in the metadata
SIDECAR_KEY = "history (epoch, train accuracy, val accuracy)"  # in K1's .json beside the .npz


@dataclass(frozen=True)
class Curves:
    """``epochs`` int (E,), ``train`` and ``val`` float (E,) accuracies in [0, 1];
    ``best_epoch``: the epoch whose weights were kept (0: not said); ``source``: where from."""

    net: str
    epochs: np.ndarray
    train: np.ndarray
    val: np.ndarray
    best_epoch: int
    source: str


def _from_rows(net: str, rows: object, best: int, source: str) -> Curves | None:
    try:
        table = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] < 3:
        return None
    return Curves(net, table[:, 0].astype(np.int64), table[:, 1], table[:, 2], best, source)


def _sidecar(net: Classifier) -> object:
    """K1's ``<stem>.json`` beside its weights file, if there is one that reads."""
    path = net.meta.get("path")
    if not path:
        return None
    sidecar = Path(str(path)).with_suffix(".json")
    try:
        return json.loads(sidecar.read_text(encoding="utf-8")).get(SIDECAR_KEY)
    except (OSError, ValueError, AttributeError):
        return None


def learning_curves(net: Classifier) -> Curves | None:
    """``net``'s per-epoch accuracies from its metadata or its sidecar; None when its
    weights file kept none."""
    best = int(net.meta.get("best_epoch") or 0)
    where = "the training it was adapted from" if net.meta.get("adapted") else "its weights file"
    found = _from_rows(net.name, net.meta.get(META_KEY), best, where)
    if found is None:
        found = _from_rows(net.name, _sidecar(net), best, "the training record beside its weights")
    return found


def no_curves_text(net: Classifier) -> str:
    """Why there is no curve for ``net``, with what its file does say."""
    meta = net.meta
    said = []
    if meta.get("best_epoch") and meta.get("epochs"):
        said.append(f"kept epoch {meta['best_epoch']} of {meta['epochs']}")
    if isinstance(meta.get("test_accuracy"), (int, float)):
        said.append(f"{float(meta['test_accuracy']) * 100:.2f}% on {meta.get('test_set', 'its test set')}")
    tail = f"; it says only: {', '.join(said)}" if said else ""
    return f"{net.name}'s weights file kept no learning curves{tail}."
