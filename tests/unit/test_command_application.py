"""The application's own save() and load() (they skip the library's runtime Protocol checks)
store and replay exactly what the library's would: save() as infra wires it
(infra/storage/library_seams.py), load() as the domain's CommandApplication has it."""

from __future__ import annotations

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.base import LedgerAggregate
from infra.storage.event_store import LedgerApp


class Counter(LedgerAggregate):
    @event("Started")
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    @event("Counted")
    def count_up(self) -> None:
        self.count += 1


class PlainNote(Aggregate):  # not one of ours: saved through the library's own checks
    @event("Written")
    def __init__(self, text: str) -> None:
        self.text = text


def test_save_records_our_aggregates_and_others_in_one_call() -> None:
    app = LedgerApp()
    counter, note = Counter(name="a"), PlainNote(text="b")
    counter.count_up()
    recordings = app.save(counter, None, note)
    assert [r.domain_event.originator_id for r in recordings] == [counter.id, counter.id, note.id]
    assert [n.id for n in app.notification_log.select(start=1, limit=10)] == [1, 2, 3]


def test_save_of_a_bare_event_records_it() -> None:
    app = LedgerApp()
    counter = Counter(name="a")
    (started,) = counter.collect_events()
    app.save(started)
    assert app.repository.get(counter.id).name == "a"


def test_load_replays_like_the_library() -> None:
    ours, library = LedgerApp(), Application()
    for app in (ours, library):
        counter = Counter(name="a")
        for _ in range(3):
            counter.count_up()
        app.save(counter)
        loaded = ours.load(Counter, counter.id) if app is ours else app.repository.get(counter.id)
        assert (loaded.name, loaded.count, loaded.version) == ("a", 3, 4)
