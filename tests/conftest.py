"""Every test runs with its own user folder, so nothing touches a real user's files,
and reads datasets from the shared data folder (DIGITPAD_DATA, default ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DIGITPAD_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def isolated_user_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("digitpad-home")
    monkeypatch.setenv("DIGITPAD_HOME", str(home))
    monkeypatch.setenv("DIGITPAD_DATA", str(SHARED_DATA))
    from digitpad.nets import registry

    registry.fallback_warnings.clear()
    return home


@pytest.fixture
def mnist_available() -> Path:
    if not (SHARED_DATA / "mnist" / "t10k-images-idx3-ubyte.gz").exists() and not (
        SHARED_DATA / "t10k-images-idx3-ubyte.gz"
    ).exists():
        skip_unless_ci(f"MNIST not found under {SHARED_DATA} (set DIGITPAD_DATA)")
    return SHARED_DATA


def skip_unless_ci(reason: str) -> None:
    """Skip on a developer's machine that lacks data or TensorFlow; in CI (CI=true),
    where .ci/run provides both, a missing piece is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"cannot run in CI: {reason}")
    pytest.skip(reason)
