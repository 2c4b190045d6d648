"""Where digitpad looks for datasets and for its shipped weights, whoever runs it."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

from digitpad import dirs
from digitpad.nets import registry


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A checkout (``main/`` with a pyproject.toml) beside ``shared/data``, and an empty
    user cache folder that does not exist yet; DIGITPAD_DATA unset."""
    checkout, shared, cache = tmp_path / "main", tmp_path / "shared" / "data", tmp_path / "cache"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]\nname = 'digitpad'\n")
    shared.mkdir(parents=True)
    monkeypatch.delenv("DIGITPAD_DATA", raising=False)
    monkeypatch.setattr(dirs, "SOURCE_TREE", checkout)
    monkeypatch.setattr(dirs, "user_cache_dir", lambda: cache)
    return {"checkout": checkout, "shared": shared, "cache": cache}


def test_a_checkout_reads_the_shared_data_beside_it(layout: dict[str, Path]) -> None:
    """As the tests and benchmarks always did; evaluate and train looked only in the cache."""
    assert dirs.data_dir() == layout["shared"]


def test_digitpad_data_comes_first(layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    monkeypatch.setenv("DIGITPAD_DATA", str(tmp_path / "mine"))
    assert dirs.data_dir() == tmp_path / "mine"
    assert dirs.download_dir() == tmp_path / "mine"


def test_the_cache_wins_once_a_download_put_files_there(layout: dict[str, Path]) -> None:
    (layout["cache"] / "mnist").mkdir(parents=True)  # what a download that failed at once leaves
    assert dirs.data_dir() == layout["shared"]
    (layout["cache"] / "mnist" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"x")
    assert dirs.data_dir() == layout["cache"]


def test_an_installed_digitpad_uses_the_cache(layout: dict[str, Path]) -> None:
    (layout["checkout"] / "pyproject.toml").unlink()  # site-packages has none
    assert dirs.data_dir() == layout["cache"]


def test_downloads_never_go_into_the_shared_folder(layout: dict[str, Path]) -> None:
    assert dirs.data_dir() == layout["shared"]
    assert dirs.download_dir() == layout["cache"]


def test_the_cli_reads_where_the_tests_read(layout: dict[str, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from digitpad.cli import main

    assert main(["info"]) == 0
    assert f"data folder:   {layout['shared']}" in capsys.readouterr().out


def test_shipped_weights_are_package_data_found_by_importlib_resources(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Wherever the install put the package (venv, --user, wheel, editable), the weights
    are in it; the old lookup under sys.prefix missed a --user install."""
    monkeypatch.delenv("DIGITPAD_WEIGHTS", raising=False)
    resources = importlib.resources.files(dirs.WEIGHTS_PACKAGE)
    assert isinstance(resources, Path), "digitpad.weights is not a folder; reinstall: pip install -e ."
    assert dirs.shipped_weights_dir() == resources
    for name in registry.SPECS:
        assert (resources / registry.spec(name).filename).is_file()
        assert registry.load(name).meta["path"] == str(resources / registry.spec(name).filename)


def test_digitpad_weights_overrides_the_shipped_folder(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("DIGITPAD_WEIGHTS", str(tmp_path))
    assert dirs.shipped_weights_dir() == tmp_path


def test_a_stale_editable_install_still_finds_the_source_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editable install made before digitpad.weights existed has no finder entry for it."""
    monkeypatch.delenv("DIGITPAD_WEIGHTS", raising=False)
    monkeypatch.setattr(dirs, "_weights_package_dir", lambda: None)
    assert dirs.shipped_weights_dir() == dirs.SOURCE_TREE / "weights"
