"""One BLAS thread for small batches, whoever calls: the app, the CLI or a library user.

Reading one drawing multiplies small matrices (K1's largest is 784x288 by 288x32). Extra
OpenBLAS threads cannot speed those up, and on a machine with few cores they do harm: a
thread that has to wait for a core held by another process turns a 0.1 ms product into
8 ms (measured on the project's 2-core machine with the other core busy: K1 on one image
took 48 ms with two threads, 0.76 ms with one). Large batches (evaluation, training) keep
every thread. threadpoolctl finds the BLAS numpy loaded, whichever it is.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np

log = logging.getLogger(__name__)

SMALL_BATCH = 32  # images; below this a batch runs on one BLAS thread

_lock = threading.Lock()
_depth = 0  # nested small-batch calls (the vote calls its members) limit only once
_limiter: Any = None  # the threadpoolctl controller of numpy's BLAS, made on first use

F = TypeVar("F", bound=Callable[..., Any])


def _blas() -> Any:
    global _limiter
    if _limiter is None:
        from threadpoolctl import ThreadpoolController

        _limiter = ThreadpoolController().select(user_api="blas")
        log.debug("BLAS libraries: %s", [lib["internal_api"] for lib in _limiter.info()])
    return _limiter


@contextmanager
def one_thread_if_small(batch: int) -> Iterator[None]:
    """Run the block on one BLAS thread when ``batch`` < :data:`SMALL_BATCH` images.

    The limit is process-wide (BLAS has no per-thread setting), so it is set once for
    the outermost small call and lifted when the last one ends."""
    global _depth
    if batch >= SMALL_BATCH:
        yield
        return
    with _lock:
        _depth += 1
        limit = _blas().limit(limits=1) if _depth == 1 else None
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if limit is not None:
                limit.restore_original_limits()


def small_batches_on_one_thread(predict: F) -> F:
    """Decorate ``predict_proba(self, x)``: :func:`one_thread_if_small` by ``x``'s batch size."""
    @functools.wraps(predict)
    def wrapper(self: Any, x: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        with one_thread_if_small(max(1, np.size(x) // 784)):  # (28, 28) and (784,) are one image
            return predict(self, x, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
