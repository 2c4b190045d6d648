"""Train ▸ Teach it my handwriting…: adapt every net to the user's drawings, off the Tk thread.

The drawings are checked first, on the Tk thread (a quick read of the SQLite file), so
"too few drawings, draw N more" or "damaged" is said at once in a dialog. Then the nets
adapt in memory in a worker thread (:func:`~digitpad.gui.threads.run_in_thread`) while an
:class:`~digitpad.gui.adapting_dialog.AdaptDialog` shows the progress with Cancel. When
they are done, the dialog shows the before/after per net and for the vote, on the user's
drawings and on MNIST test, and asks before switching. Nothing is written before the user
says "Use them" (then the files are saved, off the Tk thread, and chosen), so cancelling,
declining or quitting leaves nothing behind. Network ▸ Restore shipped weights undoes it.
"""

from __future__ import annotations

import logging
import threading
from tkinter import messagebox
from typing import TYPE_CHECKING

from digitpad import adapt
from digitpad.gui.adapting_dialog import TITLE, AdaptDialog
from digitpad.gui.threads import run_in_thread

if TYPE_CHECKING:
    from digitpad.gui.app import App

log = logging.getLogger(__name__)

CONFIG = adapt.AdaptConfig()  # tests make it smaller
_running: dict[int, Teaching] = {}  # id(app) -> the run in progress


class Teaching:
    """One run: the worker thread, its cancel flag and its dialog, until the dialog closes."""

    def __init__(self, app: App, drawings: int) -> None:
        self.app = app
        self.cancel = threading.Event()
        self.done: list[adapt.Adapted] = []
        self.dialog = AdaptDialog(app.root, app.scale, drawings, self.cancel.set, self.answered)
        self.dialog.bind("<Destroy>", self._destroyed, add="+")
        self.thread = run_in_thread(app.root, self._work, self._finished, self._failed)

    def _work(self) -> tuple[list[adapt.Adapted], adapt.VoteChange]:
        """On the worker thread: adapt all five nets in memory; nothing is written."""
        material = adapt.prepare(CONFIG)
        monitor = adapt.Monitor(self.dialog.report, self.cancel)
        done = adapt.adapt_in_memory(None, CONFIG, material, monitor)
        return done, adapt.vote_change(done, material)

    def _finished(self, result: tuple[list[adapt.Adapted], adapt.VoteChange]) -> None:
        self.done, vote = result
        if self.cancel.is_set() or not self.dialog.winfo_exists():
            self._end("Cancelled: the nets were not changed", "info")
            return
        self.dialog.offer([d.outcome for d in self.done], vote)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, adapt.Cancelled):
            self._end("Cancelled: the nets were not changed", "info")
            return
        log.warning("adapting failed: %s", exc)
        self._end(f"Could not teach the nets your handwriting: {exc}", "error")

    def answered(self, use: bool) -> None:
        """The user's answer: save and use the adapted weights (off the Tk thread), or drop them."""
        if not use:
            self._end("Kept the weights the nets had; the adapted ones were not saved", "info")
            return
        self.app.status.say("Saving the adapted weights…", "info")
        run_in_thread(self.app.root, lambda: adapt.save(self.done, use=True), self._saved, self._failed)

    def _saved(self, _outcomes: list[adapt.Outcome]) -> None:
        self.app.reload_nets()
        self._end("The nets now read your handwriting (adapted); Network ▸ Restore shipped weights "
                  "undoes it", "success")

    def _end(self, message: str, kind: str) -> None:
        _running.pop(id(self.app), None)
        self.dialog.close()
        if self.app.root.winfo_exists():
            self.app.status.say(message, kind)

    def _destroyed(self, event: object) -> None:
        """The window went (the app quit): stop adapting; nothing was written."""
        if getattr(event, "widget", None) is self.dialog:
            self.cancel.set()


def start(app: App) -> Teaching | None:
    """Check the drawings and start adapting all five nets; None if it did not start."""
    if id(app) in _running:
        _running[id(app)].dialog.lift()
        app.status.say("Already teaching the nets your handwriting…", "info")
        return None
    try:
        _images, labels = adapt.drawings()
        adapt.check_enough(labels)
    except adapt.AdaptError as exc:
        messagebox.showinfo(TITLE, str(exc), parent=app.root)
        return None
    app.status.say(f"Teaching the nets your {len(labels)} drawings (about 15 s)…", "info")
    _running[id(app)] = teaching = Teaching(app, len(labels))
    return teaching
