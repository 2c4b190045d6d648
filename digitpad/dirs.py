"""Where digitpad reads and writes files.

Every path the program touches comes from here, so tests can redirect all of them
with environment variables (or monkeypatching) instead of touching a user's home:

* ``DIGITPAD_DATA``: folder with datasets (MNIST, EMNIST IDX files, the UNIPEN pen
  digits). Without it, :func:`data_dir` decides; see there for the order.
* ``DIGITPAD_HOME``: folder for what the user makes: retrained weights, saved
  drawings, settings. Default: the user's data folder.
* ``DIGITPAD_WEIGHTS``: folder of the shipped weights (read only). Default: the
  package data ``digitpad.weights`` (the top-level ``weights/`` folder of the source
  tree, installed with the package however it was installed).
"""

from __future__ import annotations

import importlib.resources
import logging
import os
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

APP_NAME = "digitpad"
WEIGHTS_PACKAGE = "digitpad.weights"
SOURCE_TREE = Path(__file__).resolve().parent.parent  # the checkout, when run from one


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def user_cache_dir() -> Path:
    """The user's cache folder for digitpad (``~/.cache/digitpad`` on Linux)."""
    return Path(platformdirs.user_cache_dir(APP_NAME))


def download_dir() -> Path:
    """Where ``digitpad data download`` puts files: ``DIGITPAD_DATA``, else the user's cache
    folder. Never the shared folder of a checkout, which is read in place, not written."""
    return _env_path("DIGITPAD_DATA") or user_cache_dir()


def source_checkout_data_dir() -> Path | None:
    """``../shared/data`` beside a source checkout, if digitpad runs from one and it exists.

    A checkout is recognised by its ``pyproject.toml`` beside the package; an installed
    digitpad (wheel, ``--user``) sits in site-packages, which has none."""
    if not (SOURCE_TREE / "pyproject.toml").is_file():
        return None
    shared = SOURCE_TREE.parent / "shared" / "data"
    return shared if shared.is_dir() else None


def _holds_files(folder: Path) -> bool:
    """True if ``folder`` or one of its subfolders holds a file. An empty folder (a
    download that failed before its first byte) must not hide the shared data."""
    try:
        return any(p.is_file() for pattern in ("*", "*/*") for p in folder.glob(pattern))
    except OSError:
        return False


def data_dir() -> Path:
    """The folder datasets are read from, the same for the app, the CLI, tests and benchmarks.

    In this order:

    1. ``DIGITPAD_DATA``, if set;
    2. the user's cache folder, once it holds files (``digitpad data download`` puts them
       there);
    3. for a source checkout only, ``../shared/data`` beside it, if it exists;
    4. the user's cache folder (so messages say where a download would go).

    Not created here: reading must not create folders.
    """
    override = _env_path("DIGITPAD_DATA")
    if override:
        return override
    cache = user_cache_dir()
    if _holds_files(cache):
        return cache
    return source_checkout_data_dir() or cache


def user_dir() -> Path:
    """Folder for the user's own files: retrained weights, drawings, settings."""
    return _env_path("DIGITPAD_HOME") or Path(platformdirs.user_data_dir(APP_NAME))


def user_weights_dir() -> Path:
    return user_dir() / "weights"


def settings_file() -> Path:
    return user_dir() / "settings.json"


def shipped_weights_dir() -> Path:
    """The read-only weights that come with digitpad.

    ``DIGITPAD_WEIGHTS`` if set; else the package data ``digitpad.weights``, found by
    :mod:`importlib.resources` wherever the install put it (venv, ``--user``, wheel,
    editable); else the source tree's ``weights/`` folder, for a checkout whose editable
    install predates the resource package (its import finder knows no ``digitpad.weights``).
    """
    override = _env_path("DIGITPAD_WEIGHTS")
    if override:
        return override
    resources = _weights_package_dir()
    if resources is not None:
        return resources
    return SOURCE_TREE / "weights"


def _weights_package_dir() -> Path | None:
    """The folder of the ``digitpad.weights`` package, or None if it is not installed or
    not a plain folder (a zipped install would need extracting, which no install does)."""
    try:
        folder = importlib.resources.files(WEIGHTS_PACKAGE)
    except ModuleNotFoundError:
        log.debug("no %s package; looking in the source tree", WEIGHTS_PACKAGE)
        return None
    return folder if isinstance(folder, Path) and folder.is_dir() else None
