"""One BLAS thread for the app's own process.

The app multiplies one image at a time: extra OpenBLAS threads cannot speed that up,
but they keep spinning after each product and take CPU from the Tk thread (and from the
training child) on a machine with few cores. Setting OPENBLAS_NUM_THREADS is too late
once numpy is imported, so this calls OpenBLAS's own setter in the library numpy
loaded, as threadpoolctl does. Best effort: any other BLAS is left as it is.
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

log = logging.getLogger(__name__)

SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
           "openblas_set_num_threads64_", "openblas_set_num_threads")
PATTERNS = ("numpy.libs/*openblas*", "numpy/.dylibs/*openblas*")  # Linux/Windows, macOS


def limit_threads(count: int = 1) -> bool:
    """Use ``count`` threads in numpy's OpenBLAS; False if it was not found."""
    import numpy

    site = Path(numpy.__file__).resolve().parent.parent
    for pattern in PATTERNS:
        for path in sorted(site.glob(pattern)):
            try:
                library = ctypes.CDLL(str(path))  # the copy already loaded: same handle
            except OSError:
                continue
            for name in SETTERS:
                setter = getattr(library, name, None)
                if setter is not None:
                    setter(ctypes.c_int(count))
                    log.debug("OpenBLAS threads set to %d via %s", count, name)
                    return True
    log.debug("no OpenBLAS found to limit; BLAS threads left as they are")
    return False
