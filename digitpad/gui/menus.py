"""The menu bar: File, Edit, Network, Train, Help.

Each entry does an *action* of the app's ``commands`` and shows the shortcut that
:data:`digitpad.gui.keys.SHORTCUTS` gives that action, so the two cannot disagree.
"""

from __future__ import annotations

import logging
import tkinter as tk
from typing import TYPE_CHECKING

from digitpad.gui import keys, theme
from digitpad.gui.netbar import label_of
from digitpad.nets import SPECS, VOTE

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

MENU_OPTIONS = {"background": theme.SURFACE, "foreground": theme.TEXT,
                "activeBackground": "#2563eb", "activeForeground": "white",
                "activeBorderWidth": 0, "borderWidth": 1, "relief": "solid",
                "selectColor": "#2563eb", "disabledForeground": theme.HINT}
SEPARATOR = ""
# (menu, [(label, action) or SEPARATOR]); the Network menu's nets come first, as radio buttons
MENUS: tuple[tuple[str, tuple[tuple[str, str] | str, ...]], ...] = (
    ("File", (("Open image…", "open"), ("Save drawing as PNG…", "save"), SEPARATOR,
              ("My drawings…", "drawings"), SEPARATOR, ("Quit", "quit"))),
    ("Edit", (("Undo stroke", "undo"), ("Clear pad", "clear"))),
    ("Network", (SEPARATOR, ("Look inside…", "inside"), ("How good is it?…", "quality"), SEPARATOR,
                 ("Load weights from file…", "load-weights"),
                 ("Restore shipped weights", "restore-weights"))),
    ("Train", (("Teach it my handwriting…", "adapt"), ("Retrain network…", "retrain"))),
    ("Help", (("Keyboard shortcuts", "shortcuts"), ("About digitpad", "about"))),
)


def build(app: App) -> None:
    root = app.root
    root.option_add("*tearOff", False)
    for option, value in MENU_OPTIONS.items():  # every menu, the bar and the drop-downs
        root.option_add(f"*Menu.{option}", value)
    bar = tk.Menu(root, borderwidth=0, relief=tk.FLAT)
    app.menus = {"bar": bar}
    for title, entries in MENUS:
        menu = tk.Menu(bar)
        if title == "Network":
            _nets(app, menu)
        for entry in entries:
            if isinstance(entry, str):
                menu.add_separator()
            else:
                label, action = entry
                menu.add_command(label=label, accelerator=keys.accelerator(root, action),
                                 command=keys.command(app, action))
        bar.add_cascade(label=title, menu=menu)
        app.menus[title.lower()] = menu
    root.configure(menu=bar)


def _nets(app: App, menu: tk.Menu) -> None:
    for name in (*SPECS, VOTE):
        action = f"net:{name}"
        menu.add_radiobutton(label=label_of(name), value=name, variable=app.selected,
                             accelerator=keys.accelerator(app.root, action),
                             command=keys.command(app, action))


def refresh(app: App) -> None:
    """Grey out the nets that are not available."""
    network = app.menus["network"]
    for index, name in enumerate((*SPECS, VOTE)):
        network.entryconfigure(index, state=tk.NORMAL if app.predictor.available(name)
                               else tk.DISABLED)
