"""Every test runs with its own user folder, so nothing touches a real user's files,
and reads datasets from the folder digitpad itself would use (:func:`digitpad.dirs.data_dir`:
DIGITPAD_DATA, else the user's cache once it holds a download, else ../shared/data beside
the checkout), fixed once here so a test's own DIGITPAD_DATA cannot leak into the next."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


_adapt_cache: dict[str, bytes] = {}  # file name -> contents, per test process


@pytest.fixture
def warm_adapt_cache(isolated_user_dir: Path) -> Iterator[None]:
    """K1's features of MNIST's replay and test subsets in the user folder's adapt cache,
    as a user who adapts again has them: kept from the first test of this process that
    computed them (1.5 s a test on two cores). The file names carry K1's convolution
    digest and the images' hash, so only the very same features are ever reused."""
    folder = dirs.user_dir() / "adapt-cache"
    folder.mkdir(parents=True, exist_ok=True)
    for name, contents in _adapt_cache.items():
        (folder / name).write_bytes(contents)
    yield
    for path in folder.glob("*.npy"):
        _adapt_cache.setdefault(path.name, path.read_bytes())
