"""Group commit of chained, idempotent writes: what both recorders share (the batch, its
chain links and idempotency records, a savepoint per command after a conflict)."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from eventsourcing.persistence import IntegrityError

from infra.storage.chain import Link, extend_chain
from infra.storage.command_log import CommandRecord, record_for
from infra.storage.group_commit import GroupCommitter, WriteRequest


class ChainHeadCache:
    """The last link this process committed, so the next insert can skip reading the chain
    head when its first position directly follows it. Positions are never handed out
    twice, so no other writer can have committed in between; a link is remembered only
    after its transaction committed. Anything else (another process wrote, a gap on
    PostgreSQL) falls back to reading the head under the write lock. Only the group
    committer's leader (one thread at a time) uses it."""

    def __init__(self) -> None:
        self.committed: Link | None = None

    def head_for(self, first_position: int) -> Link | None | bool:
        """The cached head if it precedes `first_position`, else False (read it)."""
        head = self.committed
        if head is not None and head.position == first_position - 1:
            return head
        return False


class ChainedWrites:
    """Group commit of chained, idempotent writes, shared by both recorders.

    A batch is first written as one: all its events in one statement, their links and
    idempotency records in one more. If that meets a conflict (a version already taken, an
    idempotency key already used), the transaction is rolled back and the batch written
    again with a savepoint per command: the conflicting command alone gets IntegrityError
    (the gateway retries it on fresh state), its neighbours commit. Outcomes are handed to
    the callers only after the transaction ends."""

    head_cache: ChainHeadCache
    committer: GroupCommitter
    _multi_row: dict[tuple[str, int], str]

    def _start_group_commit(self) -> None:
        self.head_cache = ChainHeadCache()
        self.committer = GroupCommitter(self._write_batch)
        self._multi_row = {}

    def insert_events(self, stored_events: Sequence[Any], **kwargs: Any) -> Any:
        if not stored_events:
            return []
        return self.committer.submit(stored_events, kwargs)

    def _write_batch(self, requests: list[WriteRequest]) -> None:
        if len(requests) > 1:
            try:
                self._write_together(requests)
                return
            except IntegrityError:
                pass
            self._write_each(requests)
        else:
            self._write_together(requests)

    def _write_together(self, requests: list[WriteRequest]) -> None:
        events = [e for r in requests for e in r.events]
        with self._write_transaction() as (c, sync):
            positions = self._insert_rows(c, sync, events)
            links = extend_chain(self._head(c, positions[0]), positions, events)
            results, records = shares(requests, positions)
            self._write_links(c, links, records)
        self._settle(requests, results, links[-1])

    def _write_each(self, requests: list[WriteRequest]) -> None:
        written: list[WriteRequest] = []
        results: list[list[int]] = []
        refused: list[tuple[WriteRequest, IntegrityError]] = []
        head: Link | None = None
        with self._write_transaction() as (c, sync):
            for request in requests:
                try:
                    with self._savepoint(c):
                        positions = self._insert_rows(c, sync, request.events)
                        known = head if head is not None else self._head(c, positions[0])
                        links = extend_chain(known, positions, request.events)
                        record = record_for(request.pending, positions, request.events)
                        self._write_links(c, links, [record] if record else [])
                except IntegrityError as lost:
                    refused.append((request, lost))
                    continue
                head = links[-1]
                written.append(request)
                results.append(positions)
        if written:
            assert isinstance(head, Link)
            self._settle(written, results, head)
        for request, error in refused:
            request.error = error

    def _settle(self, requests: list[WriteRequest], results: list[list[int]], head: Link) -> None:
        """After the commit: hand out positions, mark keys stored, remember the head."""
        self.head_cache.committed = head
        for request, positions in zip(requests, results, strict=True):
            request.positions = positions
            if request.pending is not None:
                request.pending.stored = True

    def _rows(self, statement: str, count: int) -> str:
        """`statement` (an INSERT of one row) inserting `count` rows."""
        key = (statement, count)
        if key not in self._multi_row:
            head, row = statement.split(" VALUES ")
            self._multi_row[key] = f"{head} VALUES " + ", ".join([row] * count)
        return self._multi_row[key]

    def _head(self, c: Any, first_position: int) -> Link | None:
        head = self.head_cache.head_for(first_position)
        return self._read_head(c) if head is False else head  # type: ignore[return-value]

    # Backend specifics ------------------------------------------------------------------

    def _write_transaction(self) -> AbstractContextManager[tuple[Any, Callable[[], None]]]:
        raise NotImplementedError

    def _savepoint(self, c: Any) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _insert_rows(self, c: Any, sync: Callable[[], None], events: Sequence[Any]) -> list[int]:
        raise NotImplementedError

    def _read_head(self, c: Any) -> Link | None:
        raise NotImplementedError

    def _write_links(self, c: Any, links: list[Link], records: list[CommandRecord]) -> None:
        raise NotImplementedError


def shares(
    requests: list[WriteRequest], positions: list[int]
) -> tuple[list[list[int]], list[CommandRecord]]:
    """Each request's share of a batch's positions, and the idempotency records to store."""
    results: list[list[int]] = []
    records: list[CommandRecord] = []
    start = 0
    for request in requests:
        mine = positions[start : start + len(request.events)]
        start += len(request.events)
        results.append(mine)
        record = record_for(request.pending, mine, request.events)
        if record is not None:
            records.append(record)
    return results, records


CHUNK = 200  # rows per multi-row INSERT (SQLite allows 32,766 parameters)


def chunks(rows: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def flat(rows: Sequence[Sequence[Any]]) -> list[Any]:
    return [value for row in rows for value in row]
