"""``python -m digitpad.gui [-v]``: the app without the command line front end."""

from __future__ import annotations

import sys

from digitpad.gui import run_app

raise SystemExit(run_app(verbose="-v" in sys.argv[1:] or "--verbose" in sys.argv[1:]))
