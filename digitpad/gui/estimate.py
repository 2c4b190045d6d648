"""Before a retraining starts: what the chosen net needs, and about how long it will take.

The times are measured, not modelled: ``digitpad train NET --augment light`` (the
dialog's defaults) on the project's 2-core CPU machine while other work shared it, so
they are rough, and said to be estimates. Per epoch of the 55,000 MNIST training images:

=====  =========================================================================
B1-B4  1.6 / 1.8 / 3.0 / 2.2 s (the second of two epochs; the first adds ~4 s of
       loading)
K1     1.2-2.1 ms per image in Keras on TensorFlow's CPU build: 66-117 s per epoch
       (epochs of 9,600 images, scaled to 55,000)
K1     ~2.5 s per epoch on a GPU (README: 40 epochs in ~100 s on one H100)
=====  =========================================================================

Learning also from K1's answers adds K1's numpy pass over the 55,000 images first: one
epoch of B1 took 191 s with it and 8 s without.

No Tk in here; nothing is imported to find out (TensorFlow takes seconds to import).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MNIST_IMAGES = 55_000  # what an epoch goes through: MNIST's 60,000 less 5,000 for validation
TRAIN_IMAGES = {"mnist": MNIST_IMAGES, "emnist": 235_000}
EPOCH_SECONDS = {"B1": 1.6, "B2": 1.8, "B3": 3.0, "B4": 2.2, "K1": 117.0}  # CPU, MNIST
K1_GPU_EPOCH_SECONDS = 2.5
START_SECONDS = 10.0  # starting the child, loading the data, the test pass at the end
TEACHER_SECONDS = 185.0  # K1's answers for the 55,000 training images, in numpy
CPU_TENSORFLOW = ("tensorflow-cpu", "tensorflow-intel", "tensorflow_cpu")  # builds without CUDA


@dataclass(frozen=True)
class Plan:
    """What the dialog is about to ask of ``digitpad train``. ``extra_images``: the
    user's drawings, repeats included, added to each epoch."""

    net: str
    data: str = "mnist"
    epochs: int = 1
    limit: int | None = None
    extra_images: int = 0
    teacher: bool = False


@dataclass(frozen=True)
class Machine:
    """What this computer offers a K1 training, found without importing TensorFlow."""

    tensorflow: bool  # installed
    cuda_build: bool  # a TensorFlow build that can use an NVIDIA GPU
    gpu: bool  # an NVIDIA driver is loaded

    @property
    def trains_on_gpu(self) -> bool:
        return self.tensorflow and self.cuda_build and self.gpu


@functools.cache
def this_machine() -> Machine:
    tensorflow = importlib.util.find_spec("tensorflow") is not None
    cpu_only = any(_installed(name) for name in CPU_TENSORFLOW)
    gpu = Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None
    return Machine(tensorflow, tensorflow and not cpu_only, gpu)


def _installed(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def seconds(plan: Plan, machine: Machine) -> float:
    """About how long ``plan`` takes on ``machine``."""
    images = TRAIN_IMAGES.get(plan.data, MNIST_IMAGES)
    if plan.limit:
        images = min(images, plan.limit)
    images += plan.extra_images
    if plan.net == "K1" and machine.trains_on_gpu:
        per_epoch = K1_GPU_EPOCH_SECONDS
    else:
        per_epoch = EPOCH_SECONDS.get(plan.net, EPOCH_SECONDS["B4"])
    total = START_SECONDS + plan.epochs * per_epoch * images / MNIST_IMAGES
    if plan.teacher:
        total += TEACHER_SECONDS * min(images, MNIST_IMAGES) / MNIST_IMAGES
    return total


def needs(net: str, machine: Machine) -> str:
    """What training ``net`` needs, and whether this machine has it."""
    if net != "K1":
        return f"{net} trains with numpy on the CPU; nothing else is needed."
    if not machine.tensorflow:
        return "K1 trains with TensorFlow, which is not installed (pip install digitpad[cnn])."
    if machine.trains_on_gpu:
        return "K1 trains with TensorFlow; an NVIDIA GPU was found, which it uses."
    if machine.gpu:
        return ("K1 trains with TensorFlow on the CPU: an NVIDIA GPU was found, but this "
                "TensorFlow build cannot use it (pip install tensorflow[and-cuda]).")
    return "K1 trains with TensorFlow on the CPU here: no GPU was found, so it is slow."


def duration(seconds: float) -> str:
    """"under a minute", "about 4 min", "about 1 h 40 min"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60:02d} min"


def describe(plan: Plan, machine: Machine | None = None) -> str:
    """Two sentences for the dialog: what is needed, and the estimate."""
    machine = machine or this_machine()
    said = needs(plan.net, machine)
    if plan.epochs < 1 or (plan.net == "K1" and not machine.tensorflow):
        return said
    estimate = duration(seconds(plan, machine))
    where = "a GPU" if plan.net == "K1" and machine.trains_on_gpu else "a 2-core CPU"
    return (f"{said} {plan.epochs} epoch{'s' if plan.epochs != 1 else ''}: {estimate} "
            f"(an estimate, from times measured on {where}; yours will differ).")
