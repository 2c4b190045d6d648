"""Keyboard shortcuts: one table (keys.SHORTCUTS) makes the bindings, the menus'
accelerators and Help ▸ Keyboard shortcuts, so they cannot disagree."""

from __future__ import annotations

import functools
import tkinter as tk

import pytest

from digitpad.gui import actions, keys

from .conftest import Harness

pytestmark = pytest.mark.gui

CONTROL = 4  # the event state of the Control key


def parse(accelerator: str) -> tuple[str, int]:
    """A menu's accelerator text as the keysym and state a user's key press has; written
    here independently of keys.py, so a wrong accelerator cannot parse into its binding."""
    state = 0
    if accelerator.startswith("Ctrl+"):
        accelerator, state = accelerator[len("Ctrl+"):], CONTROL
    named = {"Esc": "Escape"}
    keysym = named.get(accelerator, accelerator.lower() if len(accelerator) == 1 else accelerator)
    return keysym, state


def recording(gui: Harness) -> list[str]:
    """Make every action only say its name."""
    calls: list[str] = []
    gui.app.commands = {name: functools.partial(calls.append, name) for name in gui.app.commands}
    return calls


def test_every_menu_accelerator_is_bound_to_the_same_action(gui: Harness) -> None:
    calls = recording(gui)
    checked = []
    for title, menu in gui.app.menus.items():
        if title == "bar":
            continue
        for index in range(menu.index("end") + 1):  # type: ignore[operator]
            if menu.type(index) == "separator":
                continue
            menu.entryconfigure(index, state=tk.NORMAL)  # K1 has no weights here
            calls.clear()
            menu.invoke(index)
            by_menu = list(calls)
            assert len(by_menu) == 1, f"{title} ▸ {menu.entrycget(index, 'label')}"
            shown = str(menu.entrycget(index, "accelerator"))
            if not shown:
                continue
            calls.clear()
            gui.key(*parse(shown))
            assert calls == by_menu, f"{title} ▸ {menu.entrycget(index, 'label')} shows {shown}"
            checked.append(shown)
    assert {"Ctrl+O", "Ctrl+S", "Ctrl+D", "Ctrl+Q", "Ctrl+Z", "Esc", "Ctrl+R", "1", "5",
            "V"} <= set(checked)


def test_every_key_of_the_table_does_its_action(gui: Harness) -> None:
    calls = recording(gui)
    for shortcut in keys.SHORTCUTS:
        for key, action in shortcut.pairs():
            for variant in {key, key.upper()} if len(key) == 1 and key.isalpha() else {key}:
                calls.clear()
                gui.key(variant, CONTROL if shortcut.command_key else 0)
                assert calls == [action], f"{variant} (command key: {shortcut.command_key})"
            if key.isdigit():  # Xvfb's keymap has no keypad digits to press: bound, at least
                modifier = "Control-" if shortcut.command_key else ""
                assert gui.root.bind(f"<{modifier}KeyPress-KP_{key}>")


def test_plain_digits_choose_nets_and_control_digits_teach(gui: Harness) -> None:
    calls = recording(gui)
    gui.key("3")
    gui.key("3", CONTROL)
    assert calls == ["net:B3", "teach:3"]


def test_help_shows_the_table_as_a_grid(gui: Harness) -> None:
    window = actions.show_shortcuts(gui.app)
    gui.pump()
    (table,) = [w for w in window.winfo_children() if w.winfo_manager() and w.grid_size() != (0, 0)]
    assert table.grid_size() == (2, len(keys.SHORTCUTS))
    rows = [(str(table.grid_slaves(row=r, column=0)[0].cget("text")),
             str(table.grid_slaves(row=r, column=1)[0].cget("text")))
            for r in range(len(keys.SHORTCUTS))]
    assert rows == keys.help_rows(gui.root)
    assert ("Esc, Delete", "clear the pad") in rows and ("1…5", "choose B1, B2, B3, B4, K1") in rows
    assert all("  " not in text for row in rows for text in row)  # nothing padded for a font
    column = [table.grid_slaves(row=r, column=1)[0].winfo_rootx() for r in range(len(rows))]
    assert len(set(column)) == 1  # the descriptions line up, whatever the font
    window.focus_force()
    window.event_generate("<KeyPress-Escape>")
    gui.pump()
    assert not window.winfo_exists()


def test_the_tooltips_and_the_teach_row_say_the_tables_keys(gui: Harness) -> None:
    assert gui.app.teach_row.shortcut == "Ctrl+0…9"
    assert keys.shown_keys(gui.root, "clear") == "Esc, Delete"
    assert keys.accelerator(gui.root, "net:vote") == "V"
    assert keys.accelerator(gui.root, "about") == ""
