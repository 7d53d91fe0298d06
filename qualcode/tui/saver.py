"""Database writes from the TUI: one at a time, in order, off the UI thread, never lost.

Each write runs in a Textual thread worker; a chain of events keeps them in the order the
user made them (an undo must follow the apply it undoes). When another process holds the
database the user is told so and the write is retried until it succeeds; errors the user
can fix (a QualcodeError) are shown as a notification. Results come back on the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App

from qualcode.errors import DatabaseBusyError, QualcodeError
from qualcode.services.project import Project

T = TypeVar("T")
SLOW_WRITE = 0.4  # seconds before a write still running is explained
RETRY_WAIT = 1.0

BUSY = (
    "Waiting for the database: another program is writing to it. Your change is kept and "
    "will be saved as soon as it is free."
)
SAVING = "Saving your change (a long transcript takes a moment)..."


class Saver:
    """Runs database writes for the app; `pending` counts writes not yet saved."""

    def __init__(self, app: App[Any], project: Project) -> None:
        self.app = app
        self.project = project
        self.pending = 0
        self._tail = threading.Event()
        self._tail.set()
        self._busy_shown = False
        self._saving_shown = False
        self._stopping = threading.Event()
        # A write waiting for another's lock past its first timeout (PostgreSQL's too).
        project.on_wait = lambda _message: self._from_any_thread(self.show_busy)

    def submit(
        self,
        work: Callable[[], T],
        done: Callable[[T], object] | None = None,
        *,
        failed: Callable[[QualcodeError], None] | None = None,
    ) -> None:
        """Run `work` after every earlier write; call `done(result)` on the UI thread."""
        previous, finished = self._tail, threading.Event()
        self._tail = finished
        self.pending += 1
        self.app.set_timer(SLOW_WRITE, lambda: self._still_waiting(finished))

        def run() -> None:
            previous.wait()
            try:
                outcome: tuple[str, Any] = ("done", self._attempt(work))
            except QualcodeError as error:
                outcome = ("failed", error)
            finally:
                finished.set()
            self.app.call_from_thread(self._finish, outcome, done, failed)

        self.app.run_worker(run, thread=True, group="db-write", name="save")

    def stop(self) -> None:
        """Stop retrying a busy database (the app is closing)."""
        self._stopping.set()

    def _attempt(self, work: Callable[[], T]) -> T:
        while True:
            try:
                return work()
            except DatabaseBusyError:
                if self._stopping.is_set():
                    raise
                self.app.call_from_thread(self.show_busy)
                self._stopping.wait(RETRY_WAIT)

    def _still_waiting(self, finished: threading.Event) -> None:
        """A write still running: busy only if it waits for the lock, else merely slow (a
        long transcript's first recount is not another program writing)."""
        if finished.is_set():
            return
        if self.project.waiting_for_lock():
            self.show_busy()
        elif not (self._saving_shown or self._busy_shown):
            self._saving_shown = True
            self.app.notify(SAVING, title="Saving", timeout=4)

    def show_busy(self) -> None:
        if not self._busy_shown:
            self._busy_shown = True
            self.app.notify(BUSY, title="Database busy", severity="warning", timeout=6)

    def _from_any_thread(self, callback: Callable[[], None]) -> None:
        try:
            self.app.call_from_thread(callback)
        except RuntimeError:  # already on the UI thread
            callback()

    def _finish(
        self,
        outcome: tuple[str, Any],
        done: Callable[[Any], object] | None,
        failed: Callable[[QualcodeError], None] | None,
    ) -> None:
        self.pending -= 1
        kind, value = outcome
        if self.pending == 0:
            self._saving_shown = False
        if self._busy_shown and self.pending == 0:
            self._busy_shown = False
            self.app.notify("The database is free again; everything is saved.", timeout=3)
        if kind == "failed":
            if failed is not None:
                failed(value)
            else:
                self.app.notify(str(value), severity="error", timeout=6)
        elif done is not None:
            done(value)
