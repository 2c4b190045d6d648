"""MNIST from the shared data; EMNIST from tiny files written here, in each layout the
loader accepts, with its transposition checked on an image that is not symmetric."""

from __future__ import annotations

import functools
import gzip
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitpad.datasets import DatasetError, available, load
from digitpad.datasets.idx import write_idx
from digitpad.datasets.sources import EMNIST_FILES, MNIST_FILES, Dataset

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@functools.cache
def shared_mnist(folder: Path) -> Dataset:
    return load("mnist", folder)


def test_mnist_from_the_shared_data(mnist_available: Path) -> None:
    data = shared_mnist(mnist_available)
    assert data.train_images.shape == (60000, 28, 28) and data.test_images.shape == (10000, 28, 28)
    assert data.train_images.dtype == np.uint8 and data.train_labels.dtype == np.uint8
    assert np.bincount(data.train_labels).tolist() == TRAIN_COUNTS
    assert np.bincount(data.test_labels).tolist() == TEST_COUNTS
    assert data.train_images.max() == 255 and data.train_images[:, 0, :].mean() < 0.1  # ink high
    assert available("mnist", mnist_available) == (True, "")


def test_mnist_digits_are_upright(mnist_available: Path) -> None:
    """MNIST is stored upright: a "1" is taller than wide, a "7" has its bar on top."""
    data = shared_mnist(mnist_available)
    ones = data.train_images[data.train_labels == 1][:500].astype(float).mean(axis=0)
    assert ones.sum(axis=1).std() < ones.sum(axis=0).std()  # mass spread over rows
    sevens = data.train_images[data.train_labels == 7][:500].astype(float).mean(axis=0)
    assert sevens[4:10].sum() > sevens[18:24].sum()


def upright_l() -> np.ndarray:
    """An "L": a bar down the left and a foot at the bottom, unlike its transpose."""
    image = np.zeros((28, 28), dtype=np.uint8)
    image[4:24, 6:9] = 255
    image[21:24, 6:20] = 200
    return image


def emnist_arrays() -> dict[str, np.ndarray]:
    """What EMNIST files hold: every image transposed, as NIST stored them."""
    stored = upright_l().T
    return {"train_images": np.stack([stored, stored // 2, stored]),
            "train_labels": np.array([1, 2, 9], dtype=np.uint8),
            "test_images": stored[None], "test_labels": np.array([7], dtype=np.uint8)}


def write_emnist_files(folder: Path, arrays: dict[str, np.ndarray] | None = None) -> None:
    for part, array in (arrays or emnist_arrays()).items():
        write_idx(folder / EMNIST_FILES[part], array)


def emnist_zip(path: Path, members: dict[str, bytes] | None = None,
               extra: dict[str, bytes] | None = None) -> Path:
    if members is None:
        members = {}
        for part, array in emnist_arrays().items():
            write_idx(path.parent / "scratch.gz", array)
            members[f"gzip/{EMNIST_FILES[part]}"] = (path.parent / "scratch.gz").read_bytes()
        (path.parent / "scratch.gz").unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**members, **(extra or {})}.items():
            archive.writestr(name, data)
    return path


def assert_upright_emnist(data: Dataset) -> None:
    assert data.name == "emnist"
    np.testing.assert_array_equal(data.train_images[0], upright_l())
    np.testing.assert_array_equal(data.test_images[0], upright_l())
    image = data.train_images[0]
    assert image[22, 15] > 0 and image[5, 15] == 0  # the foot is at the bottom, right of the bar
    assert data.train_labels.tolist() == [1, 2, 9] and data.test_labels.tolist() == [7]
    assert data.train_images.flags.c_contiguous


@pytest.mark.parametrize("subfolder", ["", "emnist", "gzip"])
def test_emnist_unpacked_files(tmp_path: Path, subfolder: str) -> None:
    write_emnist_files(tmp_path / subfolder if subfolder else tmp_path)
    assert available("emnist", tmp_path) == (True, "")
    assert_upright_emnist(load("emnist", tmp_path))


@pytest.mark.parametrize("where", ["gzip.zip", "emnist/gzip.zip"])
def test_emnist_official_zip(tmp_path: Path, where: str) -> None:
    emnist_zip(tmp_path / where)
    assert available("emnist", tmp_path) == (True, "")
    assert_upright_emnist(load("emnist", tmp_path))


def test_emnist_zip_is_read_in_place_and_traversal_names_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    evil = {"../../escaped.gz": b"x", "/abs.gz": b"x", "gzip/../../../up.gz": b"x"}
    emnist_zip(folder / "gzip.zip", extra=evil)
    before = sorted(tmp_path.rglob("*"))
    assert_upright_emnist(load("emnist", folder))
    assert sorted(tmp_path.rglob("*")) == before  # nothing extracted, anywhere


def test_emnist_zip_with_lookalike_names_only(tmp_path: Path) -> None:
    sneaky = {f"gzip/../gzip/{name}": b"" for name in EMNIST_FILES.values()}
    emnist_zip(tmp_path / "gzip.zip", members=sneaky)
    with pytest.raises(DatasetError, match="no member gzip/emnist-digits"):
        load("emnist", tmp_path)


def test_emnist_zip_with_missing_members(tmp_path: Path) -> None:
    archive = emnist_zip(tmp_path / "gzip.zip")
    with zipfile.ZipFile(archive) as source:
        kept = {n: source.read(n) for n in source.namelist() if "test-labels" not in n}
    emnist_zip(archive, members=kept)
    with pytest.raises(DatasetError, match=r"gzip.zip: no member .*test-labels.*EMNIST"):
        load("emnist", tmp_path)


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really", b"hello" * 100])
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "gzip.zip").write_bytes(content)
    with pytest.raises(DatasetError, match="gzip.zip: not a readable zip"):
        load("emnist", tmp_path)


