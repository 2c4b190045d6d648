"""What a student MLP learns from a trained teacher net (knowledge distillation).

Two ways, chosen by ``TrainConfig.teacher_views``:

* 0: the teacher reads each un-augmented training image once (:func:`static_targets`);
* V > 0: the teacher reads each image of V augmented views (:mod:`digitpad.train.views`),
  and the student trains on those same views (:func:`views_for`).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from digitpad.train import views
from digitpad.train.augment import PRESETS
from digitpad.train.config import TrainConfig
from digitpad.train.data import Splits, one_hot
from digitpad.train.progress import Callbacks, Cancelled

log = logging.getLogger(__name__)
TEMPERATURE = 2.0  # softens the teacher's answers so its second choices show
RUNTIMES = ("numpy", "keras")
ANSWER_SLICE = 4096  # images per call to the teacher (~5 s for K1 in numpy on one core)


def static_targets(splits: Splits, config: TrainConfig, callbacks: Callbacks) -> np.ndarray:
    """(N, 10) targets: the one-hot labels, mixed with a teacher's softened answers when
    ``config.teacher`` is set (Hinton et al. 2015: the teacher's "a 7 that looks a bit
    like a 1" carries more than the label alone). The teacher reads the un-augmented
    images once."""
    targets = one_hot(splits.y_train)
    if not config.teacher:
        return targets
    from digitpad.nets import load_network

    teacher = load_network(config.teacher)
    callbacks.on_message(f"computing {teacher.name}'s answers for {len(targets)} training images")
    answers = in_slices(teacher.predict_proba, callbacks)(splits.x_train)
    return views.mix(answers, splits.y_train, config.teacher_weight, TEMPERATURE)


def in_slices(runtime: views.Predict, callbacks: Callbacks) -> views.Predict:
    """``runtime`` asked ANSWER_SLICE images at a time, so that cancelling takes seconds
    rather than the minutes a whole training set takes."""
    def predict(x: np.ndarray) -> np.ndarray:
        parts = []
        for i in range(0, len(x), ANSWER_SLICE):
            if callbacks.cancelled():
                raise Cancelled
            parts.append(runtime(x[i:i + ANSWER_SLICE]))
        return np.concatenate(parts)

    return predict


def views_for(config: TrainConfig, splits: Splits, callbacks: Callbacks) -> views.TeacherViews:
    """The teacher's answers on ``config.teacher_views`` augmented views of the training
    images: read from the cache, else computed (and cached)."""
    from digitpad.nets import load_network

    if not config.teacher:
        raise ValueError("--teacher-views needs --teacher")
    if config.teacher_runtime not in RUNTIMES:
        raise ValueError(f"unknown teacher runtime {config.teacher_runtime!r}; "
                         f"choose {' or '.join(RUNTIMES)}")
    teacher = load_network(config.teacher)
    weights = Path(str(teacher.meta.get("path", "")))
    key = views.cache_key(weights, splits.x_train, splits.y_train, splits.description, config.augment,
                          config.seed, config.teacher_views)
    path = views.cache_path(key)
    if path.exists():
        callbacks.on_message(f"using {teacher.name}'s cached answers on {config.teacher_views} views: {path}")
        return views.load(path, config.teacher_views, len(splits.y_train))
    runtime = teacher.predict_proba if config.teacher_runtime == "numpy" else _keras_predict(weights)
    predict = in_slices(runtime, callbacks)
    callbacks.on_message(f"computing {teacher.name}'s answers on {config.teacher_views} augmented views of "
                         f"{len(splits.y_train)} training images ({config.teacher_runtime})")
    start = time.perf_counter()

    def on_view(v: int) -> None:
        callbacks.on_message(f"teacher: view {v + 1}/{config.teacher_views} "
                             f"after {time.perf_counter() - start:.0f}s")

    table = views.compute(predict, splits.x_train, config.seed, config.teacher_views,
                          PRESETS[config.augment], on_view)
    views.save(path, table)
    log.info("saved teacher answers %s", path)
    return table


def _keras_predict(weights: Path) -> views.Predict:
    """K1's answers from Keras (fast on a GPU), read from the ``.weights.h5`` that was
    exported along with the numpy weights file ``weights``."""
    from digitpad.nets import cnn

    h5 = cnn.keras_weights_path(weights)
    if not h5.exists():
        raise ValueError(f"--teacher-runtime keras needs {h5}, the Keras weights of the teacher")
    model = cnn.keras_from_weights(h5)

    def predict(x: np.ndarray) -> np.ndarray:
        return np.asarray(model.predict(x.reshape(-1, 28, 28, 1), batch_size=2048, verbose=0))

    return predict
