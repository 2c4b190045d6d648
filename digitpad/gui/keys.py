"""Keyboard shortcuts of the main window (Command instead of Control on macOS).

:data:`SHORTCUTS` is the one table of them: the key bindings, the menus' accelerators and
Help ▸ Keyboard shortcuts are all made from it. Each names *actions*, looked up in the
app's ``commands`` (:func:`commands`) when the key is pressed or the menu entry chosen,
so a key and its menu entry cannot do different things.
"""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digitpad.nets import SPECS, VOTE

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

NAMES = {"Escape": "Esc"}  # how a key is written for people, where not as Tk names it


@dataclass(frozen=True)
class Shortcut:
    """``keys`` (Tk keysyms) do ``actions``: one action for all of them ("Escape" or
    "Delete": clear), or one action per key ("1" … "5": choose B1 … K1).
    ``command_key``: with Ctrl (⌘ on macOS). ``what``: for Help."""

    keys: tuple[str, ...]
    actions: tuple[str, ...]
    what: str
    command_key: bool = False

    def __post_init__(self) -> None:
        if len(self.actions) not in (1, len(self.keys)):
            raise ValueError(f"{self.keys}: one action, or one per key, not {self.actions}")

    def pairs(self) -> list[tuple[str, str]]:
        """(key, action) for each key."""
        if len(self.actions) == 1:
            return [(key, self.actions[0]) for key in self.keys]
        return list(zip(self.keys, self.actions))


SHORTCUTS = (
    Shortcut(tuple(str(n) for n in range(1, len(SPECS) + 1)),
             tuple(f"net:{name}" for name in SPECS), f"choose {', '.join(SPECS)}"),
    Shortcut(("v",), (f"net:{VOTE}",), "choose the vote of all nets"),
    Shortcut(("i",), ("inside",), "look inside the chosen net: neurons, maps, why this answer"),
    Shortcut(tuple(str(d) for d in range(10)), tuple(f"teach:{d}" for d in range(10)),
             "it was this digit: keep the drawing, clear the pad", command_key=True),
    Shortcut(("d",), ("drawings",), "my drawings: relabel, delete, export", command_key=True),
    Shortcut(("Escape", "Delete"), ("clear",), "clear the pad"),
    Shortcut(("z",), ("undo",), "undo the last stroke", command_key=True),
    Shortcut(("o",), ("open",), "open an image of a digit", command_key=True),
    Shortcut(("s",), ("save",), "save the drawing as PNG", command_key=True),
    Shortcut(("r",), ("retrain",), "retrain a network", command_key=True),
    Shortcut(("q",), ("quit",), "quit", command_key=True),
)


def is_mac(root: tk.Misc) -> bool:
    return str(root.tk.call("tk", "windowingsystem")) == "aqua"


def modifier(root: tk.Misc) -> str:
    """The event modifier for shortcuts: Command on macOS, Control elsewhere."""
    return "Command" if is_mac(root) else "Control"


def key_text(root: tk.Misc, key: str, command_key: bool) -> str:
    """How one key is shown: ⌘Z on macOS, Ctrl+Z elsewhere, Esc, 1, V."""
    name = NAMES.get(key, key.upper() if len(key) == 1 else key)
    if not command_key:
        return name
    return f"⌘{name}" if is_mac(root) else f"Ctrl+{name}"


def keys_text(root: tk.Misc, shortcut: Shortcut) -> str:
    """How a row's keys are shown: "Esc, Delete" (alternatives), "1…5", "Ctrl+0…9"."""
    if len(shortcut.actions) > 1:
        first = key_text(root, shortcut.keys[0], shortcut.command_key)
        return f"{first}…{key_text(root, shortcut.keys[-1], False)}"
    return ", ".join(key_text(root, key, shortcut.command_key) for key in shortcut.keys)


def shortcut_of(action: str) -> Shortcut | None:
    return next((s for s in SHORTCUTS if action in s.actions), None)


def accelerator(root: tk.Misc, action: str) -> str:
    """What a menu entry doing ``action`` shows as its shortcut ("" if it has none)."""
    shortcut = shortcut_of(action)
    if shortcut is None:
        return ""
    key = next(k for k, a in shortcut.pairs() if a == action)
    return key_text(root, key, shortcut.command_key)


def shown_keys(root: tk.Misc, action: str) -> str:
    """Every key doing ``action``, for a tooltip: "Ctrl+Z", "Esc, Delete"."""
    shortcut = shortcut_of(action)
    if shortcut is None:
        return ""
    return ", ".join(key_text(root, k, shortcut.command_key)
                     for k, a in shortcut.pairs() if a == action)


def teach_accelerator(root: tk.Misc) -> str:
    """How the teaching keys are shown: Ctrl+0…9 (⌘0…9 on macOS)."""
    shortcut = shortcut_of("teach:0")
    assert shortcut is not None
    return keys_text(root, shortcut)


def help_rows(root: tk.Misc) -> list[tuple[str, str]]:
    """(keys, what they do) for Help ▸ Keyboard shortcuts, one per row of the table."""
    return [(keys_text(root, s), s.what) for s in SHORTCUTS]


def commands(app: App) -> dict[str, Callable[[], object]]:
    """Every action a key or a menu entry can do, by name."""
    from digitpad.gui import actions, adapting, gallery, inside, quality, teach

    table: dict[str, Callable[[], object]] = {
        "undo": app.undo, "clear": app.clear, "quit": app.quit,
        "open": lambda: actions.ask_open_image(app),
        "save": lambda: actions.ask_save_drawing(app),
        "drawings": lambda: gallery.open_for(app),
        "inside": lambda: inside.open_for(app),
        "retrain": lambda: app.open_retrain(),
        "adapt": lambda: adapting.start(app),
        "quality": lambda: quality.open_for(app),
        "load-weights": lambda: actions.ask_load_weights(app),
        "restore-weights": lambda: actions.restore_shipped(app),
        "shortcuts": lambda: actions.show_shortcuts(app),
        "about": lambda: actions.show_about(app),
    }
    for name in (*SPECS, VOTE):
        table[f"net:{name}"] = functools.partial(app.select, name)
    for digit in range(10):
        table[f"teach:{digit}"] = functools.partial(teach.save_as, app, digit)
    return table


def command(app: App, action: str) -> Callable[[], None]:
    """A callable doing ``action``, found in ``app.commands`` when it is called."""
    def run() -> None:
        app.commands[action]()
    return run


def sequences(root: tk.Misc, key: str, command_key: bool) -> list[str]:
    """The Tk event sequences of ``key``: both cases of a letter, a digit on the keypad too."""
    variants = [key]
    if len(key) == 1 and key.isalpha():
        variants = [key.lower(), key.upper()]
    elif key.isdigit():
        variants = [key, f"KP_{key}"]
    prefix = f"{modifier(root)}-" if command_key else ""
    return [f"<{prefix}KeyPress-{variant}>" for variant in variants]


def bind(app: App) -> None:
    """Bind every key of :data:`SHORTCUTS` on the main window."""
    for shortcut in SHORTCUTS:
        for key, action in shortcut.pairs():
            for sequence in sequences(app.root, key, shortcut.command_key):
                app.root.bind(sequence, functools.partial(_call, command(app, action)))


def _call(command: Callable[[], object], _event: object) -> None:
    command()
