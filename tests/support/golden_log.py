"""The golden demo log: the Tianqiao scenario's stored rows, as written by the code of the
day it was recorded (tests/fixtures/golden_demo_log.jsonl.gz, one JSON object per event:
position, originator id and version, topic, state bytes as UTF-8 text, and its chain link).

Never regenerate it because a module or an event class moved: the point of the file is
that a log written before the move still loads, replays and verifies after it (register
the old topics in domain/moved_topics.py instead). To record it afresh (only when the
stored format itself changes on purpose, and with the reviewers' consent):

    .venv/bin/python -m tests.support.golden_log --write
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from infra.storage.chain import Link, canonical_id

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden_demo_log.jsonl.gz"
PAGE = 500


@dataclass(frozen=True)
class GoldenRow:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: str
    prev_position: int
    hash: str

    @property
    def stored_event(self) -> StoredEvent:
        return StoredEvent(
            UUID(self.originator_id), self.originator_version, self.topic, self.state.encode()
        )

    @property
    def link(self) -> Link:
        return Link(self.position, self.prev_position, bytes.fromhex(self.hash))


def read(path: Path = GOLDEN) -> list[GoldenRow]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [GoldenRow(**json.loads(line)) for line in lines]


def stored_rows(recorder: Any) -> Iterator[GoldenRow]:
    """Every event of a chained recorder with its link, in log order."""
    after = 0
    while rows := recorder.select_chained(after, PAGE):
        for position, originator_id, version, topic, state, _, prev, digest in rows:
            yield GoldenRow(
                position,
                canonical_id(originator_id),
                version,
                topic,
                bytes(state).decode("utf-8"),
                prev,
                bytes(digest).hex(),
            )
        after = rows[-1][0]


def write(rows: Iterator[GoldenRow], path: Path = GOLDEN) -> int:
    count = 0
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
    ):
        for row in rows:
            packed.write((json.dumps(vars(row), ensure_ascii=False) + "\n").encode("utf-8"))
            count += 1
    return count


def load_into(app: Any, rows: Sequence[GoldenRow]) -> None:
    """Write the rows to a fresh log through the application's recorder, a page at a time
    (the positions a fresh log hands out are the golden ones: 1, 2, 3...)."""
    for start in range(0, len(rows), PAGE):
        app.recorder.insert_events([row.stored_event for row in rows[start : start + PAGE]])


def record(path: Path = GOLDEN) -> int:
    """Load the Tianqiao scenario with today's code into an SQLite file; export its rows."""
    from infra.bootstrap import build_system
    from infra.settings import Settings
    from scenarios.tianqiao import load_tianqiao

    with tempfile.TemporaryDirectory(prefix="golden-") as folder:
        system = build_system(Settings(database_url=f"sqlite:///{folder}/demo.db"))
        try:
            load_tianqiao(system.app)
            return write(stored_rows(system.app.recorder), path)
        finally:
            system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="overwrite the committed file")
    if not parser.parse_args().write:
        parser.error("read the module's docstring first; then pass --write")
    print(f"{GOLDEN}: {record():,} events")


if __name__ == "__main__":
    main()
