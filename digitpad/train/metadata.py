"""What a trained weights file says about how it was made; shared by both trainers."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from digitpad.nets import store
from digitpad.train import augment
from digitpad.train.config import TrainConfig
from digitpad.train.data import Splits
from digitpad.train.progress import TrainResult


def _fine_tuned_note(init: str | None) -> str:
    """What the starting weights had learned: their data count as trained on too, which
    matters for which writers are still unseen."""
    if init is None:
        return ""
    before = store.load(init)[1].get("trained_on", "data not recorded")  # the trainer loaded it already
    return f", fine-tuned from {Path(init).name} (trained on {before})"


TEST_SETS = {"mnist": "the MNIST test set", "emnist": "the EMNIST digits test set"}


def run_metadata(config: TrainConfig, splits: Splits, result: TrainResult) -> dict[str, Any]:
    return {**_run(config, splits, result), **_fold_history(result)}


def _fold_history(result: TrainResult) -> dict[str, Any]:
    """Per epoch, how the left-out writer fold was read (``--exclude-fold``), if one was."""
    rows = [[r.epoch, round(r.fold_accuracy, 5)] for r in result.history if r.fold_accuracy is not None]
    return {"writer_fold_history (epoch, accuracy)": rows} if rows else {}


def _run(config: TrainConfig, splits: Splits, result: TrainResult) -> dict[str, Any]:
    return {
        "trained_on": splits.description + _fine_tuned_note(config.init),
        "data": config.data,
        "test_accuracy": result.test_accuracy,
        "test_set": f"{TEST_SETS[config.data]} ({len(splits.y_test)} images)",
        "epochs": len(result.history),
        "best_epoch": result.best_epoch,
        "augmentation": config.augment,
        "augmentation_version": augment.VERSION,
        "train_seconds": round(result.seconds, 1),
        "config": config.to_dict(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        # the learning curves, for Network > How good is it? (digitpad.curves reads them)
        "history": [[r.epoch, round(r.train_accuracy, 5), round(r.val_accuracy, 5)] for r in result.history],
    }
