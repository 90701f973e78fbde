"""The tamper-evident chain: each event is linked to its predecessor by SHA-256.

link = SHA-256 over length-prefixed parts: previous hash, previous position, position,
aggregate id, aggregate version, event type (topic) and the stored state bytes (payload and
metadata as recorded). Links are written in the same transaction as their events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import sha256
from struct import Struct
from typing import Any, Protocol
from uuid import UUID

GENESIS = bytes(32)


@dataclass(frozen=True)
class Link:
    position: int
    prev_position: int
    hash: bytes


def canonical_id(originator_id: Any) -> str:
    return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))


_LENGTH = Struct(">Q").pack  # 8-byte big-endian length prefix


def link_hash(
    prev_hash: bytes,
    prev_position: int,
    position: int,
    originator_id: Any,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    parts = (
        prev_hash,
        b"%d" % prev_position,
        b"%d" % position,
        canonical_id(originator_id).encode(),
        b"%d" % version,
        topic.encode(),
        bytes(state),
    )
    return sha256(b"".join([_LENGTH(len(part)) + part for part in parts])).digest()


def extend_chain(
    head: Link | None, positions: Sequence[int], stored_events: Sequence[Any]
) -> list[Link]:
    """Links for newly inserted events, continuing from the current head."""
    prev_position, prev_hash = (head.position, head.hash) if head else (0, GENESIS)
    links = []
    for position, stored in zip(positions, stored_events, strict=True):
        digest = link_hash(
            prev_hash,
            prev_position,
            position,
            stored.originator_id,
            stored.originator_version,
            stored.topic,
            stored.state,
        )
        links.append(Link(position, prev_position, digest))
        prev_position, prev_hash = position, digest
    return links


class ChainSource(Protocol):
    def select_notifications(
        self, start: int | None, limit: int, *, inclusive_of_start: bool = True
    ) -> Sequence[Any]: ...

    def select_links(self, after: int, limit: int) -> Sequence[Link]: ...


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    head_position: int
    head_hash: str
    first_bad_position: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _paged(fetch: Any, page: int) -> Iterator[Any]:
    after = 0
    while batch := fetch(after, page):
        yield from batch
        after = batch[-1].position if isinstance(batch[-1], Link) else batch[-1].id


def _merged(events: Iterable[Any], links: Iterable[Link]) -> Iterator[tuple[int, Any, Link | None]]:
    """Walk events and links together in position order; either side may be missing."""
    events_it, links_it = iter(events), iter(links)
    event, link = next(events_it, None), next(links_it, None)
    while event is not None or link is not None:
        e_pos = event.id if event is not None else None
        l_pos = link.position if link is not None else None
        if l_pos is None or (e_pos is not None and e_pos < l_pos):
            yield e_pos, event, None
            event = next(events_it, None)
        elif e_pos is None or l_pos < e_pos:
            yield l_pos, None, link
            link = next(links_it, None)
        else:
            yield e_pos, event, link
            event, link = next(events_it, None), next(links_it, None)


def verify_chain(source: ChainSource, *, page: int = 2000, progress: Any = None) -> VerifyReport:
    """Recompute every link; report the first position that was altered, deleted,
    inserted or reordered."""
    events = _paged(
        lambda after, n: source.select_notifications(after, n, inclusive_of_start=False), page
    )
    links = _paged(source.select_links, page)
    prev_position, prev_hash, checked = 0, GENESIS, 0
    for position, event, link in _merged(events, links):
        found = _check(position, event, link, prev_position, prev_hash)
        if found:
            bad_position, problem = found
            return VerifyReport(
                False, checked, prev_position, prev_hash.hex(), bad_position, problem
            )
        assert link is not None
        prev_position, prev_hash = position, link.hash
        checked += 1
        if progress is not None and checked % page == 0:
            progress(checked)
    return VerifyReport(True, checked, prev_position, prev_hash.hex())


def _check(
    position: int, event: Any, link: Link | None, prev_position: int, prev_hash: bytes
) -> tuple[int, str] | None:
    if link is None:
        return position, f"event at position {position} has no chain link (inserted)"
    if event is None:
        return position, f"event at position {position} is missing (deleted)"
    if link.prev_position > prev_position:
        missing = link.prev_position
        return missing, f"position {position} links back to {missing}, which is missing (deleted)"
    if link.prev_position != prev_position:
        return position, (
            f"position {position} links back to {link.prev_position}, not {prev_position} (reordered)"
        )
    expected = link_hash(
        prev_hash,
        prev_position,
        position,
        event.originator_id,
        event.originator_version,
        event.topic,
        event.state,
    )
    if expected != link.hash:
        return position, f"event at position {position} was altered (its hash does not match)"
    return None


def parse_head(text: str) -> tuple[int, str]:
    """Parse an exported head digest `POSITION:HEX`."""
    position, _, digest = text.strip().partition(":")
    if not position.isdigit() or len(digest) != 64:
        raise ValueError("a head digest looks like 1234:<64 hex digits>")
    return int(position), digest.lower()
