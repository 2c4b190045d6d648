"""The user's choices that survive a restart, as a small JSON file in the user folder."""

from __future__ import annotations

import json
import logging
from typing import Any

from digitpad import dirs
from digitpad.atomic import atomic_write_bytes

log = logging.getLogger(__name__)


def read() -> dict[str, Any]:
    """The saved settings; an unreadable file is logged and treated as empty, never fatal."""
    path = dirs.settings_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def update(**changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into the settings and write them atomically; returns the result."""
    data = read() | changes
    atomic_write_bytes(dirs.settings_file(), json.dumps(data, indent=2).encode())
    return data


NET = "net"  # the net whose answer the app shows, as the user last chose it


def chosen_net() -> str | None:
    """The net the user last chose in the app ("B1" … "K1", "vote"), or None."""
    value = read().get(NET)
    return value if isinstance(value, str) else None


def remember_net(name: str) -> None:
    """Keep ``name`` as the net to start on; a file that cannot be written is logged."""
    if chosen_net() == name:
        return
    try:
        update(**{NET: name})
    except OSError as exc:
        log.warning("could not remember the chosen net in %s: %s", dirs.settings_file(), exc)
