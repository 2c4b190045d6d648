"""digitpad.gui.threads.LatestOnly: one job at a time off the Tk thread, requests made
meanwhile replacing each other, and only the newest result (or error) delivered."""

from __future__ import annotations

import threading
import time
import tkinter as tk
from collections.abc import Callable, Iterator

import pytest

from digitpad.gui.threads import LatestOnly

pytestmark = pytest.mark.gui


@pytest.fixture
def root(display: str) -> Iterator[tk.Tk]:
    made = tk.Tk()
    yield made
    made.destroy()


def pump_until(root: tk.Tk, condition: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < end, f"timed out waiting for {what}"
        root.update()
        time.sleep(0.005)


def gated(gate: threading.Event, ran: list[str], value: str) -> Callable[[], str]:
    def work() -> str:
        ran.append(value)
        assert gate.wait(10)
        return value
    return work


def test_only_the_newest_request_runs_after_the_one_running_and_is_delivered(root: tk.Tk) -> None:
    latest, gate = LatestOnly(root), threading.Event()
    ran: list[str] = []
    got: list[str] = []
    latest.submit(gated(gate, ran, "first"), got.append)
    latest.submit(gated(gate, ran, "second"), got.append)  # waits, then is replaced
    latest.submit(gated(gate, ran, "third"), got.append)
    assert latest.busy and latest.running
    gate.set()
    pump_until(root, lambda: not latest.busy, "the last job")
    assert ran == ["first", "third"] and got == ["third"]


def test_cancel_drops_the_running_jobs_result(root: tk.Tk) -> None:
    latest, gate = LatestOnly(root), threading.Event()
    ran: list[str] = []
    got: list[str] = []
    latest.submit(gated(gate, ran, "first"), got.append)
    latest.cancel()
    assert not latest.busy and latest.running  # nothing to come, though it still runs
    gate.set()
    pump_until(root, lambda: not latest.running, "the cancelled job")
    assert ran == ["first"] and got == []


def test_errors_reach_on_error_unless_stale(root: tk.Tk) -> None:
    latest, gate = LatestOnly(root), threading.Event()
    errors: list[BaseException] = []
    got: list[str] = []

    def fails() -> str:
        assert gate.wait(10)
        raise ValueError("stale")

    latest.submit(fails, got.append, errors.append)
    latest.submit(lambda: (_ for _ in ()).throw(KeyError("newest")), got.append, errors.append)
    gate.set()
    pump_until(root, lambda: not latest.busy, "both jobs")
    assert got == [] and [type(e) for e in errors] == [KeyError]
