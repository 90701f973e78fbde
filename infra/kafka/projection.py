"""Runs a projection from the Kafka topic instead of the database.

Partitions are assigned by hand (no consumer group): `partitions` names the ones this
worker owns. Each poll is applied in ONE view-database transaction that also moves the
partition offsets in `kafka_offsets` (compare-and-set), so a restart neither skips nor
double-counts. Events are rebuilt from the message's public fields and checked against
their chain link (infra.kafka.integration_event.decode) before they are ordered or applied.

Order. Kafka orders messages within a partition only. Projections whose handlers read rows
of other aggregates (the org registry reads a unit's parent) need the log order, so by
default a worker owns ALL partitions and re-orders by the chain: every message names its
predecessor (`chain.prev_position`), and an event is applied only once its predecessor
has been, so the view sees exactly the database order. A projection that only touches its
own aggregate's rows sets `partition_safe = True` and may be split across workers, each
applying its partitions in arrival order.

Duplicates (relay resends, a republished topic) are recognised by position: per partition
(or, ordered, globally) the highest applied position is stored with the offset; anything at
or below it is dropped. Malformed, altered or foreign messages are logged, counted and
skipped; events whose personal fields were redacted are counted as `undecodable`.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kafka import TopicPartition
from sqlalchemy import BigInteger, Column, Engine, Integer, MetaData, String, Table, select, update

from domain.moved_topics import register_moved_topics
from infra.kafka.clients import make_consumer
from infra.kafka.integration_event import IntegrationEvent, MalformedEvent, decode, parse
from infra.projection_runner import PositionMoved
from infra.settings import Settings
from infra.views.unit_of_work import RowCache, apply_events, view_transaction
from projections.base import Projection

log = logging.getLogger(__name__)

metadata = MetaData()

kafka_offsets = Table(
    "kafka_offsets",
    metadata,
    Column("projection", String(80), primary_key=True),
    Column("topic", String(249), primary_key=True),
    Column("partition", Integer, primary_key=True),
    Column("offset", BigInteger, nullable=False),  # next offset to read
    Column("position", BigInteger, nullable=False),  # highest log position applied from it
)


@dataclass(frozen=True)
class Pending:
    partition: int
    offset: int
    event: IntegrationEvent
    topic: str  # the event's class topic
    domain_event: Any  # None: cannot be rebuilt (personal fields redacted)


def worker_mapper() -> Any:
    """The application's mapper without its event store: a worker machine needs no access
    to the ledger database (the cipher/compressor settings, if any, come from the environment
    as for the application itself)."""
    from infra.storage.event_store import LedgerApp

    register_moved_topics()
    return LedgerApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}).mapper


class KafkaProjectionRunner:
    def __init__(
        self,
        mapper: Any,
        engine: Engine,
        projection: Projection,
        settings: Settings,
        *,
        partitions: list[int] | None = None,
        consumer: Any = None,
        max_records: int = 2000,
    ) -> None:
        self.mapper = mapper
        self.engine = engine
        self.projection = projection
        self.topic = settings.kafka_topic
        self.ordered = not projection.partition_safe
        self.consumer = consumer or make_consumer(settings)
        everything = sorted(self.consumer.partitions_for_topic(self.topic) or ())
        everything = everything or list(range(settings.kafka_partitions))
        self.partitions = sorted(partitions) if partitions is not None else everything
        if self.ordered and self.partitions != everything:
            self.consumer.close()
            raise ValueError(
                f"{projection.name} needs the log order: one worker must own all partitions"
            )
        self.max_records = max_records
        if getattr(mapper, "cipher", None) is not None:
            log.warning("%s: encrypted event store: chain links not checked", projection.name)
        self.cache = RowCache()
        self.counts: Counter[str] = Counter()
        self._pending: dict[int, Pending] = {}  # ordered: prev_position -> waiting event
        self._offsets: dict[int, tuple[int, int]] = {}
        with engine.begin() as conn:
            for table in projection.tables.values():
                table.create(conn, checkfirst=True)
            kafka_offsets.create(conn, checkfirst=True)
        self._load()

    # -- offsets ----------------------------------------------------------------------------

    def _load(self) -> None:
        t = kafka_offsets
        where = (t.c.projection == self.projection.name) & (t.c.topic == self.topic)
        with self.engine.begin() as conn:
            rows = {
                r.partition: (r.offset, r.position) for r in conn.execute(select(t).where(where))
            }
            for p in self.partitions:
                if p not in rows:
                    conn.execute(
                        t.insert().values(
                            projection=self.projection.name,
                            topic=self.topic,
                            partition=p,
                            offset=0,
                            position=0,
                        )
                    )
                    rows[p] = (0, 0)
        self._offsets = {p: rows[p] for p in self.partitions}
        self._pending.clear()
        self.cache.clear()
        tps = [TopicPartition(self.topic, p) for p in self.partitions]
        self.consumer.assign(tps)
        for tp in tps:
            self.consumer.seek(tp, self._offsets[tp.partition][0])

    @property
    def position(self) -> int:
        """The log position applied (ordered) or the lowest per-partition one."""
        positions = [pos for _, pos in self._offsets.values()]
        return max(positions, default=0) if self.ordered else min(positions, default=0)

    def status(self) -> dict[str, Any]:
        return {
            "projection": self.projection.name,
            "position": self.position,
            "waiting": len(self._pending),
            **self.counts,
        }

    # -- running ----------------------------------------------------------------------------

    def run(self, stop: threading.Event, poll_ms: int = 200) -> None:
        while not stop.is_set():
            self.poll(poll_ms)

    def poll(self, timeout_ms: int = 200) -> int:
        """Fetch what is there and apply it; returns how many events were applied."""
        batches = self.consumer.poll(timeout_ms=timeout_ms, max_records=self.max_records)
        arrived: list[tuple[int, int, Pending | None]] = []
        for tp, records in batches.items():
            for record in records:
                arrived.append((tp.partition, record.offset, self._parse(record)))
        if not arrived:
            return 0
        ready, offsets = self._select(arrived)
        try:
            self._apply(ready, offsets)
        except PositionMoved:
            log.warning("%s: another worker moved the offsets; reloading", self.projection.name)
            self._load()
            return 0
        return len(ready)

    def _parse(self, record: Any) -> Pending | None:
        """Parse, rebuild and check one message; None (counted, logged) if refused."""
        try:
            event = parse(record.value)
            return Pending(record.partition, record.offset, event, *decode(event, self.mapper))
        except MalformedEvent as exc:
            self.counts["malformed"] += 1
            log.warning(
                "%s: skipped message at partition %d offset %d: %s",
                self.projection.name,
                record.partition,
                record.offset,
                exc,
            )
            return None

    def _select(
        self, arrived: list[tuple[int, int, Pending | None]]
    ) -> tuple[list[Pending], dict[int, tuple[int, int]]]:
        """Which events to apply now, and the offsets (next offset, position) to store."""
        consumed = {p: off for p, (off, _) in self._offsets.items()}
        applied = {p: pos for p, (_, pos) in self._offsets.items()}
        ready: list[Pending] = []
        done = max(applied.values(), default=0)
        for partition, offset, item in arrived:
            consumed[partition] = offset + 1
            if item is None:
                continue
            event = item.event
            if self.ordered:
                if event.position <= done or event.prev_position in self._pending:
                    self.counts["duplicates"] += 1
                elif event.prev_position < done:
                    self.counts["malformed"] += 1
                    log.warning("position %d: chain conflicts with %d", event.position, done)
                else:
                    self._pending[event.prev_position] = item
                    while done in self._pending:
                        ready.append(self._pending.pop(done))
                        done = ready[-1].event.position
            elif event.position <= applied[partition]:
                self.counts["duplicates"] += 1
            else:
                ready.append(item)
                applied[partition] = event.position
        for item in ready:
            applied[item.partition] = max(applied[item.partition], item.event.position)
        for item in self._pending.values():  # not applied yet: read again
            consumed[item.partition] = min(consumed[item.partition], item.offset)
        return ready, {p: (consumed[p], applied[p]) for p in self._offsets}

    def _apply(self, ready: list[Pending], offsets: dict[int, tuple[int, int]]) -> None:
        events = []
        for item in ready:
            if item.topic not in self.projection.topics:
                continue
            if item.domain_event is None:
                self.counts["undecodable"] += 1
                continue
            events.append((item.event.position, item.topic, item.domain_event))
        changed = {p: v for p, v in offsets.items() if v != self._offsets[p]}
        if not changed:
            return
        with view_transaction(self.engine, self.projection.tables, self.cache) as view:
            self._advance(view.conn, changed)
            apply_events(self.projection, events, view)
        self._offsets.update(changed)
        self.counts["applied"] += len(ready)

    def _advance(self, conn: Any, changed: dict[int, tuple[int, int]]) -> None:
        t = kafka_offsets
        for partition, (offset, position) in changed.items():
            old_offset, old_position = self._offsets[partition]
            result = conn.execute(
                update(t)
                .where(
                    (t.c.projection == self.projection.name)
                    & (t.c.topic == self.topic)
                    & (t.c.partition == partition)
                    & (t.c.offset == old_offset)
                    & (t.c.position == old_position)
                )
                .values(offset=offset, position=position)
            )
            if result.rowcount != 1:
                raise PositionMoved(f"{self.projection.name}/{partition}")

    def catch_up(self, position: int, *, max_polls: int = 200, poll_ms: int = 100) -> bool:
        """Poll until `position` is applied (tests, benchmarks); False if it never came."""
        for _ in range(max_polls):
            if self.position >= position:
                return True
            self.poll(poll_ms)
        return self.position >= position

    def close(self) -> None:
        self.consumer.close()
