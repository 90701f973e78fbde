"""The relay: the notification log is the outbox; publish it, in log order, to Kafka.

Each page of the log is sent (key = aggregate id, value = infra.kafka.integration_event), then
flushed; only when the broker has acknowledged every message (acks=all) is the new position
stored in `relay_positions`, in the event-store database. A crash between the two resends
the page: at-least-once, never a gap (consumers drop duplicates by position).

Besides the position the relay stores, per partition, the offset after its last
acknowledged message. Kafka end offsets never go down, so if the broker reports lower ones
(or the topic is gone) the relay reads the last acknowledged record of those partitions; if
that is gone too, the broker lost the topic (a memory-only broker restarted, a topic
deleted): the relay logs it and republishes from position 0. (The end offsets alone are not
enough: Tansu 0.6 reports the base offset of a partition's last batch + 1, below the offset
it acknowledged.) `redprop relay --from N` forces a restart point by hand.

Size: a message larger than REDPROP_KAFKA_MAX_MESSAGE_BYTES (or one the broker refuses as
too large) is never skipped: the relay publishes what precedes it, then stops with
MessageTooLarge naming the position, type and size. Raise the limit (and the broker's or
topic's limit with it) and start the relay again. The same stop, with MissingLink, at an
event without its chain link: a tampered log is not published past the tampering.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kafka.errors import KafkaError, MessageSizeTooLargeError, RecordListTooLargeError
from sqlalchemy import BigInteger, Column, Engine, MetaData, String, Table, Text, select, update

from domain.app import RedPropertyApp
from infra.kafka.clients import (
    end_offsets,
    ensure_topic,
    make_consumer,
    make_producer,
    records_present,
)
from infra.kafka.integration_event import Message
from infra.kafka.relay_pages import ChildPageEncoder, MessageTooLarge, PageEncoder, RelayStopped
from infra.settings import Settings

log = logging.getLogger(__name__)

metadata = MetaData()

relay_positions = Table(
    "relay_positions",
    metadata,
    Column("topic", String(249), primary_key=True),
    Column("position", BigInteger, nullable=False),  # last log position acknowledged
    Column("offsets", Text, nullable=False),  # JSON {partition: next offset} as acknowledged
    Column("updated_at", String(40), nullable=False),
)


class BrokerReset(Exception):
    """The broker holds less of the topic than it acknowledged: republish from 0."""


@dataclass
class RelayStats:
    published: int = 0  # position stored
    sent: int = 0  # messages acknowledged (duplicates included)
    retries: int = 0
    resets: int = 0
    idempotent: bool | None = None
    last_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class BrokerUnreachable(Exception):
    """The broker did not answer within the time allowed."""


class KafkaRelay:
    def __init__(
        self,
        app: RedPropertyApp,
        engine: Engine,
        settings: Settings,
        *,
        page_size: int = 1000,
        flush_timeout: float = 30.0,
        backoff: tuple[float, float] = (0.5, 30.0),
        poll_seconds: float = 0.25,
        encode_in_child: bool = False,
    ) -> None:
        self.app = app
        self.engine = engine
        self.settings = settings
        self.topic = settings.kafka_topic
        self.page_size = page_size
        self.flush_timeout = flush_timeout
        self.backoff = backoff
        self.poll_seconds = poll_seconds
        self.stats = RelayStats()
        self._producer: Any = None
        self._partitions = settings.kafka_partitions
        self.pages = PageEncoder(app, settings, page_size)
        self.encode_in_child = encode_in_child
        self._ahead: PageEncoder | ChildPageEncoder | None = None  # encodes the next page
        metadata.create_all(engine, checkfirst=True)

    # -- the stored position ----------------------------------------------------------------

    def stored(self) -> tuple[int, dict[int, int]]:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(relay_positions).where(relay_positions.c.topic == self.topic)
            ).first()
            if row is None:
                conn.execute(relay_positions.insert().values(self._row(0, {})))
                return 0, {}
        offsets = {int(k): v for k, v in json.loads(row.offsets).items()}
        return row.position, offsets

    def store(self, position: int, offsets: dict[int, int]) -> None:
        row = self._row(position, offsets)
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(relay_positions).where(relay_positions.c.topic == self.topic).values(row)
            )
            if updated.rowcount == 0:
                conn.execute(relay_positions.insert().values(row))
        self.stats.published = position

    def _row(self, position: int, offsets: dict[int, int]) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "position": position,
            "offsets": json.dumps({str(k): v for k, v in sorted(offsets.items())}),
            "updated_at": datetime.now(UTC).isoformat(),
        }

    def lag(self) -> int:
        head = self.app.recorder.max_notification_id() or 0
        return head - self.stored()[0]

    # -- running ----------------------------------------------------------------------------

    def run(
        self,
        *,
        once: bool = False,
        stop: threading.Event | None = None,
        give_up_after: float | None = None,
    ) -> int:
        """Publish until stopped (or, with `once`, until the head of the log); retry with
        exponential backoff on broker errors, for at most `give_up_after` seconds without
        progress if given (then `BrokerUnreachable`). Returns the position reached."""
        stop = stop or threading.Event()
        delay = self.backoff[0]
        since = time.monotonic()
        while not stop.is_set():
            try:
                if self.publish_available():
                    delay, since = self.backoff[0], time.monotonic()
                if once:
                    self.close()
                    return self.stats.published
                stop.wait(self.poll_seconds)
            except RelayStopped as exc:
                self.stats.last_error = str(exc)
                self.close()
                log.error("relay stopped at position %d: %s", self.stats.published, exc)
                raise
            except (KafkaError, BrokerReset, OSError) as exc:
                self.stats.retries += 1
                self.stats.last_error = repr(exc)
                self.disconnect()
                if give_up_after is not None and time.monotonic() - since >= give_up_after:
                    self.close()
                    raise BrokerUnreachable(
                        f"no answer from the Kafka broker at {self.settings.kafka_bootstrap} "
                        f"within {give_up_after:g} s (last error: {exc!r})"
                    ) from exc
                log.warning("relay: %r; retrying in %.1fs (lag %d)", exc, delay, self.lag())
                stop.wait(delay)
                delay = min(delay * 2, self.backoff[1])
        self.close()
        return self.stats.published

    def connect(self) -> None:
        """Make sure the topic exists and still holds what was acknowledged; open a producer."""
        if self._producer is not None:
            return
        timeouts = self._timeouts()
        self._partitions = ensure_topic(self.settings, request_timeout_ms=timeouts["max_block_ms"])
        position, offsets = self.stored()
        self.stats.published = position  # what run() reports even if nothing new is sent
        consumer = make_consumer(self.settings, request_timeout_ms=timeouts["max_block_ms"] + 1)
        try:
            found = end_offsets(consumer, self.topic, self._partitions)
        finally:
            consumer.close()
        lower = {p: (o, found.get(p, 0)) for p, o in offsets.items() if found.get(p, 0) < o}
        if lower:  # lost, or a broker that reports too little (Tansu): read the last record
            last = {p: acknowledged - 1 for p, (acknowledged, _) in lower.items()}
            present = records_present(
                self.settings, self.topic, last, timeout=min(self.flush_timeout, 5.0)
            )
            lost = {p: lower[p] for p, there in present.items() if not there}
            if lost:
                self._reset(f"end offsets {lost} (acknowledged, found) went down")
            log.info("relay: end offsets %s below acknowledged, records still there", lower)
        self._producer = self._open_producer(timeouts)
        self._producer.partitions_for(self.topic)  # the topic's metadata, before the first send
        self._encoder_ahead()  # a child encoder starts now, not in the first page's time
        log.info("relay: connected; published %d, lag %d", position, self.lag())

    def _open_producer(self, timeouts: dict[str, int]) -> Any:
        """acks=all with an idempotent producer; without idempotence if the broker refuses."""
        for idempotent in (True, False):
            try:
                producer = make_producer(self.settings, idempotent=idempotent, **timeouts)
                self.stats.idempotent = idempotent
                return producer
            except KafkaError as exc:
                if not idempotent:
                    raise
                log.warning("relay: idempotent producer refused (%r); using acks=all only", exc)
        raise AssertionError("unreachable")

    def _timeouts(self) -> dict[str, int]:
        ms = int(self.flush_timeout * 1000)
        return {
            "max_block_ms": ms,
            "request_timeout_ms": max(ms // 2, 1000),
            "delivery_timeout_ms": ms + max(ms // 2, 1000) + 1000,
        }

    def disconnect(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=0)
            except Exception:  # noqa: BLE001 - a broken producer: drop it
                log.debug("relay: closing the producer failed", exc_info=True)
            self._producer = None

    def publish_page(self) -> int:
        """Send the next page, wait for every acknowledgement, then store the position.
        Returns how many log entries were published (0 at the head)."""
        self.connect()
        messages = self.encode_page(self.stored()[0])
        if messages:
            self._acknowledge(messages, self._send(messages))
        return len(messages)

    def publish_available(self) -> int:
        """Publish up to the head, page by page, keeping the broker busy: while a page is
        on its way the next one is encoded (in the child encoder, if any) and sent, and only
        then are the earlier page's acknowledgements awaited and its position stored."""
        self.connect()
        ahead = self._encoder_ahead()
        unacknowledged: tuple[list[Message], list[Any]] | None = None
        total = 0
        upcoming = ahead.submit(self.stored()[0])
        while True:
            try:
                messages = upcoming.result()
            except RelayStopped:
                if unacknowledged:  # store what precedes it, then stop
                    self._acknowledge(*unacknowledged)
                raise
            if messages:
                upcoming = ahead.submit(messages[-1].position)
                sent = (messages, self._send(messages))
            if unacknowledged:
                self._acknowledge(*unacknowledged)
                total += len(unacknowledged[0])
            if not messages:
                return total
            unacknowledged = sent

    def _encoder_ahead(self) -> PageEncoder | ChildPageEncoder:
        if self._ahead is None:
            self._ahead = (
                ChildPageEncoder(self.settings, self.page_size)
                if self.encode_in_child
                else self.pages
            )
        return self._ahead

    def close(self) -> None:
        """Disconnect and stop the child encoder, if any."""
        self.disconnect()
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None

    def _send(self, messages: list[Message]) -> list[Any]:
        futures = []
        for m in messages:
            try:
                futures.append(
                    self._producer.send(self.topic, key=m.key, value=m.value, headers=m.headers)
                )
            except MessageSizeTooLargeError as exc:  # the producer's own limit is lower
                raise MessageTooLarge(
                    f"the producer refused position {m.position} ({m.size:,} bytes): {exc}"
                ) from exc
        return futures

    def _acknowledge(self, messages: list[Message], futures: list[Any]) -> None:
        """Wait for this page's acknowledgements (later pages may be in flight; the
        producer sends a partial batch after linger_ms), then store its position."""
        _, offsets = self.stored()
        deadline = time.monotonic() + self.flush_timeout
        acked = dict(offsets)
        for message, future in zip(messages, futures, strict=True):
            try:  # raises the send error, if any
                meta = future.get(timeout=max(deadline - time.monotonic(), 0.001))
            except (MessageSizeTooLargeError, RecordListTooLargeError) as exc:
                raise MessageTooLarge(
                    f"the broker refused position {message.position} "
                    f"({message.size:,} bytes) as too large ({exc}); raise the broker's "
                    "message.max.bytes / the topic's max.message.bytes"
                ) from exc
            if meta.offset < offsets.get(meta.partition, 0):
                self._reset(f"partition {meta.partition} acknowledged offset {meta.offset}")
            acked[meta.partition] = max(acked.get(meta.partition, 0), meta.offset + 1)
        self.before_store(messages[-1].position)
        self.store(messages[-1].position, acked)
        self.stats.sent += len(messages)
        if len(messages) == self.page_size:  # a full page: more may follow, say how far
            position = messages[-1].position
            head = self.app.recorder.max_notification_id() or 0
            log.info("relay: published up to %d (lag %d)", position, head - position)

    def before_store(self, position: int) -> None:
        """Hook between the acknowledgement and the stored position (crash tests)."""

    def encode_page(self, after: int) -> list[Message]:
        return self.pages.encode(after)

    def _reset(self, why: str) -> None:
        self.stats.resets += 1
        log.warning("relay: the broker lost topic %s (%s); republishing from 0", self.topic, why)
        self.store(0, {})
        raise BrokerReset(why)


def relay_status(engine: Engine, app: RedPropertyApp, topic: str) -> dict[str, Any]:
    """For /healthz: the published position and the lag behind the log head."""
    head = app.recorder.max_notification_id() or 0
    try:
        with engine.connect() as conn:
            position = conn.execute(
                select(relay_positions.c.position).where(relay_positions.c.topic == topic)
            ).scalar()
    except Exception as exc:  # noqa: BLE001 - no relay has run against this database yet
        return {"topic": topic, "published": None, "lag": head, "error": type(exc).__name__}
    return {"topic": topic, "published": position or 0, "lag": head - (position or 0)}
