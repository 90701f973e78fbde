"""The chain algorithm, without a database."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest

from infra.storage.chain import GENESIS, Link, extend_chain, link_hash, parse_head, verify_chain


@dataclass
class Stored:
    originator_id: object
    originator_version: int
    topic: str
    state: bytes
    id: int = 0


class MemoryLog:
    def __init__(self, n: int) -> None:
        self.events = [
            Stored(uuid4(), 1, "t:Ev", f'{{"n":{i}}}'.encode(), i) for i in range(1, n + 1)
        ]
        self.links = extend_chain(None, [e.id for e in self.events], self.events)
        self.link_reads: list[tuple[int, int]] = []

    def select_chained(self, after: int, limit: int) -> list[tuple]:
        links = {link.position: link for link in self.links}
        rows = []
        for e in [e for e in self.events if e.id > after][:limit]:
            link = links.get(e.id)
            rows.append(
                (
                    e.id,
                    e.originator_id,
                    e.originator_version,
                    e.topic,
                    e.state,
                    *((link.position, link.prev_position, link.hash) if link else (None,) * 3),
                )
            )
        return rows

    def select_links(self, after: int, limit: int) -> list[Link]:
        self.link_reads.append((after, limit))
        return [link for link in self.links if link.position > after][:limit]


def test_an_untouched_chain_verifies() -> None:
    log = MemoryLog(7)
    report = verify_chain(log, page=3)
    assert report.ok and report.checked == 7 and report.head_position == 7
    assert log.link_reads == [(7, 1)]  # one link past the last event is all it looks for


def test_a_good_report_names_the_head() -> None:
    log = MemoryLog(3)
    report = verify_chain(log)
    assert report.as_dict() == {"ok": True, "checked": 3, "head_position": 3,
                                "head_hash": log.links[-1].hash.hex(),
                                "first_bad_position": None, "problem": None}  # fmt: skip


def test_the_chain_continues_from_its_head() -> None:
    log = MemoryLog(5)
    assert extend_chain(log.links[1], [3, 4, 5], log.events[2:]) == log.links[2:]


def test_progress_is_reported_after_each_page() -> None:
    seen: list[int] = []
    assert verify_chain(MemoryLog(7), page=3, progress=seen.append).ok
    assert seen == [3, 6, 7]


def test_the_chain_starts_from_32_zero_bytes() -> None:
    assert bytes(32) == GENESIS
    (parts, digest) = GOLDEN[0]  # written by the first implementation, from position 0
    first = Stored(parts[3], parts[4], parts[5], parts[6], parts[2])
    assert extend_chain(None, [1], [first])[0] == Link(1, 0, bytes.fromhex(digest))


def test_an_altered_payload_is_named() -> None:
    log = MemoryLog(7)
    log.events[3].state = b'{"n":999}'
    report = verify_chain(log, page=3)
    assert not report.ok and report.first_bad_position == 4 and "altered" in report.problem


def test_a_deleted_event_and_its_link_are_named() -> None:
    log = MemoryLog(7)
    del log.events[4]
    del log.links[4]
    report = verify_chain(log, page=3)
    assert not report.ok and report.first_bad_position == 5 and "deleted" in report.problem


def test_an_inserted_event_without_link_is_named() -> None:
    log = MemoryLog(5)
    log.events.append(Stored(uuid4(), 1, "t:Ev", b"{}", 6))
    report = verify_chain(log)
    assert not report.ok and report.first_bad_position == 6 and "inserted" in report.problem


def test_swapped_events_are_caught_at_the_first_swapped_position() -> None:
    log = MemoryLog(6)
    log.events[1].state, log.events[2].state = log.events[2].state, log.events[1].state
    report = verify_chain(log)
    assert not report.ok and report.first_bad_position == 2


def test_gaps_in_positions_are_fine() -> None:
    log = MemoryLog(0)
    log.events = [Stored(uuid4(), 1, "t:Ev", b"{}", p) for p in (1, 2, 5, 9)]
    log.links = extend_chain(None, [1, 2, 5, 9], log.events)
    assert verify_chain(log).ok


def test_head_digest_parsing() -> None:
    assert parse_head("12:" + "AB" * 32) == (12, "ab" * 32)


def test_a_deleted_last_event_whose_link_remains_is_named() -> None:
    log = MemoryLog(5)
    del log.events[-1]
    report = verify_chain(log)
    assert not report.ok and report.first_bad_position == 5 and "deleted" in report.problem


# Digests written by the first implementation (commit 4cf74b6). Every stored log is chained
# with them: the link's bytes must never change, however link_hash is rewritten.
GOLDEN = [
    (
        (
            bytes(32),
            0,
            1,
            "5e737bac18f954de9741ae89c015163a",
            1,
            "domain.org_registry:OrgUnit.Registered",
            '{"name":"天桥区"}'.encode(),
        ),
        "066abd864c3cd5091fac89a1025b4a19d856615925cf62b026c20a453ab078dd",
    ),
    (
        (
            bytes(range(32)),
            41,
            42,
            UUID("6f1c2a4e-0000-4000-8000-00000000002a"),
            17,
            "domain.subsidy:SubsidyEntitlement.Disbursed",
            b"x" * 5000,
        ),
        "07f0e618c4d4d211206af516fcb722e3993acf487b272e4e864817aa478c034b",
    ),
    (
        (
            bytes([255]) * 32,
            123456789012,
            123456789015,
            "6F1C2A4E-0000-4000-8000-00000000002A",
            3,
            "t",
            b"",
        ),
        "ce0433df6ecb89241ec1e508d72790c42a723a436cd07e2b5041df4b087fa681",
    ),
]


@pytest.mark.parametrize(("parts", "digest"), GOLDEN)
def test_link_bytes_never_change(parts: tuple, digest: str) -> None:
    assert link_hash(*parts).hex() == digest


# -- parse_head: POSITION:64 hex digits, nothing else ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0:" + "0" * 64,
        " 7:" + "f" * 64 + "\n",
    ],
)
def test_head_digests_that_parse(text: str) -> None:
    every_digit = "0123456789abcdefABCDEF" * 2 + "0" * 20
    assert parse_head("3:" + every_digit) == (3, every_digit.lower())
    position, digest = parse_head(text)
    assert (position, digest) == (int(text.strip()[0]), text.strip()[2:])


@pytest.mark.parametrize(
    "text",
    [
        "",
        ":" + "a" * 64,
        "-1:" + "a" * 64,
        "x1:" + "a" * 64,
        "12:" + "a" * 63,
        "12:" + "a" * 65,
        "12 " + "a" * 64,
        "12:" + "g" * 64,
        "12:" + "a" * 62 + " a",
    ],
)
def test_malformed_head_digests_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"^a head digest looks like 1234:<64 hex digits>$"):
        parse_head(text)


# -- what verification says about a link that does not check out ---------------------------


def test_a_link_pointing_back_past_its_predecessor_is_named_reordered() -> None:
    log = MemoryLog(4)
    third = log.links[2]
    log.links[2] = Link(third.position, 1, third.hash)  # links back to 1, not 2
    report = verify_chain(log)
    assert report.ok is False and report.first_bad_position == 3 and report.checked == 2
    assert report.problem == "position 3 links back to 1, not 2 (reordered)"
    assert report.head_position == 2 and report.head_hash == log.links[1].hash.hex()


def test_a_link_pointing_forward_names_the_missing_event() -> None:
    log = MemoryLog(4)
    third = log.links[2]
    log.links[2] = Link(third.position, 9, third.hash)
    report = verify_chain(log)
    assert report.first_bad_position == 9
    assert report.problem == "position 3 links back to 9, which is missing (deleted)"


def test_the_problem_messages_are_exact() -> None:
    log = MemoryLog(3)
    log.events[1].state = b"changed"
    assert verify_chain(log).problem == "event at position 2 was altered (its hash does not match)"
    log = MemoryLog(3)
    log.links[1] = Link(2, 1, None)  # type: ignore[arg-type]
    assert verify_chain(log).problem == "event at position 2 has no chain link (inserted)"
    log = MemoryLog(3)
    del log.events[2]
    report = verify_chain(log)
    assert report.problem == "event at position 3 is missing (deleted)"
    assert (report.ok, report.checked, report.head_position) == (False, 2, 2)
    assert report.head_hash == log.links[1].hash.hex()


def test_a_link_for_each_event_or_nothing() -> None:
    log = MemoryLog(3)
    with pytest.raises(ValueError, match="zip"):
        extend_chain(None, [1, 2], log.events)


# -- the aggregate id is hashed in one canonical form -------------------------------------


def test_every_form_of_an_id_hashes_alike() -> None:
    from infra.storage.chain import canonical_id

    uuid = UUID("6f1c2a4e-0000-4000-8000-00000000002a")
    hex_ = uuid.hex.upper()
    forms = [uuid, str(uuid), str(uuid).upper(), uuid.hex, hex_, f"{{{uuid}}}",
             f"urn:uuid:{uuid}",
             # what UUID() accepts beyond the two stored forms is parsed, never passed through
             hex_ + "----", f"{hex_[:8]}-{hex_[8:]}", f"{uuid}-", f"{hex_[:9]}-{hex_[9:]}---"]  # fmt: skip
    assert {canonical_id(f) for f in forms} == {str(uuid)}
    with pytest.raises(ValueError, match="badly formed hexadecimal UUID string"):
        canonical_id("not-an-id")
