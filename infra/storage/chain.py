"""The tamper-evident chain: each event is linked to its predecessor by SHA-256.

link = SHA-256 over length-prefixed parts: previous hash, previous position, position,
aggregate id, aggregate version, event type (topic) and the stored state bytes (payload and
metadata as recorded). Links are written in the same transaction as their events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import sha256
from struct import Struct
from typing import Any, NamedTuple, Protocol
from uuid import UUID

GENESIS = bytes(32)


class Link(NamedTuple):
    position: int
    prev_position: int
    hash: bytes


def canonical_id(originator_id: Any) -> str:
    """The dashed lower-case form of a UUID (SQLite stores 32 hex digits, PostgreSQL a uuid)."""
    if isinstance(originator_id, UUID):
        return str(originator_id)
    text = str(originator_id)
    if len(text) == 36 and text[8] == "-":  # already dashed (PostgreSQL's uuid::text)
        return text.lower()
    if len(text) == 32:  # the hex form: insert the dashes without parsing
        h = text.lower()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return str(UUID(text))


_LENGTH = Struct(">Q").pack  # 8-byte big-endian length prefix
_SHORT = tuple(_LENGTH(n) for n in range(64))  # the prefixes of the short parts, made once
_PARTS = b"%b" * 14  # seven (length, part) pairs


def link_hash(
    prev_hash: bytes,
    prev_position: int,
    position: int,
    originator_id: Any,
    version: int,
    topic: str,
    state: bytes,
) -> bytes:
    prev = b"%d" % prev_position
    this = b"%d" % position
    aggregate = canonical_id(originator_id).encode()
    number = b"%d" % version
    kind = topic.encode()
    return sha256(
        _PARTS
        % (
            _LENGTH(len(prev_hash)),
            prev_hash,
            _SHORT[len(prev)],  # decimal digits and a dashed UUID: always under 64 bytes
            prev,
            _SHORT[len(this)],
            this,
            _SHORT[len(aggregate)],
            aggregate,
            _SHORT[len(number)],
            number,
            _LENGTH(len(kind)),
            kind,
            _LENGTH(len(state)),
            state,
        )
    ).digest()


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
    def select_chained(self, after: int, limit: int) -> Sequence[tuple[Any, ...]]: ...

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


def verify_chain(source: ChainSource, *, page: int = 2000, progress: Any = None) -> VerifyReport:
    """Recompute every link; report the first position that was altered, deleted,
    inserted or reordered. One query per page reads events joined with their links."""
    prev_position, prev_hash, checked = 0, GENESIS, 0
    while rows := source.select_chained(prev_position, page):
        for position, originator_id, version, topic, state, _, link_prev, link_digest in rows:
            if not (
                link_prev == prev_position
                and link_digest is not None
                and link_hash(
                    prev_hash, prev_position, position, originator_id, version, topic, state
                )
                == link_digest
            ):  # the link does not check out: say how
                bad, problem = _problem(position, link_prev, link_digest, prev_position)
                return VerifyReport(False, checked, prev_position, prev_hash.hex(), bad, problem)
            prev_position, prev_hash = position, bytes(link_digest)
            checked += 1
        if progress is not None:
            progress(checked)
    orphan = source.select_links(prev_position, 1)
    if orphan:  # a link after the last event: that event was deleted
        problem = f"event at position {orphan[0].position} is missing (deleted)"
        return VerifyReport(
            False, checked, prev_position, prev_hash.hex(), orphan[0].position, problem
        )
    return VerifyReport(True, checked, prev_position, prev_hash.hex())


def _problem(
    position: int,
    link_prev: int | None,
    link_digest: bytes | None,
    prev_position: int,
) -> tuple[int, str]:
    """The first bad position and what is wrong, for a link that did not check out."""
    if link_prev is None or link_digest is None:
        return position, f"event at position {position} has no chain link (inserted)"
    if link_prev > prev_position:
        return (
            link_prev,
            f"position {position} links back to {link_prev}, which is missing (deleted)",
        )
    if link_prev != prev_position:
        return (
            position,
            f"position {position} links back to {link_prev}, not {prev_position} (reordered)",
        )
    return position, f"event at position {position} was altered (its hash does not match)"


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def parse_head(text: str) -> tuple[int, str]:
    """Parse an exported head digest `POSITION:HEX`."""
    position, _, digest = text.strip().partition(":")
    if not position.isdigit() or len(digest) != 64 or not set(digest) <= _HEX_DIGITS:
        raise ValueError("a head digest looks like 1234:<64 hex digits>")
    return int(position), digest.lower()
