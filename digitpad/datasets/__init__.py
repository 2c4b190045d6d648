"""Datasets: the IDX format, MNIST and EMNIST digits, and their download."""

from __future__ import annotations

from digitpad.datasets.idx import DatasetError, read_idx, write_idx
from digitpad.datasets.sources import DATASETS, Dataset, available, load

__all__ = ["DATASETS", "Dataset", "DatasetError", "available", "load", "read_idx", "write_idx"]
