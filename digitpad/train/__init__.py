"""Training, shared by the CLI and the app: ``run(config, callbacks, out)``.

Both trainers (numpy for B1-B4, Keras for K1) take a :class:`TrainConfig`, report through
:class:`Callbacks`, and write the weights to ``out`` atomically only when the run ends
normally; a cancelled or crashed run leaves every existing file as it was.
"""

from __future__ import annotations

from pathlib import Path

from digitpad.nets.registry import spec
from digitpad.train.config import TrainConfig
from digitpad.train.progress import BatchProgress, Callbacks, Cancelled, EpochResult, TrainResult

__all__ = ["BatchProgress", "Callbacks", "Cancelled", "EpochResult", "TrainConfig", "TrainResult", "run"]


def run(config: TrainConfig, callbacks: Callbacks | None = None, out: Path | None = None) -> TrainResult:
    """Train ``config.net``; save to ``out`` (if given) unless cancelled."""
    if spec(config.net).kind == "cnn":
        from digitpad.train.keras_trainer import train_k1 as trainer
    else:
        from digitpad.train.mlp_trainer import train_mlp as trainer
    return trainer(config, callbacks or Callbacks(), out)
