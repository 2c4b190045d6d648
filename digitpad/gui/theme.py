"""One look for the whole app: the ttk "clam" theme, a small palette, fonts and HiDPI scale."""

from __future__ import annotations

import logging
import tkinter as tk
import tkinter.font as tkfont
from dataclasses import dataclass
from tkinter import ttk

log = logging.getLogger(__name__)

BG = "#f3f4f6"  # window
SURFACE = "#ffffff"  # cards, the drawing paper
BORDER = "#d1d5db"
TEXT = "#111827"
MUTED = "#6b7280"
INK = "#111827"  # the pen
HINT = "#9ca3af"
ERROR = "#b91c1c"
WARNING = "#b45309"
SUCCESS = "#15803d"
VOTE_COLOUR = "#ea580c"
PREVIEW_BG = (17, 24, 39)  # the nets see white ink on black; shown on dark slate

# One colour per digit, the same in every chart (matplotlib's tab10), and one for "other".
DIGIT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
OTHER_COLOUR = "#e5e7eb"


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


@dataclass(frozen=True)
class Fonts:
    body: tkfont.Font
    small: tkfont.Font
    heading: tkfont.Font
    digit: tkfont.Font
    big: tkfont.Font
    note: tkfont.Font  # as tall as ``big``, not bold


def ui_scale(root: tk.Misc) -> float:
    """Screen pixels per logical pixel: 1.0 at 96 dpi, 2.0 on a 192 dpi screen."""
    points = float(root.tk.call("tk", "scaling"))  # pixels per typographic point
    return max(1.0, round(points * 72 / 96, 2))


def apply(root: tk.Tk) -> Fonts:
    """Set the theme, palette and fonts on ``root``; returns the fonts to use."""
    style = ttk.Style(root)
    style.theme_use("clam")
    root.configure(background=BG)
    default = tkfont.nametofont("TkDefaultFont")
    default.configure(size=10)
    family = default.actual("family")
    fonts = Fonts(
        body=default,
        small=tkfont.Font(root, family=family, size=9),
        heading=tkfont.Font(root, family=family, size=10, weight="bold"),
        digit=tkfont.Font(root, family=family, size=60, weight="bold"),
        big=tkfont.Font(root, family=family, size=13, weight="bold"),
        note=tkfont.Font(root, family=family, size=13),
    )
    _base_styles(style, fonts)
    return fonts


def _base_styles(style: ttk.Style, fonts: Fonts) -> None:
    style.configure(".", background=BG, foreground=TEXT, bordercolor=BORDER,
                    focuscolor=BORDER, font=fonts.body)
    style.configure("TFrame", background=BG)
    style.configure("Card.TFrame", background=SURFACE, relief="solid", borderwidth=1)
    style.configure("TLabel", background=BG, foreground=TEXT)
    style.configure("Card.TLabel", background=SURFACE)
    style.configure("Muted.TLabel", foreground=MUTED, font=fonts.small)
    style.configure("CardMuted.TLabel", background=SURFACE, foreground=MUTED, font=fonts.small)
    style.configure("Heading.TLabel", font=fonts.heading)
    style.configure("Title.TLabel", font=fonts.big)
    style.configure("CardHeading.TLabel", background=SURFACE, font=fonts.heading)
    style.configure("Digit.TLabel", background=SURFACE, font=fonts.digit)
    style.configure("Big.TLabel", background=SURFACE, font=fonts.big)
    style.configure("Note.TLabel", background=SURFACE, font=fonts.note)
    style.configure("Status.TLabel", background="#e5e7eb", foreground=TEXT, padding=(8, 3))
    style.configure("TButton", padding=(10, 4), background=SURFACE, lightcolor=SURFACE,
                    darkcolor=SURFACE)
    style.map("TButton", background=[("disabled", BG), ("active", "#eef2ff")],
              foreground=[("disabled", HINT)], lightcolor=[("disabled", BG)],
              darkcolor=[("disabled", BG)])
    style.configure("Accent.TButton", background="#2563eb", foreground="white",
                    lightcolor="#2563eb", darkcolor="#2563eb", bordercolor="#1d4ed8")
    # disabled: as grey as any disabled button (a pale blue one looked highlighted)
    style.map("Accent.TButton", background=[("disabled", BG), ("active", "#1d4ed8")],
              foreground=[("disabled", HINT)], bordercolor=[("disabled", BORDER)],
              lightcolor=[("disabled", BG)], darkcolor=[("disabled", BG)])
    style.configure("TProgressbar", background="#2563eb", troughcolor="#e5e7eb",
                    lightcolor="#2563eb", darkcolor="#2563eb", bordercolor=BORDER)
    style.map("TCombobox", fieldbackground=[("disabled", BG), ("readonly", SURFACE)],
              foreground=[("disabled", HINT)])
    style.map("TSpinbox", fieldbackground=[("disabled", BG)], foreground=[("disabled", HINT)])
    style.map("TEntry", fieldbackground=[("disabled", BG)], foreground=[("disabled", HINT)])
    style.configure("TLabelframe", background=BG, bordercolor=BORDER)
    style.configure("TLabelframe.Label", background=BG, foreground=MUTED, font=fonts.heading)
    for widget in ("TRadiobutton", "TCheckbutton"):
        style.configure(widget, background=BG)
        style.map(widget, background=[("disabled", BG), ("active", BG)],
                  foreground=[("disabled", HINT)], indicatorbackground=[("disabled", BG)])
    style.configure("Toggle.TButton", padding=(2, 2), relief="flat", borderwidth=0,
                    background=BG, lightcolor=BG, darkcolor=BG, foreground="#2563eb")
    style.map("Toggle.TButton", background=[("active", BG)])


def net_button_style(root: tk.Misc, colour: str, selected: bool, font: tkfont.Font) -> str:
    """The ttk style of a net button in ``colour``: filled when selected, outlined when not."""
    name = f"{colour.lstrip('#')}.{'On' if selected else 'Off'}.Net.TButton"
    style = ttk.Style(root)
    fill, text = (colour, "white") if selected else (SURFACE, colour)
    style.configure(name, background=fill, foreground=text, bordercolor=colour,
                    lightcolor=fill, darkcolor=fill, padding=(14, 6), font=font)
    hover = colour if selected else "#f5f7ff"
    style.map(name, background=[("disabled", BG), ("active", hover)],
              foreground=[("disabled", HINT)], bordercolor=[("disabled", BORDER)])
    return name
