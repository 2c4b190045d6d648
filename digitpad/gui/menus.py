"""The menu bar: File, Network, Train, Help."""

from __future__ import annotations

import functools
import logging
import tkinter as tk
from typing import TYPE_CHECKING

from digitpad.gui import actions, gallery, keys, theme
from digitpad.gui.netbar import label_of
from digitpad.nets import SPECS, VOTE

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

MENU_OPTIONS = {"background": theme.SURFACE, "foreground": theme.TEXT,
                "activeBackground": "#2563eb", "activeForeground": "white",
                "activeBorderWidth": 0, "borderWidth": 1, "relief": "solid",
                "selectColor": "#2563eb", "disabledForeground": theme.HINT}


def build(app: App) -> None:
    root = app.root
    root.option_add("*tearOff", False)
    for option, value in MENU_OPTIONS.items():  # every menu, the bar and the drop-downs
        root.option_add(f"*Menu.{option}", value)
    bar = tk.Menu(root, borderwidth=0, relief=tk.FLAT)

    def acc(key: str) -> str:
        return keys.accelerator(root, key)

    file = tk.Menu(bar)
    file.add_command(label="Open image…", accelerator=acc("o"),
                     command=lambda: actions.ask_open_image(app))
    file.add_command(label="Save drawing as PNG…", accelerator=acc("s"),
                     command=lambda: actions.ask_save_drawing(app))
    file.add_separator()
    file.add_command(label="My drawings…", accelerator=acc("d"),
                     command=lambda: gallery.open_for(app))
    file.add_separator()
    file.add_command(label="Quit", accelerator=acc("q"), command=app.quit)
    bar.add_cascade(label="File", menu=file)

    network = tk.Menu(bar)
    for number, name in enumerate((*SPECS, VOTE), start=1):
        network.add_radiobutton(label=label_of(name), value=name, variable=app.selected,
                                accelerator="V" if name == VOTE else str(number),
                                command=functools.partial(app.select, name))
    network.add_separator()
    network.add_command(label="Load weights from file…",
                        command=lambda: actions.ask_load_weights(app))
    network.add_command(label="Restore shipped weights", command=lambda: actions.restore_shipped(app))
    bar.add_cascade(label="Network", menu=network)

    train = tk.Menu(bar)
    train.add_command(label="Retrain network…", accelerator=acc("r"),
                      command=lambda: app.open_retrain())
    bar.add_cascade(label="Train", menu=train)

    help_menu = tk.Menu(bar)
    help_menu.add_command(label="Keyboard shortcuts", command=lambda: actions.show_shortcuts(app))
    help_menu.add_command(label="About digitpad", command=lambda: actions.show_about(app))
    bar.add_cascade(label="Help", menu=help_menu)

    root.configure(menu=bar)
    app.menus = {"bar": bar, "file": file, "network": network, "train": train, "help": help_menu}


def refresh(app: App) -> None:
    """Grey out the nets that are not available."""
    network = app.menus["network"]
    for index, name in enumerate((*SPECS, VOTE)):
        network.entryconfigure(index, state=tk.NORMAL if app.predictor.available(name)
                               else tk.DISABLED)
