"""Where digitpad reads and writes files.

Every path the program touches comes from here, so tests can redirect all of them
with environment variables (or monkeypatching) instead of touching a user's home:

* ``DIGITPAD_DATA``: folder with datasets (MNIST, EMNIST IDX files). Default: the
  user's cache folder, where ``digitpad data download`` puts them.
* ``DIGITPAD_HOME``: folder for what the user makes: retrained weights, saved
  drawings, settings. Default: the user's data folder.
* ``DIGITPAD_WEIGHTS``: folder of the shipped weights (read only). Default: the
  ``weights/`` folder of the source tree, or the copy a wheel installs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "digitpad"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Folder holding datasets; not created here (reading must not create folders)."""
    return _env_path("DIGITPAD_DATA") or Path(platformdirs.user_cache_dir(APP_NAME))


def user_dir() -> Path:
    """Folder for the user's own files: retrained weights, drawings, settings."""
    return _env_path("DIGITPAD_HOME") or Path(platformdirs.user_data_dir(APP_NAME))


def user_weights_dir() -> Path:
    return user_dir() / "weights"


def settings_file() -> Path:
    return user_dir() / "settings.json"


def shipped_weights_dir() -> Path:
    """The read-only weights that come with digitpad."""
    override = _env_path("DIGITPAD_WEIGHTS")
    if override:
        return override
    source_tree = Path(__file__).resolve().parent.parent / "weights"
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / APP_NAME / "weights"
