"""Property tests over everything that reads outside bytes: only the documented errors escape.

Each reader gets valid files with random bytes flipped, cut or inserted, and random
bytes outright. ``FUZZ_EXAMPLES`` (environment) raises the count for a longer fuzz run.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from digitpad import images, preprocess
from digitpad.datasets.idx import DatasetError, read_idx, write_idx
from digitpad.nets import mlp, store

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _weights_bytes() -> bytes:
    buffer = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-seed-{os.getpid()}.npz"
    mlp.MLP([784, 12, 10], name="B9").save(buffer, trained_on="fuzz")
    data = buffer.read_bytes()
    buffer.unlink()
    return data


def _idx_bytes(compress: bool) -> bytes:
    raw = io.BytesIO()
    array = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"fuzz-seed-{os.getpid()}.idx"
    write_idx(path, array, compress=False)
    raw.write(path.read_bytes())
    path.unlink()
    return gzip.compress(raw.getvalue()) if compress else raw.getvalue()


def _png_bytes() -> bytes:
    ink = np.asarray(preprocess.rasterize([[(140, 50), (140, 230)]]))
    out = io.BytesIO()
    Image.fromarray(255 - ink).save(out, format="PNG")
    return out.getvalue()


SEEDS = {"weights": _weights_bytes(), "idx": _idx_bytes(False), "idx.gz": _idx_bytes(True),
         "png": _png_bytes()}


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A valid file with a few random edits: flips, a cut, an insertion; or pure noise."""
    if draw(st.booleans()) and draw(st.booleans()):
        return draw(st.binary(max_size=4096))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position:position + draw(st.integers(1, 512))]
        else:
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@FUZZ
@given(data=mutated(SEEDS["weights"]))
def test_weights_loader_raises_only_weights_error(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("w") / "B9.npz"
    path.write_bytes(data)
    try:
        net = mlp.load(path)
    except store.WeightsError:
        return
    assert net.predict_proba(np.zeros((1, 28, 28), np.float32)).shape == (1, 10)


@FUZZ
@given(data=mutated(SEEDS["idx"]) | mutated(SEEDS["idx.gz"]))
def test_idx_reader_raises_only_dataset_error(data: bytes) -> None:
    try:
        array = read_idx(io.BytesIO(data), name="fuzz.idx")
    except DatasetError:
        return
    assert array.size * array.itemsize <= len(data) * 1100  # never more than the bytes allow


@FUZZ
@given(data=mutated(SEEDS["png"]))
def test_image_reader_raises_only_image_errors(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("i") / "digit.png"
    path.write_bytes(data)
    try:
        x = images.read_digit(path)
    except (images.ImageFileError, preprocess.EmptyDrawing):
        return
    assert x.shape == (28, 28) and x.dtype == np.float32 and 0 <= x.min() <= x.max() <= 1
