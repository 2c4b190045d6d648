"""An X display for the benchmarks and tools: ``$DISPLAY`` if set, else a private Xvfb."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def x_display(screen: str = "1280x900x24") -> Iterator[str]:
    """Yield the display name; a private Xvfb (``screen``: WIDTHxHEIGHTxDEPTH, no window
    manager) is started when ``$DISPLAY`` is unset, and stopped afterwards."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen,
                               "-nolisten", "tcp"], pass_fds=(write_fd,),
                              stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    os.environ["DISPLAY"] = display
    try:
        yield display
    finally:
        os.environ.pop("DISPLAY", None)
        server.terminate()
        server.wait()
