"""Every test runs with its own user folder, so nothing touches a real user's files,
and reads datasets from the folder digitpad itself would use (:func:`digitpad.dirs.data_dir`:
DIGITPAD_DATA, else the user's cache once it holds a download, else ../shared/data beside
the checkout), fixed once here so a test's own DIGITPAD_DATA cannot leak into the next."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digitpad import dirs

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = dirs.data_dir()


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("digitpad-home")
    monkeypatch.setenv("DIGITPAD_HOME", str(home))
    monkeypatch.setenv("DIGITPAD_DATA", str(SHARED_DATA))
    return home


@pytest.fixture
def mnist_available() -> Path:
    from digitpad import datasets

    found, reason = datasets.available("mnist", SHARED_DATA)
    if not found:
        skip_unless_ci(reason)
    return SHARED_DATA


def skip_unless_ci(reason: str) -> None:
    """Skip on a developer's machine that lacks data or TensorFlow; in CI (CI=true),
    where .ci/run provides both, a missing piece is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"cannot run in CI: {reason}")
    pytest.skip(reason)
