"""The ledger application as the system runs it, built on the database named by one URL."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import JSONTranscoder
from sqlalchemy.engine import make_url

from domain.app import RedPropertyApp
from domain.moved_topics import register_moved_topics
from infra.settings import Settings
from infra.storage.database import sqlite_path
from infra.storage.library_seams import CollectingSave
from infra.storage.transcoder import register_ledger_transcodings


class LedgerApp(CollectingSave, RedPropertyApp):
    """`RedPropertyApp` with the ledger's event encodings and its faster `save()`. Without
    `env`, on the library's in-memory store (what unit tests use)."""

    name = RedPropertyApp.name  # names the tables and the environment's prefix: keep it

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)


def event_store_env(settings: Settings) -> dict[str, str]:
    url = settings.database_url
    if url.startswith("sqlite"):
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": sqlite_path(url),
            "SQLITE_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "infra.storage.recorders:ChainedSQLiteRecorder",
        }
    if url.startswith(("postgresql", "postgres")):
        parsed = make_url(url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parsed.database or "postgres",
            "POSTGRES_HOST": parsed.host or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": parsed.username or "postgres",
            "POSTGRES_PASSWORD": parsed.password or "",
            "POSTGRES_SCHEMA": settings.database_schema,
            "APPLICATION_RECORDER_TOPIC": "infra.storage.postgres_recorder:ChainedPostgresRecorder",
        }
    raise ValueError(f"unsupported database URL {url!r} (sqlite:/// or postgresql://)")


TRANSCODER = {"TRANSCODER_TOPIC": "infra.storage.transcoder:LedgerTranscoder"}


def build_application(settings: Settings, **extra_env: Any) -> RedPropertyApp:
    env = {**event_store_env(settings), **TRANSCODER, **{k: str(v) for k, v in extra_env.items()}}
    register_moved_topics()
    return LedgerApp(env=env)
