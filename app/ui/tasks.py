"""Run service calls off the GUI thread: one db worker, results delivered back on the GUI thread.

``run_op(fn, on_done, on_error)`` submits ``fn()`` to the single database worker thread (so
service calls never run concurrently against the same SQLite file from this process and the GUI
never blocks); ``on_done(result)`` or ``on_error(exc)`` then run on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

logger = logging.getLogger(__name__)


class _Delivery(QObject):
    delivered = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    def _on_delivered(self, thunk: object) -> None:
        assert callable(thunk)
        thunk()


class TaskRunner:
    """Owns the db worker thread; create one per application after the QApplication."""

    def __init__(self) -> None:
        self._db_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-worker")
        self._io_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="io")
        self._delivery = _Delivery()
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
        future = (self._io_pool if io else self._db_worker).submit(fn)

        def finished(f: Future[Any]) -> None:
            def on_gui() -> None:
                self.pending -= 1
                if f.cancelled():  # cancelled at shutdown: nobody waits for it any more
                    return
                exc = f.exception()
                try:
                    if exc is not None:
                        if on_error is not None:
                            on_error(exc)
                        else:
                            logger.error("background operation failed", exc_info=exc)
                    elif on_done is not None:
                        on_done(f.result())
                except RuntimeError as gone:
                    # the widget that asked was closed meanwhile (switch operator, language
                    # change): nobody is left to show the result
                    if "already deleted" not in str(gone):
                        raise
                    logger.debug("result for a closed widget dropped: %s", gone)

            self._delivery.delivered.emit(on_gui)

        future.add_done_callback(finished)
        return future

    def shutdown(self) -> None:
        self._db_worker.shutdown(wait=True, cancel_futures=True)
        self._io_pool.shutdown(wait=True, cancel_futures=True)
