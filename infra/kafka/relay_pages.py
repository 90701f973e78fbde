"""Pages of the log encoded as Kafka messages, in this process or in a child process.

Encoding (reading the log and its links, writing the JSON) and sending (kafka-python, Python
code too) both need the interpreter lock; with the encoder in a child process the relay
encodes the next page on one core while it sends the current one on the other.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import Future
from multiprocessing.connection import Connection
from typing import Any

from domain.app import RedPropertyApp
from infra.kafka.integration_event import Message, to_message
from infra.kafka.public_fields import LogEntry
from infra.settings import Settings
from infra.storage.chain import GENESIS, Link


class RelayStopped(Exception):
    """A log entry the relay must not publish: it publishes what precedes it, stores that
    position and stops."""


class MessageTooLarge(RelayStopped):
    """A log entry whose message exceeds the size limit."""


class MissingLink(RelayStopped):
    """A log entry without its chain link: the log was tampered with (`redprop verify`)."""


PAGE_BYTES = 32 * 1024 * 1024  # a page ends after this many bytes of messages


class PageEncoder:
    def __init__(self, app: RedPropertyApp, settings: Settings, page_size: int) -> None:
        self.app = app
        self.limit = settings.kafka_max_message_bytes
        self.page_size = page_size

    def encode(self, after: int) -> list[Message]:
        """The messages of the log entries after `after`: up to `page_size` of them and
        about PAGE_BYTES, stopping before a message above the size limit or an event
        without its chain link (raising MessageTooLarge or MissingLink if it comes first)."""
        rows = self.app.recorder.select_chained(after, self.page_size)
        if not rows:
            return []
        prev_hash = self._hash_at(_link(rows[0]).prev_position)
        messages: list[Message] = []
        size = 0
        for row in rows:
            if size > PAGE_BYTES:
                break
            try:
                link = _link(row)
            except MissingLink:
                if messages:  # publish what precedes it first
                    break
                raise
            message = to_message(self.app, LogEntry(*row[:5]), link, prev_hash)
            if message.size > self.limit:
                if messages:  # publish what precedes it first
                    break
                raise MessageTooLarge(
                    f"position {message.position} "
                    f"({message.headers[0][1].decode()}) is {message.size:,} bytes, above "
                    f"REDPROP_KAFKA_MAX_MESSAGE_BYTES={self.limit:,}; raise it (and the broker's "
                    "message.max.bytes / the topic's max.message.bytes)"
                )
            messages.append(message)
            size += message.size
            prev_hash = link.hash
        return messages

    def submit(self, after: int) -> Future[list[Message]]:
        future: Future[list[Message]] = Future()
        try:
            future.set_result(self.encode(after))
        except Exception as exc:  # noqa: BLE001 - handed over like a child's failure
            future.set_exception(exc)
        return future

    def close(self) -> None:
        pass

    def _hash_at(self, position: int) -> bytes:
        if position == 0:
            return GENESIS
        (link,) = self.app.recorder.select_links(position - 1, 1)
        return bytes(link.hash)


def _link(row: tuple[Any, ...]) -> Link:
    """The chain link of a `select_chained` row; an event without one is not published."""
    position, _, _, _, _, link_position, prev_position, digest = row
    if link_position is None:
        raise MissingLink(
            f"the event at position {position} has no chain link; run `redprop verify`"
        )
    return Link(position, prev_position, bytes(digest))


class ChildPageEncoder:
    """A PageEncoder in a child process with its own connection to the event store.

    Pages are asked for over a pipe, each request numbered; the parent reads the answer in
    the thread that asked, when it needs it, skipping answers to requests it gave up on
    (a send that failed between asking and reading). A reader thread, as in
    ProcessPoolExecutor, contends for the interpreter lock with the sending thread on every
    chunk of a large page: on the demo log that made the child slower than encoding in the
    parent."""

    def __init__(self, settings: Settings, page_size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, settings, page_size), daemon=True
        )
        self._process.start()
        child_end.close()
        self._asked = 0  # the number of the last request; the child's start answers 0
        _ChildPage(self._pipe, 0).result()  # started and connected

    def submit(self, after: int) -> _ChildPage:
        self._asked += 1
        self._pipe.send((self._asked, after))
        return _ChildPage(self._pipe, self._asked)

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the child may be gone already
            self._pipe.send(None)
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
        self._pipe.close()


class _ChildPage:
    """The answer to request `number`: read off the pipe on `result()`."""

    def __init__(self, pipe: Connection, number: int) -> None:
        self._pipe = pipe
        self._number = number

    def result(self) -> list[Message]:
        while True:
            try:
                number, answer = self._pipe.recv()
            except EOFError:
                raise RuntimeError("the relay's encoder process died") from None
            if number == self._number:
                break
        if isinstance(answer, BaseException):
            raise answer
        return answer  # type: ignore[no-any-return]


def _serve(pipe: Connection, settings: Settings, page_size: int) -> None:
    """The child: encode each requested page, answering with the request's number, until
    asked for None."""
    try:
        from infra.storage.event_store import build_application

        encoder = PageEncoder(build_application(settings), settings, page_size)
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        pipe.send((0, _picklable(exc)))
        return
    pipe.send((0, []))
    while (request := pipe.recv()) is not None:
        number, after = request
        try:
            pipe.send((number, encoder.encode(after)))
        except Exception as exc:  # noqa: BLE001 - raised in the parent
            pipe.send((number, _picklable(exc)))


def _picklable(exc: Exception) -> Exception:
    return exc if isinstance(exc, RelayStopped) else RuntimeError(f"relay encoder: {exc!r}")
