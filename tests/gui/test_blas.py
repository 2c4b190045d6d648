"""The app's process runs numpy's BLAS on one thread (the training child keeps them all)."""

from __future__ import annotations

import os
import subprocess
import sys

CODE = """
import ctypes, pathlib, numpy
from digitpad.gui import blas
print(blas.limit_threads(1))
site = pathlib.Path(numpy.__file__).resolve().parent.parent
for path in site.glob("numpy.libs/*openblas*"):
    lib = ctypes.CDLL(str(path))
    getter = getattr(lib, "scipy_openblas_get_num_threads64_", None)
    if getter is not None:
        print(getter())
a = numpy.ones((300, 300))
print(float((a @ a)[0, 0]))
"""


def test_limit_threads_leaves_numpy_working() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, OPENBLAS_NUM_THREADS="2"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[-1] == "300.0"
    if lines[0] == "True":  # numpy's own OpenBLAS was found (wheels on Linux)
        assert lines[1] == "1"
