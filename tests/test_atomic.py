"""Writes that fail halfway (disk full, read-only folder) damage nothing already saved."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from digitpad import atomic
from digitpad.nets import mlp, registry


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "f.bin"
    atomic.atomic_write_bytes(target, b"old")
    atomic.atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)


def test_disk_full_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "B1.npz"
    mlp.MLP([784, 100, 10, 10], name="B1").save(target, trained_on="old")
    before = target.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space"):
        mlp.MLP([784, 100, 10, 10], name="B1", seed=9).save(target, trained_on="new")
    assert target.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["B1.npz"]


def test_read_only_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(atomic.tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError, match="Permission denied"):
        atomic.atomic_write_bytes(tmp_path / "x", b"data")
    assert list(tmp_path.iterdir()) == []


def test_damaged_chosen_weights_fall_back_to_shipped_and_say_why(isolated_user_dir: Path) -> None:
    path = isolated_user_dir / "weights" / "B1-mine.npz"
    mlp.MLP([784, 100, 10, 10], name="B1").save(path, trained_on="mine")
    registry.choose("B1", path)
    path.write_bytes(path.read_bytes()[:500])  # damaged after it was chosen
    net = registry.load("B1")
    assert net.meta["path"] == str(registry.shipped_path("B1"))
    assert "B1-mine.npz" in net.meta["fallback"] and "fallback" not in registry.load("B2").meta


def test_choosing_a_bad_file_is_refused_up_front(tmp_path: Path) -> None:
    bad = tmp_path / "B2.npz"
    mlp.MLP([784, 30, 10]).save(bad)
    with pytest.raises(Exception, match="layers"):
        registry.choose("B2", bad)
    assert registry.chosen_path("B2") is None
