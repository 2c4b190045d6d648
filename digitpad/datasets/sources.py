"""The datasets digitpad trains on, where their files live, and how to load them.

``load("mnist")`` and ``load("emnist")`` return a :class:`Dataset` of upright uint8
images (N, 28, 28), ink 255 on 0, and uint8 labels. EMNIST files store every image
transposed (the NIST scans were read column by column), so they are transposed back
here and nowhere else.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad import dirs
from digitpad.datasets.idx import DatasetError, read_idx

log = logging.getLogger(__name__)

# part -> file name, per dataset
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
EMNIST_FILES = {
    "train_images": "emnist-digits-train-images-idx3-ubyte.gz",
    "train_labels": "emnist-digits-train-labels-idx1-ubyte.gz",
    "test_images": "emnist-digits-test-images-idx3-ubyte.gz",
    "test_labels": "emnist-digits-test-labels-idx1-ubyte.gz",
}
EMNIST_ZIP = "gzip.zip"  # the official archive of all EMNIST splits
EMNIST_ZIP_FOLDER = "gzip/"  # its members live in this folder
DATASETS = ("mnist", "emnist")


@dataclass(frozen=True)
class Dataset:
    """Images uint8 (N, 28, 28), upright, ink high; labels uint8 (N,) in 0..9."""

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, train={len(self.train_labels)}, test={len(self.test_labels)})"


def load(name: str, folder: Path | None = None) -> Dataset:
    """Load ``"mnist"`` or ``"emnist"`` (digits) from ``folder`` (default: the data folder)."""
    folder = folder or dirs.data_dir()
    found, reason = available(name, folder)
    if not found and name in DATASETS:
        raise DatasetError(reason)  # says where it looked and how to get the files
    if name == "mnist":
        parts = {part: read_idx(_locate(folder, f, "mnist") or folder / f)
                 for part, f in MNIST_FILES.items()}
    elif name == "emnist":
        parts = _read_emnist_parts(folder)
        for key in ("train_images", "test_images"):
            parts[key] = np.ascontiguousarray(parts[key].transpose(0, 2, 1))
    else:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return _validated(name, parts)


def available(name: str, folder: Path | None = None) -> tuple[bool, str]:
    """Whether ``name`` can be loaded, and if not a sentence saying why (for the GUI)."""
    folder = folder or dirs.data_dir()
    if name == "mnist":
        missing = [f for f in MNIST_FILES.values() if _locate(folder, f, "mnist") is None]
    elif name == "emnist":
        if _emnist_zip(folder) is not None:
            return True, ""
        missing = [f for f in EMNIST_FILES.values() if _locate(folder, f, "emnist") is None]
    else:
        return False, f"unknown dataset {name!r}"
    if missing:
        # EMNIST usually comes as the one official archive: name it rather than a member
        wanted = f"{EMNIST_ZIP} or {missing[0]}" if name == "emnist" else missing[0]
        return False, (f"{name.upper()} not found in {folder} (missing {wanted}); "
                       f"run 'digitpad data download {name}' or set DIGITPAD_DATA")
    return True, ""


def _locate(folder: Path, filename: str, subfolder: str) -> Path | None:
    """The file in the data folder itself, in its per-dataset subfolder, or in an
    unpacked ``gzip/`` folder of the EMNIST archive."""
    for candidate in (folder / filename, folder / subfolder / filename, folder / "gzip" / filename):
        if candidate.is_file():
            return candidate
    return None


def _emnist_zip(folder: Path) -> Path | None:
    return _locate(folder, EMNIST_ZIP, "emnist")


def _read_emnist_parts(folder: Path) -> dict[str, np.ndarray]:
    files = {part: _locate(folder, f, "emnist") for part, f in EMNIST_FILES.items()}
    if all(files.values()):
        return {part: read_idx(path) for part, path in files.items() if path is not None}
    archive = _emnist_zip(folder)
    if archive is None:
        raise DatasetError(available("emnist", folder)[1])
    return read_emnist_zip(archive)


def read_emnist_zip(archive: Path) -> dict[str, np.ndarray]:
    """Read the four digits members straight out of the official ``gzip.zip``.

    Members are looked up by their exact expected names and read into memory; nothing
    is extracted to disk, so a member name like ``../../x`` can do no harm.
    """
    try:
        with zipfile.ZipFile(archive) as zf:
            names = set(zf.namelist())
            parts = {}
            for part, filename in EMNIST_FILES.items():
                member = EMNIST_ZIP_FOLDER + filename
                if member not in names:
                    raise DatasetError(f"{archive}: no member {member}; is this EMNIST's gzip.zip?")
                with zf.open(member) as stream:
                    parts[part] = read_idx(stream, name=f"{archive}:{member}")
            return parts
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DatasetError(f"{archive}: not a readable zip archive ({exc})") from exc
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encrypted
        raise DatasetError(f"{archive}: cannot read its members ({exc})") from exc


def _validated(name: str, parts: dict[str, np.ndarray]) -> Dataset:
    for split in ("train", "test"):
        images, labels = parts[f"{split}_images"], parts[f"{split}_labels"]
        if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
            raise DatasetError(f"{name} {split} images: expected uint8 (N, 28, 28), got "
                               f"{images.dtype} {images.shape}")
        if labels.ndim != 1 or labels.dtype != np.uint8:
            raise DatasetError(f"{name} {split} labels: expected uint8 (N,), got "
                               f"{labels.dtype} {labels.shape}")
        if len(images) != len(labels):
            raise DatasetError(f"{name} {split}: {len(images)} images but {len(labels)} labels")
        if labels.size and labels.max() > 9:
            raise DatasetError(f"{name} {split} labels: found label {labels.max()}, expected 0..9")
    log.info("loaded %s: %d train, %d test", name, len(parts["train_labels"]), len(parts["test_labels"]))
    return Dataset(name, **parts)
