"""Read and write IDX files, the format of MNIST and EMNIST, gzip-compressed or not.

Layout: two zero bytes, a type code, the number of dimensions ``d``; then ``d``
big-endian int32 sizes; then the payload, row-major. MNIST images are type 0x08
(uint8) with 3 dimensions (N, 28, 28), labels type 0x08 with 1 dimension (N,).

Reading validates everything it can before touching numpy, so a truncated or
corrupt file ends in a :class:`DatasetError` that names the file and the problem.
"""

from __future__ import annotations

import gzip
import io
import logging
import math
import os
import struct
import zlib
from pathlib import Path
from typing import IO

import numpy as np

from digitpad.atomic import atomic_open

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
# type code -> numpy dtype, all big-endian as the format says
IDX_TYPES: dict[int, np.dtype[np.generic]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
# Refuse headers that would make us allocate more than this (a crafted file could
# otherwise claim terabytes). EMNIST "byclass" images, the largest, are ~550 MB.
MAX_PAYLOAD_BYTES = 2**31


class DatasetError(ValueError):
    """A data file is missing, truncated, corrupt, or not what it claims to be."""


def read_idx(source: str | os.PathLike[str] | IO[bytes], name: str | None = None) -> np.ndarray:
    """Read an IDX file (plain or gzip) into a native-endian array of its stated shape.

    ``source`` is a path or a binary file object; ``name`` is used in error messages
    (defaults to the path).
    """
    label = name or _label(source)
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as raw:
                return _read_stream(raw, label)
        return _read_stream(source, label)
    except FileNotFoundError as exc:
        raise DatasetError(f"{label}: file not found") from exc
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise DatasetError(f"{label}: cannot read the file ({exc})") from exc


def _label(source: str | os.PathLike[str] | IO[bytes]) -> str:
    """The whole path (a Path's ``.name`` is only its last part), or a stream's name."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    return str(getattr(source, "name", source))


def _read_stream(raw: IO[bytes], label: str) -> np.ndarray:
    start = raw.read(2)
    raw.seek(-len(start), io.SEEK_CUR)
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if start == GZIP_MAGIC else raw  # type: ignore[assignment]
    dtype, shape = _read_header(stream, label)
    expected = math.prod(shape) * dtype.itemsize
    payload = _read_exact(stream, expected, label)
    if stream.read(1):
        raise DatasetError(f"{label}: more data than the header's shape {shape} holds")
    return payload.view(dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _read_header(stream: IO[bytes], label: str) -> tuple[np.dtype[np.generic], tuple[int, ...]]:
    magic = stream.read(4)
    if len(magic) < 4:
        raise DatasetError(f"{label}: too short to be an IDX file ({len(magic)} bytes)")
    zero, type_code, ndim = struct.unpack(">HBB", magic)
    if zero != 0 or type_code not in IDX_TYPES or not 1 <= ndim <= 4:
        raise DatasetError(f"{label}: not an IDX file (magic number {magic.hex()})")
    dims_raw = stream.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise DatasetError(f"{label}: header cut short")
    shape = struct.unpack(f">{ndim}i", dims_raw)
    if any(d < 0 for d in shape):
        raise DatasetError(f"{label}: negative dimension in header {shape}")
    dtype = IDX_TYPES[type_code]
    # Python integers: numpy's int64 product wraps around for four large dimensions
    # (65536**4 == 0), which let a crafted header through as an empty array.
    if math.prod(shape) * dtype.itemsize > MAX_PAYLOAD_BYTES:
        raise DatasetError(f"{label}: header claims an implausibly large array {shape}")
    return dtype, tuple(shape)


def _read_exact(stream: IO[bytes], size: int, label: str) -> np.ndarray:
    """Exactly ``size`` bytes, read straight into one array (no chunk list, no join: the
    peak is the payload itself). ``np.empty`` commits memory only as data arrives, so a
    header that lies about its size costs nothing before the truncation is found."""
    payload = np.empty(size, dtype=np.uint8)
    view = memoryview(payload)  # type: ignore[arg-type]  # ndarray is a buffer; stubs disagree
    done = 0
    while done < size:
        got = stream.readinto(view[done:done + (1 << 24)])  # type: ignore[attr-defined]
        if not got:
            raise DatasetError(f"{label}: truncated: header promises {size} bytes of data, found {done}")
        done += got
    return payload


def write_idx(path: str | os.PathLike[str], array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as IDX, atomically; gzip when ``compress`` (default: name ends in .gz)."""
    array = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in IDX_TYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    if not 1 <= array.ndim <= 4:
        raise ValueError(f"IDX stores 1 to 4 dimensions, not {array.ndim}")
    code = codes[native]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}i", *array.shape)
    body = header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()
    if compress is None:
        compress = Path(path).name.endswith(".gz")
    with atomic_open(path) as handle:
        handle.write(gzip.compress(body, mtime=0) if compress else body)
    log.debug("wrote %s %s to %s", array.dtype, array.shape, path)
