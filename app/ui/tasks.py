"""Run service calls off the GUI thread: one db worker, results delivered back on the GUI thread.

``run_op(fn, on_done, on_error)`` submits ``fn()`` to the single database worker thread (so
service calls never run concurrently against the same SQLite file from this process and the GUI
never blocks); ``on_done(result)`` or ``on_error(exc)`` then run on the GUI thread.

Nothing that may hold a widget is ever released on a worker thread: ``fn`` and the callbacks
often close over a page or dialog, and if the worker dropped the last reference to it, Python
would destroy the Qt object on the wrong thread (a crash). The worker keeps only a ticket; the
callbacks stay on the GUI side, ``fn`` is dropped by the GUI thread once its result arrives, and
an exception's traceback (whose frames hold ``fn``'s locals) is cleared there too.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

logger = logging.getLogger(__name__)


class _Job:
    """What the worker runs: ``fn``, which the GUI thread takes back (and drops) afterwards."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn: Callable[[], Any] | None = fn

    def __call__(self) -> Any:
        fn = self.fn
        assert fn is not None
        try:
            return fn()
        finally:
            del fn  # the job keeps the only reference; the GUI thread clears it


class _Delivery(QObject):
    delivered = Signal(object)

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self._runner = runner
        self.delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    def _on_delivered(self, ticket: object) -> None:
        assert isinstance(ticket, tuple)
        self._runner._finish(*ticket)


class TaskRunner:
    """Owns the db worker thread; create one per application after the QApplication."""

    def __init__(self) -> None:
        self._db_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")
        self._io_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="io")
        self._delivery = _Delivery(self)
        self._tickets = itertools.count(1)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        self.pending = 0

    def run_op(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        io: bool = False,
    ) -> Future[Any]:
        self.pending += 1
        ticket = next(self._tickets)
        self._callbacks[ticket] = (on_done, on_error)
        job = _Job(fn)
        del fn
        future = (self._io_pool if io else self._db_worker).submit(job)
        emit = self._delivery.delivered.emit
        future.add_done_callback(lambda f: emit((ticket, f, job)))
        return future

    def _finish(self, ticket: int, future: Future[Any], job: _Job) -> None:
        """On the GUI thread: hand the outcome to the callbacks, then drop everything that may
        hold a widget here, not on the worker."""
        self.pending -= 1
        job.fn = None
        on_done, on_error = self._callbacks.pop(ticket, (None, None))
        if future.cancelled():  # cancelled at shutdown: nobody waits for it any more
            return
        exc = future.exception()
        try:
            if exc is not None:
                if on_error is not None:
                    on_error(exc)
                else:
                    logger.error("background operation failed", exc_info=exc)
            elif on_done is not None:
                on_done(future.result())
        except RuntimeError as gone:
            # the widget that asked was closed meanwhile (switch operator, language change):
            # nobody is left to show the result
            if "already deleted" not in str(gone):
                raise
            logger.debug("result for a closed widget dropped: %s", gone)
        finally:
            if exc is not None:
                exc.__traceback__ = None  # its frames hold fn's locals (often a widget)

    def shutdown(self) -> None:
        self._db_worker.shutdown(wait=True, cancel_futures=True)
        self._io_pool.shutdown(wait=True, cancel_futures=True)
