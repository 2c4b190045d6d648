"""Killing digitpad at the worst moment loses nothing: shown with real processes and SIGKILL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from digitpad.nets import mlp

SAVER = """
import sys
import numpy as np
from digitpad.nets.mlp import MLP
net = MLP([784, 300, 250, 200, 10], name="B4")
print("ready", flush=True)
version = 0
while True:
    version += 1
    for w in net.weights:
        w.fill(version)
    net.save(sys.argv[1], generation=version)
"""


def test_sigkill_while_saving_weights_leaves_a_loadable_file(tmp_path: Path) -> None:
    target = tmp_path / "B4.npz"
    mlp.MLP([784, 300, 250, 200, 10], name="B4").save(target, generation=0)
    rng = np.random.default_rng(0)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(target)], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))  # somewhere inside one of the saves
        proc.kill()
        proc.wait()
        net = mlp.load(target)  # the old or the new file, never a torn one
        version = net.meta["generation"]
        assert np.all(net.weights[0] == version) or version == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "B4.npz"]
    assert all(name.startswith(".B4.npz.") and name.endswith(".tmp") for name in leftovers)


def test_sigkill_during_training_keeps_previous_weights(mnist_available: Path, tmp_path: Path) -> None:
    target = tmp_path / "B3.npz"
    old = mlp.MLP([784, 250, 10], name="B3", seed=5)
    old.save(target, trained_on="before")
    before = target.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "digitpad", "train", "B3", "--epochs", "20", "--out",
                             str(target), "--progress", "jsonl"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert json.loads(proc.stdout.readline())["event"] == "batch"
    proc.kill()
    proc.wait()
    assert target.read_bytes() == before
    assert mlp.load(target).meta["trained_on"] == "before"
