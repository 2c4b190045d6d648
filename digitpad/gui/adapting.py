"""Train ▸ Teach it my handwriting…: adapt every net to the user's drawings, off the Tk thread.

The drawings are checked first, on the Tk thread (a quick read of the SQLite file), so
"too few drawings" or "damaged" is said at once in a dialog. Then
:func:`digitpad.adapt.adapt` runs in a worker thread (:func:`~digitpad.gui.threads.run_in_thread`),
the status bar saying so; when it is done a dialog shows the before/after per net and asks
before switching. Declined, the adapted files are deleted: nothing is left behind.
Network ▸ Restore shipped weights undoes a switch.
"""

from __future__ import annotations

import logging
import threading
from tkinter import messagebox
from typing import TYPE_CHECKING

from digitpad import adapt
from digitpad.gui.threads import run_in_thread

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

TITLE = "Teach it my handwriting"
CONFIG = adapt.AdaptConfig()  # tests make it smaller
_running: dict[int, threading.Thread] = {}  # id(app) -> the adapting thread, while it runs


def start(app: App) -> threading.Thread | None:
    """Check the drawings and start adapting all five nets; None if it did not start."""
    if id(app) in _running:
        app.status.say("Already teaching the nets your handwriting…", "info")
        return None
    try:
        _images, labels = adapt.drawings()
        adapt.check_enough(labels)
    except adapt.AdaptError as exc:
        messagebox.showinfo(TITLE, str(exc), parent=app.root)
        return None
    app.status.say(f"Teaching the nets your {len(labels)} drawings (about 15 s)…", "info")

    def done(outcomes: list[adapt.Outcome]) -> None:
        _running.pop(id(app), None)
        offer(app, outcomes)

    def failed(exc: BaseException) -> None:
        _running.pop(id(app), None)
        log.warning("adapting failed: %s", exc)
        app.status.say(f"Could not teach the nets your handwriting: {exc}", "error")

    thread = run_in_thread(app.root, lambda: adapt.adapt(config=CONFIG), done, failed)
    _running[id(app)] = thread
    return thread


def report(outcomes: list[adapt.Outcome]) -> str:
    """The before/after per net, for the dialog."""
    return "\n".join(o.summary() for o in outcomes)


def offer(app: App, outcomes: list[adapt.Outcome]) -> None:
    """Ask whether to use the adapted weights; use them, or delete them."""
    question = f"{report(outcomes)}\n\nUse the adapted weights from now on?"
    if messagebox.askyesno(TITLE, question, parent=app.root):
        from digitpad.nets import registry

        for outcome in outcomes:
            registry.choose(outcome.net, outcome.path)
        app.reload_nets()
        app.status.say("The nets now read your handwriting (adapted); Network ▸ Restore shipped "
                       "weights undoes it", "success")
        return
    for outcome in outcomes:
        outcome.path.unlink(missing_ok=True)
    app.status.say("Kept the weights the nets had; the adapted ones were not saved", "info")
