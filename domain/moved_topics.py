"""Topics that moved: the one place where a stored log's old topics meet today's code.

A stored event names its class by topic (`domain.<module>:<Aggregate>.<Event>`), and a
Created event's state names its aggregate class (`originator_topic`). Stored logs are
never rewritten, so when a domain module, an aggregate or an event class is renamed or
moved, its old topic goes here, mapped to the new one. An entry may name a module
(`"domain.old": "domain.new"`), a class or an event class; the library resolves every topic
under a registered module or class through it (`eventsourcing.utils.resolve_topic`).
"""

from __future__ import annotations

from eventsourcing.utils import register_topic, resolve_topic

MOVED_TOPICS: dict[str, str] = {}


def register_moved_topics() -> None:
    """Make every old topic resolve to what it names today (the application's store and
    the Kafka workers' mapper call this before decoding anything)."""
    for old, new in MOVED_TOPICS.items():
        register_topic(old, resolve_topic(new))


def former_topics(topic: str) -> list[str]:
    """The topics an event stored under `topic` today was stored under before a move."""
    found = []
    for old, new in MOVED_TOPICS.items():
        if topic == new or topic.startswith(new + ("." if ":" in new else ":")):
            former = old + topic[len(new) :]
            found += [former, *former_topics(former)]
    return found
