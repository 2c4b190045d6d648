from __future__ import annotations

from digitpad.cli import main

raise SystemExit(main())
