"""The IDX reader and writer: every dtype round-trips, every kind of damage is a DatasetError
that names the file (a raw ValueError or EOFError from deep inside would reach the user
as a traceback)."""

from __future__ import annotations

import gzip
import io
import struct
from pathlib import Path

import numpy as np
import pytest

from digitpad.datasets.idx import IDX_TYPES, MAX_PAYLOAD_BYTES, DatasetError, read_idx, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


def _sample(dtype: type, shape: tuple[int, ...] = (3, 4, 5)) -> np.ndarray:
    rng = np.random.default_rng(7)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    if info is not None:
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)
    return (rng.standard_normal(shape) * 1e3).astype(dtype)


def _header(code: int, *dims: int) -> bytes:
    return struct.pack(">HBB", 0, code, len(dims)) + struct.pack(f">{len(dims)}i", *dims)


def _write(tmp_path: Path, data: bytes, name: str = "broken-idx1-ubyte") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _raises_naming(path: Path, match: str | None = None) -> pytest.ExceptionInfo[DatasetError]:
    with pytest.raises(DatasetError, match=match) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    return info


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["a-idx3-ubyte", "a-idx3-ubyte.gz"])
def test_round_trip_every_dtype_plain_and_gzip(tmp_path: Path, dtype: type, name: str) -> None:
    array = _sample(dtype)
    path = tmp_path / name
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)
    back[0] = 0  # a writable copy, not a view of a read-only buffer


@pytest.mark.parametrize("shape", [(0,), (5,), (2, 3), (0, 28, 28), (1, 2, 3, 4)])
def test_round_trip_shapes(tmp_path: Path, shape: tuple[int, ...]) -> None:
    array = np.arange(int(np.prod(shape)), dtype=np.uint8).reshape(shape)
    write_idx(tmp_path / "x.gz", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x.gz"), array)


def test_big_endian_input_is_written_like_native(tmp_path: Path) -> None:
    array = np.arange(6, dtype=">i4").reshape(2, 3)
    write_idx(tmp_path / "be", array)
    write_idx(tmp_path / "le", array.astype("<i4"))
    assert (tmp_path / "be").read_bytes() == (tmp_path / "le").read_bytes()
    np.testing.assert_array_equal(read_idx(tmp_path / "be"), array)


def test_file_layout_is_the_standard_one(tmp_path: Path) -> None:
    write_idx(tmp_path / "x", np.array([[1, 2], [3, 4]], dtype=np.uint8))
    assert (tmp_path / "x").read_bytes() == _header(0x08, 2, 2) + bytes([1, 2, 3, 4])


def test_reads_from_a_stream_and_names_it() -> None:
    stream = io.BytesIO(gzip.compress(_header(0x08, 2) + b"\x01\x02"))
    np.testing.assert_array_equal(read_idx(stream, name="labels"), [1, 2])
    with pytest.raises(DatasetError, match="labels"):
        read_idx(io.BytesIO(_header(0x08, 3) + b"\x01"), name="labels")


@pytest.mark.parametrize("bad", [np.zeros(3, dtype=np.uint16), np.zeros(3, dtype=bool),
                                 np.zeros((1,) * 5, dtype=np.uint8), np.uint8(3)])
def test_write_refuses_what_idx_cannot_hold(tmp_path: Path, bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        write_idx(tmp_path / "x", bad)
    assert not list(tmp_path.iterdir())


def test_every_type_code_has_a_big_endian_dtype() -> None:
    assert all(dt.itemsize == 1 or dt.byteorder == ">" for dt in IDX_TYPES.values())


GOOD = _header(0x08, 2, 3) + bytes(range(6))
CORRUPT = {
    "empty file": (b"", "too short"),
    "cut magic": (b"\x00\x00\x08", "too short"),
    "cut header": (_header(0x08, 2, 3)[:-2], "header cut short"),
    "wrong magic": (b"\x01\x02" + GOOD[2:], "not an IDX file"),
    "bad type code": (_header(0x07, 2, 3) + bytes(6), "not an IDX file"),
    "zero dimensions": (struct.pack(">HBB", 0, 8, 0), "not an IDX file"),
    "truncated payload": (GOOD[:-1], "truncated"),
    "header claims more": (_header(0x08, 20, 3) + bytes(6), "truncated"),
    "trailing garbage": (GOOD + b"junk", "more data"),
    "negative dimension": (_header(0x08, -1, 3), "negative"),
    "absurd dimensions": (_header(0x0E, 2**31 - 1, 2**31 - 1), "implausibly large"),
    "product wraps int64": (_header(0x08, 65536, 65536, 65536, 65536), "implausibly large"),
    "product wraps negative": (_header(0x0E, 2**31 - 1, 2**31 - 1, 2**31 - 1, 3),
                               "implausibly large"),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_corrupt_plain_file(tmp_path: Path, case: str) -> None:
    data, message = CORRUPT[case]
    _raises_naming(_write(tmp_path, data), message)


@pytest.mark.parametrize("case", ["truncated payload", "trailing garbage", "cut header",
                                  "bad type code", "product wraps int64"])
def test_corrupt_content_inside_valid_gzip(tmp_path: Path, case: str) -> None:
    data, message = CORRUPT[case]
    _raises_naming(_write(tmp_path, gzip.compress(data), "x.gz"), message)


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    packed = gzip.compress(_header(0x08, 100, 10) + bytes(range(250)) * 4)
    for cut in (len(packed) // 2, len(packed) - 4, 11):
        _raises_naming(_write(tmp_path, packed[:cut], f"cut{cut}.gz"), "cannot read")


def test_corrupt_gzip(tmp_path: Path) -> None:
    payload = _header(0x08, 100, 10) + np.random.default_rng(1).bytes(1000)
    packed = bytearray(gzip.compress(payload))
    packed[len(packed) // 2] ^= 0xFF  # damage the deflate stream
    _raises_naming(_write(tmp_path, bytes(packed), "flip.gz"), "cannot read")
    crc = bytearray(gzip.compress(payload))
    crc[-8] ^= 0x01  # the stored CRC no longer matches
    _raises_naming(_write(tmp_path, bytes(crc), "crc.gz"), "cannot read")
    _raises_naming(_write(tmp_path, b"\x1f\x8b" + bytes(40), "magic-only.gz"))


def test_gzip_of_nothing_and_garbage_after_member(tmp_path: Path) -> None:
    _raises_naming(_write(tmp_path, gzip.compress(b""), "empty.gz"), "too short")
    _raises_naming(_write(tmp_path, gzip.compress(GOOD) + b"garbage!", "tail.gz"))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _raises_naming(tmp_path / "nope.gz", "not found")
    with pytest.raises(DatasetError, match="cannot read"):
        read_idx(tmp_path)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    side = int((MAX_PAYLOAD_BYTES // 8) ** 0.5) + 1
    _raises_naming(_write(tmp_path, _header(0x0E, side, side)), "implausibly large")
