"""Work off the Tk thread, with results delivered back on it.

Tk may only be touched from the thread that created it, so worker threads never call
Tk: they put their results in a queue, and the Tk side polls it with ``after`` (only
while something is pending, so an idle app does not wake up).
"""

from __future__ import annotations

import functools
import logging
import os
import queue
import subprocess
import threading
import tkinter as tk
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack
from typing import Any

log = logging.getLogger(__name__)

POLL_MS = 40
LATEST_POLL_MS = 5  # LatestOnly's results are awaited: the user is looking at them


class MainThreadQueue:
    """Calls put from any thread run later on the Tk thread, in order."""

    def __init__(self, widget: tk.Misc, poll_ms: int = POLL_MS) -> None:
        self.widget, self.poll_ms = widget, poll_ms
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._users = 0
        self._pending: str | None = None

    def acquire(self) -> None:
        """Start polling (counted: call :meth:`release` as often)."""
        self._users += 1
        if self._pending is None:
            self._pending = self.widget.after(self.poll_ms, self._poll)

    def release(self) -> None:
        self._users = max(0, self._users - 1)

    def put(self, call: Callable[[], None]) -> None:
        self._queue.put(call)

    def drain(self) -> None:
        while True:
            try:
                call = self._queue.get_nowait()
            except queue.Empty:
                return
            call()

    def _poll(self) -> None:
        self._pending = None
        try:
            self.drain()
        finally:
            if self._users > 0 and self.widget.winfo_exists():
                self._pending = self.widget.after(self.poll_ms, self._poll)


def run_in_thread(widget: tk.Misc, work: Callable[[], Any], on_done: Callable[[Any], None],
                  on_error: Callable[[BaseException], None] | None = None,
                  poll_ms: int = POLL_MS) -> threading.Thread:
    """Run ``work()`` in a daemon thread; then ``on_done(result)`` (or ``on_error(exc)``)
    on the Tk thread, looked for every ``poll_ms``."""
    calls = MainThreadQueue(widget, poll_ms)
    calls.acquire()

    def body() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the Tk thread, never lost
            log.debug("thread work failed: %r", exc)
            calls.put(functools.partial(_finish, calls, on_error, exc, raise_if_none=True))
        else:
            calls.put(functools.partial(_finish, calls, on_done, result))

    thread = threading.Thread(target=body, name="digitpad-work", daemon=True)
    thread.start()
    return thread


def _finish(calls: MainThreadQueue, callback: Callable[[Any], None] | None, value: Any,
            raise_if_none: bool = False) -> None:
    calls.release()
    if callback is not None:
        callback(value)
    elif raise_if_none:
        raise value


class LatestOnly:
    """Work asked for faster than it is done (a view following the pen, a window switching
    nets): one job at a time, each by :func:`run_in_thread`; a request made while one runs
    waits, replacing any that waited before it, and a result reaches its callback only if
    nothing was asked (or :meth:`cancel` called) after it, so a stale result never
    overwrites a newer one. One job at a time also means the jobs' own objects (a
    matplotlib Figure) are never used by two threads at once.

    ``hold()``, if given, is a context entered on the Tk thread when a job starts and left
    when the last one ends: :func:`digitpad.nets.threads.one_thread_if_small` for K1,
    whose products ran on two BLAS threads in the worker (48 ms instead of 1.4 with the
    other core busy) when only the worker limited them: numpy's OpenBLAS took the limit
    from the Tk thread, not from the worker."""

    def __init__(self, widget: tk.Misc,
                 hold: Callable[[], AbstractContextManager[object]] | None = None) -> None:
        self.widget, self._hold = widget, hold
        self._held: ExitStack | None = None
        self.running = False
        self._generation = 0  # of the latest request (or cancel)
        self._running = 0  # of the job running
        self._next: tuple[int, Callable[[], Any], Callable[[Any], None],
                          Callable[[BaseException], None] | None] | None = None

    @property
    def busy(self) -> bool:
        """Whether a result is still to come: a job waits, or the running one's is wanted."""
        return self._next is not None or (self.running and self._running == self._generation)

    def submit(self, work: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[BaseException], None] | None = None) -> None:
        """``work()`` off the Tk thread, then ``on_done(result)`` on it unless asked again."""
        self._generation += 1
        self._next = (self._generation, work, on_done, on_error)
        if not self.running:
            self._start()

    def cancel(self) -> None:
        """Drop what waits and the result of what runs."""
        self._generation += 1
        self._next = None

    def _start(self) -> None:
        assert self._next is not None
        generation, work, on_done, on_error = self._next
        self._next, self.running, self._running = None, True, generation
        if self._hold is not None and self._held is None:
            self._held = ExitStack()
            self._held.enter_context(self._hold())
        run_in_thread(self.widget, work, functools.partial(self._done, generation, on_done),
                      functools.partial(self._failed, generation, on_error), LATEST_POLL_MS)

    def _done(self, generation: int, on_done: Callable[[Any], None], result: Any) -> None:
        if self._finished(generation):
            on_done(result)

    def _failed(self, generation: int, on_error: Callable[[BaseException], None] | None,
                error: BaseException) -> None:
        if not self._finished(generation):
            log.debug("stale work failed: %r", error)
        elif on_error is not None:
            on_error(error)
        else:
            raise error

    def _finished(self, generation: int) -> bool:
        """Start what waits; whether the finished job's result is still wanted."""
        self.running = False
        if self._next is not None:
            self._start()
        elif self._held is not None:
            self._held.close()
            self._held = None
        return generation == self._generation


class LineProcess:
    """A child process whose stdout lines reach ``on_line`` on the Tk thread, and whose
    exit code then reaches ``on_exit(code, stderr_tail)``."""

    def __init__(self, widget: tk.Misc, argv: Sequence[str], on_line: Callable[[str], None],
                 on_exit: Callable[[int, str], None], env: dict[str, str] | None = None,
                 nice: int = 0) -> None:
        self.on_line, self.on_exit = on_line, on_exit
        self._calls = MainThreadQueue(widget)
        self._stderr: deque[str] = deque(maxlen=30)
        log.debug("starting %s", " ".join(argv))
        self.process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace", bufsize=1, env=env)
        if nice and hasattr(os, "setpriority"):
            try:  # keep the window smooth on machines with few cores
                os.setpriority(os.PRIO_PROCESS, self.process.pid, nice)
            except OSError as exc:
                log.debug("could not lower the priority of the training process: %s", exc)
        self._calls.acquire()
        self._err_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._err_thread.start()
        threading.Thread(target=self._read_stdout, name="digitpad-child", daemon=True).start()

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM, or TerminateProcess on Windows)."""
        if self.running:
            self.process.terminate()

    def kill(self) -> None:
        if self.running:
            self.process.kill()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._calls.put(functools.partial(self.on_line, line.rstrip("\n")))
        code = self.process.wait()
        self._err_thread.join(timeout=5)
        tail = "".join(self._stderr)
        self._calls.put(lambda: self._exited(code, tail))

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)
            log.debug("child: %s", line.rstrip())

    def _exited(self, code: int, tail: str) -> None:
        self._calls.release()
        log.debug("child %d exited with %d", self.process.pid, code)
        self.on_exit(code, tail)
