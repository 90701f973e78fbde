"""Golden vectors: the genesis value and a whole small log, pinned in a committed fixture
(read from disk, so not a unit test). A change to how links are computed breaks every
existing log; these tests say so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.storage.chain import GENESIS, Link, VerifyReport, extend_chain, parse_head, verify_chain

FIXTURE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "chain_golden_log.json").read_text("utf-8")
)


@dataclass
class Stored:
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes


EVENTS = [
    Stored(e["originator_id"], e["originator_version"], e["topic"], e["state"].encode())
    for e in FIXTURE["events"]
]
POSITIONS = [e["position"] for e in FIXTURE["events"]]
LINKS = [
    Link(x["position"], x["prev_position"], bytes.fromhex(x["hash"])) for x in FIXTURE["links"]
]


class FixtureLog:
    """The fixture as a ChainSource."""

    def __init__(self, events: list[Stored], links: list[Link]) -> None:
        self.events, self.links = events, links
        self.positions = POSITIONS[: len(events)]
        self.link_reads: list[tuple[int, int]] = []

    def select_chained(self, after: int, limit: int) -> list[tuple]:
        by_position = {link.position: link for link in self.links}
        rows = []
        for position, e in zip(self.positions, self.events, strict=True):
            if position <= after or len(rows) == limit:
                continue
            link = by_position.get(position)
            rows.append((position, e.originator_id, e.originator_version, e.topic, e.state,
                         *((link.position, link.prev_position, link.hash) if link else
                           (None, None, None))))  # fmt: skip
        return rows

    def select_links(self, after: int, limit: int) -> list[Link]:
        self.link_reads.append((after, limit))
        return [link for link in self.links if link.position > after][:limit]


def test_the_genesis_value_is_32_zero_bytes() -> None:
    assert GENESIS == bytes.fromhex(FIXTURE["genesis"]) == bytes(32)


def test_the_log_is_chained_exactly_as_it_was_written() -> None:
    assert extend_chain(None, POSITIONS, EVENTS) == LINKS


def test_continuing_from_a_head_gives_the_same_links() -> None:
    head = LINKS[2]
    assert extend_chain(head, POSITIONS[3:], EVENTS[3:]) == LINKS[3:]


@pytest.mark.parametrize("page", [1, 2, 6, 2000])
def test_the_written_log_verifies_to_its_recorded_head(page: int) -> None:
    seen: list[int] = []
    log = FixtureLog(EVENTS, LINKS)
    report = verify_chain(log, page=page, progress=seen.append)
    assert log.link_reads == [(10, 1)]  # one link past the last event is all it looks for
    position, digest = parse_head(FIXTURE["head"])
    assert report == VerifyReport(True, 6, position, digest)
    assert report.as_dict() == {"ok": True, "checked": 6, "head_position": 10,
                                "head_hash": digest, "first_bad_position": None,
                                "problem": None}  # fmt: skip
    assert seen[-1] == 6 and seen == sorted(seen) and len(seen) == -(-6 // page)


def test_an_empty_log_verifies_with_the_genesis_head() -> None:
    report = verify_chain(FixtureLog([], []))
    assert report == VerifyReport(True, 0, 0, bytes(32).hex())
