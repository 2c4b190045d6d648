"""What a training run is asked to do; shared by the numpy trainer, the Keras trainer,
the CLI and the app's retrain dialog.

The defaults here are the only training defaults: ``digitpad train`` takes (and its
``--help`` shows) them, and the retrain dialog starts from them, so a run from the app
and one from the command line with no options train alike. They follow the recipe of
the shipped nets (README, "Training the shipped weights") where it is cheap to: light
augmentation, 80% of a teacher's target.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class TrainConfig:
    net: str = "B1"  # B1..B4 or K1
    data: str = "mnist"  # "mnist" or "emnist"
    epochs: int = 30
    batch_size: int = 128
    learning_rate: float = 2e-3
    l2: float = 1e-5  # weight decay lambda (cost + lambda/2 * |w|^2)
    augment: str = "light"  # a preset of digitpad.train.augment.PRESETS (the shipped nets used light)
    activation: str = "relu"
    val_size: int = 5000  # held out from the training set, to pick the best epoch
    limit: int | None = None  # use only the first N training images (tests, quick runs)
    test_limit: int | None = None  # evaluate on only the first N test images
    seed: int = 0
    patience: int | None = None  # stop after this many epochs without a better val accuracy
    pen_digits: str | None = None  # a UNIPEN-style .npz: train also on its non-held-out writers
    pen_copies: int = 3  # each pen digit drawn this many times (random size and place)
    pen_folds: int = 5  # the pen-digit writers (not held out) split into this many folds (drawn.writer_folds)
    pen_exclude_fold: int | None = None  # leave out this fold's writers, to evaluate on them
    pen_all_writers: bool = False  # the held-out writers too: for the final nets, once a recipe is chosen
    stroke_augment: bool = False  # distort the pen digits' strokes before drawing (train.strokes)
    pen_styles: int = 0  # > 0: each plain pen 0, 1 and 7 also drawn this many times slashed, flagged, crossed
    ema: float = 0.0  # > 0: keep and use a moving average of the weights with this decay
    teacher: str | None = None  # a trained net (e.g. "K1") whose soft answers the student also learns
    teacher_weight: float = 0.8  # share of the target taken from the teacher (as the shipped nets)
    teacher_views: int = 0  # > 0: the teacher answers for this many fixed augmented views (see train.views)
    teacher_runtime: str = "numpy"  # "keras": the teacher's answers come from Keras (fast on a GPU)
    my_drawings: int = 0  # include the user's saved drawings, each repeated this many times per epoch
    init: str | None = None  # start from these weights (same net) instead of random ones: fine-tuning

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
