"""Keyboard shortcuts of the main window (Command instead of Control on macOS)."""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from typing import TYPE_CHECKING

from digitpad.nets import SPECS, VOTE

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)


def is_mac(root: tk.Misc) -> bool:
    return str(root.tk.call("tk", "windowingsystem")) == "aqua"


def modifier(root: tk.Misc) -> str:
    """The event modifier for shortcuts: Command on macOS, Control elsewhere."""
    return "Command" if is_mac(root) else "Control"


def accelerator(root: tk.Misc, key: str) -> str:
    """How a menu shows the shortcut ``key``: ⌘Z on macOS, Ctrl+Z elsewhere."""
    return f"⌘{key.upper()}" if is_mac(root) else f"Ctrl+{key.upper()}"


SHORTCUTS = (
    ("1 … 5", "choose B1, B2, B3, B4, K1"),
    ("V", "choose the vote of all nets"),
    ("Esc, Delete", "clear the pad"),
    ("{mod}Z", "undo the last stroke"),
    ("{mod}O", "open an image of a digit"),
    ("{mod}S", "save the drawing as PNG"),
    ("{mod}R", "retrain a network"),
    ("{mod}Q", "quit"),
)


def shortcuts_text(root: tk.Misc) -> str:
    mod = "⌘" if is_mac(root) else "Ctrl+"
    return "\n".join(f"{keys.format(mod=mod):<14}{what}" for keys, what in SHORTCUTS)


def bind(app: App) -> None:
    from digitpad.gui import actions

    root = app.root
    mod = modifier(root)
    for number, name in enumerate(SPECS, start=1):
        for keysym in (str(number), f"KP_{number}"):
            root.bind(f"<KeyPress-{keysym}>", functools.partial(_call, app.select, name))
    for key in ("v", "V"):
        root.bind(f"<KeyPress-{key}>", lambda _e: app.select(VOTE))
    for key in ("Escape", "Delete"):
        root.bind(f"<KeyPress-{key}>", lambda _e: app.clear())
    commands: dict[str, Callable[[], object]] = {
        "z": app.undo, "o": lambda: actions.ask_open_image(app),
        "s": lambda: actions.ask_save_drawing(app), "r": app.open_retrain, "q": app.quit}
    for key, command in commands.items():
        for variant in (key, key.upper()):
            root.bind(f"<{mod}-KeyPress-{variant}>", functools.partial(_call, command))


def _call(command: Callable[..., object], *args: object) -> None:
    """Run ``command(*args)`` for a key binding (the event, last, is not passed on)."""
    command(*args[:-1])
