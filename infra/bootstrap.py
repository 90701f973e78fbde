"""The composition root: settings → event store → application → projections → API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import Engine, text

from api import create_app
from api.services import ApiServices
from api.tokens import TokenKeys
from domain.app import RedPropertyApp
from infra.command_gateway import CommandGateway
from infra.database import make_engine, schema_lock
from infra.event_store import build_application
from infra.personal_data import SqlKeyVault
from infra.projection_runner import ProjectionRunner
from infra.projection_worker import Freshness, ProjectionWorker
from infra.settings import Settings
from infra.subsidy_process import SubsidyProcess
from projections.catalog import all_projections
from projections.positions import read_positions


@dataclass
class System:
    settings: Settings
    app: RedPropertyApp
    write_engine: Engine  # projection writers (SQLite: BEGIN IMMEDIATE)
    read_engine: Engine  # queries
    runners: list[ProjectionRunner]
    worker: ProjectionWorker
    gateway: CommandGateway
    freshness: Freshness
    extra: dict[str, Any] = field(default_factory=dict)

    def catch_up(self) -> int:
        """Bring every projection up to the head of the log (synchronously)."""
        return self.worker.run_once()

    def runner(self, name: str) -> ProjectionRunner:
        return next(r for r in self.runners if r.projection.name == name)

    def health(self) -> dict[str, Any]:
        try:
            head = self.app.recorder.max_notification_id() or 0
            with self.read_engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                positions = read_positions(conn)
        except Exception as exc:  # the database is down: say so, do not raise
            return {"ok": False, "database": f"unreachable: {exc.__class__.__name__}"}
        lag = {r.projection.name: head - positions.get(r.projection.name, 0) for r in self.runners}
        return {
            "ok": True,
            "database": "ok",
            "log_head": head,
            "projection_lag": lag,
            "projection_error": self.worker.last_error,
            **{k: v() for k, v in self.extra.items() if callable(v)},
        }

    def wsgi(self) -> Flask:
        services = ApiServices(
            app=self.app,
            gateway=self.gateway,
            read_engine=self.read_engine,
            freshness=self.freshness,
            health=self.health,
            tokens=token_keys(self.settings),
            read_wait_seconds=self.settings.read_wait_seconds,
        )
        return create_app(services)

    def close(self) -> None:
        self.worker.stop()
        if isinstance(self.app.personal_data, SqlKeyVault):
            self.app.personal_data.engine.dispose()
        self.app.close()
        self.write_engine.dispose()
        self.read_engine.dispose()


def token_keys(settings: Settings) -> TokenKeys:
    """The keys that sign and verify bearer tokens; a bad key list refuses to start."""
    try:
        if settings.token_keys:
            return TokenKeys.parse(
                settings.token_keys, settings.token_signing_kid, settings.token_lifetime
            )
        return TokenKeys.single(settings.secret, settings.token_lifetime)
    except ValueError as bad:
        raise SystemExit(f"REDPROP_TOKEN_KEYS / REDPROP_TOKEN_SIGNING_KID: {bad}") from None


def build_system(settings: Settings | None = None, *, start_worker: bool = False) -> System:
    settings = settings or Settings.from_env()
    with schema_lock(settings.database_url, settings.database_schema):  # creates tables
        app = build_application(settings)
        app.personal_data = SqlKeyVault(
            make_engine(settings.database_url, schema=settings.database_schema)
        )
        read_url = settings.read_database_url or settings.database_url
        write_engine = make_engine(read_url, schema=settings.database_schema, immediate=True)
        read_engine = make_engine(read_url, schema=settings.database_schema)
        runners = [ProjectionRunner(app, write_engine, p) for p in all_projections()]
        for runner in runners:
            runner.create_tables()
        processes = [SubsidyProcess(app, write_engine)]
    worker = ProjectionWorker(runners, settings.projection_poll_seconds, processes=processes)
    gateway = CommandGateway(app, on_commit=worker.notify)
    system = System(
        settings,
        app,
        write_engine,
        read_engine,
        runners,
        worker,
        gateway,
        Freshness(read_engine, worker),
    )
    system.extra["subsidy_process"] = processes[0].health
    if settings.kafka_bootstrap:  # report the relay's lag (the relay itself runs elsewhere)
        from infra.kafka_relay import relay_status

        relay_engine = (
            make_engine(settings.database_url, schema=settings.database_schema)
            if settings.read_database_url
            else read_engine
        )
        system.extra["kafka_relay"] = lambda: relay_status(relay_engine, app, settings.kafka_topic)
    if start_worker:
        worker.start()
    return system
