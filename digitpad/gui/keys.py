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


def teach_accelerator(root: tk.Misc) -> str:
    """How the teaching keys are shown: Ctrl+0…9 (⌘0…9 on macOS)."""
    return f"{accelerator(root, '0')}…9"


SHORTCUTS = (
    ("1 … 5", "choose B1, B2, B3, B4, K1"),
    ("V", "choose the vote of all nets"),
    ("{mod}0 … 9", "it was this digit: keep the drawing, clear the pad"),
    ("{mod}D", "my drawings: relabel, delete, export"),
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
    from digitpad.gui import actions, gallery, teach

    root = app.root
    mod = modifier(root)
    for number, name in enumerate(SPECS, start=1):
        for keysym in (str(number), f"KP_{number}"):
            root.bind(f"<KeyPress-{keysym}>", functools.partial(_call, app.select, name))
    for key in ("v", "V"):
        root.bind(f"<KeyPress-{key}>", lambda _e: app.select(VOTE))
    for key in ("Escape", "Delete"):
        root.bind(f"<KeyPress-{key}>", lambda _e: app.clear())
    for digit in range(10):  # with the modifier, so they never clash with 1-5 (choose a net)
        for keysym in (str(digit), f"KP_{digit}"):
            root.bind(f"<{mod}-KeyPress-{keysym}>",
                      functools.partial(_call, teach.save_as, app, digit))
    commands: dict[str, Callable[[], object]] = {
        "z": app.undo, "o": lambda: actions.ask_open_image(app),
        "s": lambda: actions.ask_save_drawing(app), "r": app.open_retrain, "q": app.quit,
        "d": lambda: gallery.open_for(app)}
    for key, command in commands.items():
        for variant in (key, key.upper()):
            root.bind(f"<{mod}-KeyPress-{variant}>", functools.partial(_call, command))


def _call(command: Callable[..., object], *args: object) -> None:
    """Run ``command(*args)`` for a key binding (the event, last, is not passed on)."""
    command(*args[:-1])
