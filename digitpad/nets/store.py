"""The weights file format: one ``.npz`` of named float32 arrays plus JSON metadata.

The metadata travels inside the same file (as UTF-8 bytes under the key ``meta.json``)
so that a file is always complete: it is written atomically in one rename, and can never
be paired with the wrong description. No pickle is used or allowed when loading.

Metadata keys every file has: ``format`` (this module's :data:`FORMAT`), ``version``,
``kind`` ("mlp" or "cnn"), ``name``, ``architecture``, ``trained_on``; trainers add
``activation``, ``epochs``, ``augmentation``, ``test_accuracy``, ``test_set``, ``date``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from digitpad.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

FORMAT = "digitpad-weights"
VERSION = 1
META_KEY = "meta.json"
MAX_FILE_BYTES = 200 * 1024 * 1024


class WeightsError(ValueError):
    """A weights file is missing, damaged, or not for the network asked for."""


def save(path: str | os.PathLike[str], arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    meta = {**meta, "format": FORMAT, "version": VERSION}
    payload = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    payload[META_KEY] = np.frombuffer(json.dumps(meta, indent=1).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **payload)  # type: ignore[arg-type]  # stubs want allow_pickle
    atomic_write_bytes(path, buffer.getvalue())
    log.info("saved weights %s (%s)", path, meta.get("name"))


def load(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a weights file; every failure is a :class:`WeightsError` saying what is wrong."""
    name = os.fspath(path)
    try:
        if Path(name).stat().st_size > MAX_FILE_BYTES or _unpacked_size(name) > MAX_FILE_BYTES:
            raise WeightsError(f"{name}: too large to be a digitpad weights file")
        with np.load(name, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except FileNotFoundError as exc:
        raise WeightsError(f"{name}: no such weights file") from exc
    except WeightsError:
        raise
    except Exception as exc:  # noqa: BLE001
        # A damaged .npz surfaces whatever its parsers raise: zipfile (BadZipFile, CRC),
        # zlib (bad deflate data), numpy's header parser (SyntaxError, tokenize errors,
        # ValueError), or MemoryError for a header claiming a huge array. For an outside
        # file every one of them means the same thing to the user.
        raise WeightsError(f"{name}: not a readable weights file ({type(exc).__name__}: {exc})") from exc
    meta = _parse_meta(name, arrays.pop(META_KEY, None))
    return arrays, meta


def _unpacked_size(name: str) -> int:
    """What the archive claims it unpacks to: refuse a zip bomb before numpy inflates it."""
    with zipfile.ZipFile(name) as archive:
        return sum(info.file_size for info in archive.infolist())


def _parse_meta(name: str, raw: np.ndarray | None) -> dict[str, Any]:
    if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
        raise WeightsError(f"{name}: no metadata; not a digitpad weights file")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeightsError(f"{name}: metadata is damaged ({exc})") from exc
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise WeightsError(f"{name}: not a digitpad weights file")
    if meta.get("version") != VERSION:
        raise WeightsError(f"{name}: format version {meta.get('version')!r}; this digitpad reads "
                           f"version {VERSION}")
    return meta


def check_array(name: str, arrays: dict[str, np.ndarray], key: str, shape: tuple[int, ...]) -> np.ndarray:
    """``arrays[key]`` as finite float32 of exactly ``shape``, or a WeightsError.

    Subnormal values are flushed to zero: weight decay drives the weights of pixels that
    are never inked (the border) towards zero until they are subnormal, and x86 CPUs
    multiply subnormals a hundred times slower. In the shipped B4 42% of the weights were
    subnormal, and one image took 1.1 ms instead of 20 us; a value below 1.2e-38 cannot
    change any output, since inputs and activations are at most a few hundred."""
    if key not in arrays:
        raise WeightsError(f"{name}: array {key!r} is missing")
    array = arrays[key]
    if array.shape != shape:
        raise WeightsError(f"{name}: array {key!r} has shape {array.shape}, expected {shape}")
    if not np.issubdtype(array.dtype, np.floating) or not np.isfinite(array).all():
        raise WeightsError(f"{name}: array {key!r} is not finite floating point")
    return flush_subnormals(array.astype(np.float32))


def flush_subnormals(array: np.ndarray, scratch: np.ndarray | None = None) -> np.ndarray:
    """``array`` (float32) with its subnormal entries set to zero, in place. ``scratch``: a
    buffer of its shape, to spare an allocation (the optimizer calls this every step)."""
    size = np.abs(array, out=scratch)
    array[size < np.finfo(np.float32).tiny] = 0.0
    return array
