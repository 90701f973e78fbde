"""Group commit: commands that arrive together are written in one transaction.

Every `insert_events` call (one command's events) becomes a `WriteRequest`. The first
caller to find no transaction in progress leads: it takes every request queued so far and
writes them in one transaction (`write_batch`), while callers arriving meanwhile queue for
the next one. When the transaction ends, each request has its positions or its own error,
and its caller is woken; leadership passes to the first queued caller, if any. So a
command is acknowledged only after the transaction holding its events has committed, one
writer per process writes at a time (commands queue for it; nothing else is held while they
wait), and a lone command is written at once, by its own thread, as before.
"""

from __future__ import annotations

import _thread
import copy
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from infra.storage.command_log import PendingCommand, current_pending

log = logging.getLogger(__name__)


class WriteRequest:
    __slots__ = ("events", "kwargs", "pending", "positions", "error", "_woken", "leads")

    def __init__(self, events: Sequence[Any], kwargs: dict[str, Any]) -> None:
        self.events = events
        self.kwargs = kwargs
        self.pending: PendingCommand | None = current_pending()
        self.positions: list[int] | None = None
        self.error: BaseException | None = None
        self._woken: Any = None  # a held lock its caller waits on (cheaper than an Event)
        self.leads = False

    def park(self) -> None:
        """Before queueing behind a leader: `sleep()` then blocks until `wake()`."""
        self._woken = _thread.allocate_lock()
        self._woken.acquire()

    def sleep(self) -> None:
        self._woken.acquire()

    def wake(self) -> None:
        self._woken.release()

    def outcome(self) -> list[int]:
        if self.error is not None:
            raise self.error
        assert self.positions is not None
        return self.positions


class GroupCommitter:
    """Runs `write_batch(requests)`, which sets each request's `positions` or `error`
    (an exception it raises is every unsettled request's error). `on_batch(size)` is told
    the size of every batch written (for metrics); `batches`, `commands` and `largest`
    count them."""

    def __init__(
        self,
        write_batch: Callable[[list[WriteRequest]], None],
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.write_batch = write_batch
        self.on_batch = on_batch
        self.batches = 0
        self.commands = 0
        self.largest = 0
        self._lock = threading.Lock()
        self._queue: list[WriteRequest] = []
        self._leading = False

    @property
    def queued(self) -> int:
        """Requests waiting for the next transaction."""
        with self._lock:
            return len(self._queue)

    def submit(self, events: Sequence[Any], kwargs: dict[str, Any]) -> list[int]:
        request = WriteRequest(events, kwargs)
        with self._lock:
            self._queue.append(request)
            leads = not self._leading
            if leads:
                self._leading = True
            else:
                request.park()
        if not leads:
            request.sleep()  # until the leader has written it, or passes the lead to it
            if not request.leads:
                return request.outcome()
        self._lead(request)
        return request.outcome()

    def _lead(self, own: WriteRequest) -> None:
        with self._lock:
            batch, self._queue = self._queue, []
        try:
            self.write_batch(batch)
        except BaseException as failure:  # the transaction failed: every unsettled request
            for request in batch:
                if request.positions is None and request.error is None:
                    request.error = _copy(failure)
        finally:
            self._count(len(batch))
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.leads = True
                    successor.wake()
                else:
                    self._leading = False
            for request in batch:
                if request is not own:
                    request.wake()

    def _count(self, size: int) -> None:
        self.batches += 1
        self.commands += size
        self.largest = max(self.largest, size)
        if self.on_batch is not None:
            try:
                self.on_batch(size)
            except Exception:  # noqa: BLE001 - a metrics hook must not fail the writes
                log.exception("on_batch hook failed")


def _copy(failure: BaseException) -> BaseException:
    """One exception per caller (each thread raises it with its own traceback)."""
    try:
        clone = copy.copy(failure)
    except Exception:  # noqa: BLE001 - an exception that cannot be copied is shared
        return failure
    clone.__cause__ = failure
    return clone
