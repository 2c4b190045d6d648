"""What an install carries: every package, the shipped weights the app loads (and no
file it does not), the licence; and what the source distribution adds for the tests."""

from __future__ import annotations

import fnmatch
import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from digitpad import notdigit
from digitpad.nets import registry

REPO = Path(__file__).resolve().parent.parent
tomllib = pytest.importorskip("tomllib")  # Python 3.11+


@pytest.fixture(scope="module")
def pyproject() -> dict[str, Any]:
    return dict(tomllib.loads((REPO / "pyproject.toml").read_text()))


def package_folders() -> set[str]:
    """Every package of the source tree, as setuptools must list it."""
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "digitpad").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    return found | {"digitpad.weights"}


def test_every_package_is_listed(pyproject: dict[str, Any]) -> None:
    setuptools = pyproject["tool"]["setuptools"]
    assert set(setuptools["packages"]) == package_folders()
    assert setuptools["package-dir"] == {"digitpad.weights": "weights"}  # weights/ stays at the top
    assert (REPO / "weights" / "__init__.py").is_file()


def test_package_data_is_exactly_the_weights_the_app_loads(pyproject: dict[str, Any]) -> None:
    """K1.weights.h5 (2.3 MB) and K1.json are for training and the tests only."""
    setuptools = pyproject["tool"]["setuptools"]
    assert setuptools["include-package-data"] is False  # MANIFEST.in's extras stay out of the wheel
    patterns = setuptools.get("package-data", {})["digitpad.weights"]
    files = [p.name for p in (REPO / "weights").iterdir() if p.is_file() and p.suffix != ".py"]
    shipped = sorted(f for f in files if any(fnmatch.fnmatch(f, pat) for pat in patterns))
    assert shipped == sorted([*(registry.spec(name).filename for name in registry.SPECS), notdigit.FILENAME])
    assert "data-files" not in setuptools


def test_licence_is_an_spdx_expression_with_its_file(pyproject: dict[str, Any]) -> None:
    assert pyproject["project"]["license"] == "MIT"
    assert "MIT License" in (REPO / "LICENSE").read_text()
    [setuptools] = [r for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert _version(setuptools.split(">=")[1]) >= (77,)  # the first to read license = "MIT"


def test_the_sdist_carries_what_the_tests_need() -> None:
    manifest = (REPO / "MANIFEST.in").read_text().splitlines()
    assert {"graft tests", "graft benchmarks", "graft tools"} <= set(manifest)
    assert any(line.startswith("include weights/") and "*.h5" in line for line in manifest)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _setuptools_version() -> tuple[int, ...]:
    if importlib.util.find_spec("setuptools") is None:
        return ()
    import setuptools

    return _version(setuptools.__version__)


@pytest.mark.slow
@pytest.mark.skipif(_setuptools_version() < (77,),
                    reason="building offline (--no-build-isolation) needs setuptools>=77 installed")
def test_the_wheel_holds_the_npz_weights_and_nothing_else_of_weights(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy: pip builds in place, and a build/ left in the checkout goes stale
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in"):
        shutil.copy2(REPO / name, source / name)
    for folder in ("digitpad", "weights"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    [wheel] = (tmp_path / "dist").glob("digitpad-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    weights = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("digitpad/weights/"))
    assert weights == sorted([*(registry.spec(n).filename for n in registry.SPECS), notdigit.FILENAME,
                              "__init__.py"])
    assert not any(n.startswith("share/") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