def test_damaged_member_names_archive_and_member(tmp_path: Path) -> None:
    archive = emnist_zip(tmp_path / "gzip.zip")
    with zipfile.ZipFile(archive) as source:
        members = {n: source.read(n) for n in source.namelist()}
    name = f"gzip/{EMNIST_FILES['train_images']}"
    members[name] = members[name][: len(members[name]) // 2]
    emnist_zip(archive, members=members)
    with pytest.raises(DatasetError, match=f"gzip.zip:{name}"):
        load("emnist", tmp_path)


def test_zip_member_with_unknown_compression(tmp_path: Path) -> None:
    archive = emnist_zip(tmp_path / "gzip.zip")
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start >= 0:  # compression method 99: not one zipfile knows
            data[start + offset:start + offset + 2] = (99).to_bytes(2, "little")
            start = data.find(signature, start + 4)
    archive.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match="gzip.zip"):
        load("emnist", tmp_path)


def test_labels_beyond_nine(tmp_path: Path) -> None:
    arrays = emnist_arrays()
    arrays["train_labels"] = np.array([1, 2, 10], dtype=np.uint8)
    write_emnist_files(tmp_path, arrays)
    with pytest.raises(DatasetError, match="found label 10, expected 0..9"):
        load("emnist", tmp_path)


@pytest.mark.parametrize(("part", "array", "message"), [
    ("train_labels", np.array([1, 2], dtype=np.uint8), "3 images but 2 labels"),
    ("test_images", np.zeros((1, 28, 27), dtype=np.uint8), r"expected uint8 \(N, 28, 28\)"),
    ("test_images", np.zeros((1, 28, 28), dtype=np.int32), "expected uint8"),
    ("test_labels", np.zeros((1, 1), dtype=np.uint8), r"labels: expected uint8 \(N,\)"),
])
def test_parts_that_do_not_fit(tmp_path: Path, part: str, array: np.ndarray, message: str) -> None:
    arrays = emnist_arrays()
    arrays[part] = array
    write_emnist_files(tmp_path, arrays)
    with pytest.raises(DatasetError, match=message):
        load("emnist", tmp_path)


def test_mnist_in_the_folder_itself_and_damaged(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    arrays = {"train_images": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
              "train_labels": np.arange(5, dtype=np.uint8),
              "test_images": np.zeros((2, 28, 28), dtype=np.uint8),
              "test_labels": np.array([3, 4], dtype=np.uint8)}
    for part, array in arrays.items():
        write_idx(tmp_path / MNIST_FILES[part], array)
    data = load("mnist", tmp_path)
    np.testing.assert_array_equal(data.train_images, arrays["train_images"])  # not transposed
    assert "train=5, test=2" in repr(data)
    path = tmp_path / MNIST_FILES["test_labels"]
    path.write_bytes(gzip.compress(path.read_bytes()[:5]))  # gzip of a cut gzip
    with pytest.raises(DatasetError, match=str(path)):
        load("mnist", tmp_path)


def test_available_says_what_is_missing_and_what_to_do(tmp_path: Path) -> None:
    ok, message = available("mnist", tmp_path)
    assert not ok
    assert str(tmp_path) in message and "train-images-idx3-ubyte.gz" in message
    assert "digitpad data download mnist" in message and "DIGITPAD_DATA" in message
    write_idx(tmp_path / MNIST_FILES["train_images"], np.zeros((1, 28, 28), np.uint8))
    assert "train-labels-idx1-ubyte.gz" in available("mnist", tmp_path)[1]
    ok, message = available("emnist", tmp_path)
    assert not ok and "gzip.zip" in message and "digitpad data download emnist" in message
    assert available("cifar", tmp_path) == (False, "unknown dataset 'cifar'")
    with pytest.raises(DatasetError, match="digitpad data download emnist"):
        load("emnist", tmp_path)
    with pytest.raises(DatasetError, match="not found"):
        load("mnist", tmp_path)
    with pytest.raises(ValueError, match="unknown dataset"):
        load("cifar", tmp_path)


def test_default_folder_comes_from_the_environment(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path))
    assert not available("emnist")[0]
    emnist_zip(tmp_path / "gzip.zip")
    assert available("emnist") == (True, "")
    assert_upright_emnist(load("emnist"))


def test_a_folder_named_gzip_zip_is_not_the_archive(tmp_path: Path) -> None:
    (tmp_path / "gzip.zip").mkdir()
    ok, message = available("emnist", tmp_path)
    assert not ok and "gzip.zip" in message
