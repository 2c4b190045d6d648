"""What a trained weights file says about how it was made; shared by both trainers."""

from __future__ import annotations

import datetime
from typing import Any

from digitpad.train import augment
from digitpad.train.config import TrainConfig
from digitpad.train.data import Splits
from digitpad.train.progress import TrainResult

TEST_SETS = {"mnist": "the MNIST test set", "emnist": "the EMNIST digits test set"}


def run_metadata(config: TrainConfig, splits: Splits, result: TrainResult) -> dict[str, Any]:
    return {
        "trained_on": splits.description,
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
