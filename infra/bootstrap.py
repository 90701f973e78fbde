"""The composition root: settings → event store → application → projections → API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from api import create_app
from api.oidc import JwksFile, JwksUrl, KeySource, OidcIssuer
from api.services import ApiServices
from api.tokens import TokenKeys
from domain.app import RedPropertyApp
from infra.command_gateway import CommandGateway
from infra.metrics import (
    measure_commands,
    observe_group_commit_batch,
    observe_projection_failure,
    observe_request,
    render,
)
from infra.projection_failures import create_table as create_failures_table
from infra.projection_failures import read_failures
from infra.projection_runner import ProjectionRunner
from infra.projection_worker import Freshness, Periodic, ProjectionWorker
from infra.settings import Settings
from infra.sla_schedule import tick
from infra.storage.database import make_engine, schema_lock
from infra.storage.event_store import build_application
from infra.storage.personal_data import SqlKeyVault
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
        """The readiness report: `ok` is False when the database does not answer, or a
        projection is stopped at a failing event or trails the log by more than
        `settings.ready_max_lag`; `problems` then names each, one line apiece."""
        try:
            head = self.app.recorder.max_notification_id() or 0
            with self.read_engine.connect() as conn:
                positions = read_positions(conn)
                failures = read_failures(conn)
        except Exception as exc:  # the database is down: say so, do not raise
            problem = f"database unreachable: {type(exc).__name__}: {_first_line(exc)}"
            return {"ok": False, "database": problem, "problems": [problem]}
        limit = self.settings.ready_max_lag
        projections, problems = {}, []
        for name in [r.projection.name for r in self.runners]:
            position = positions.get(name, 0)
            failure = failures.get(name)
            projections[name] = {
                "position": position,
                "lag": head - position,
                "failure": failure.as_dict() if failure else None,
            }
            if failure:
                problems.append(
                    f"{name} stopped at position {failure.position}: {failure.error}"
                    f" ({failure.attempts} attempts)"
                )
            elif head - position > limit:
                problems.append(f"{name} lags {head - position} positions (limit {limit})")
        problems += [
            f"{f.name} failed: {f.error}" for f in failures.values() if f.name not in projections
        ]
        return {
            "ok": not problems,
            "database": "ok",
            "log_head": head,
            "problems": problems,
            "projections": projections,
            "projection_lag": {name: p["lag"] for name, p in projections.items()},
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
            metrics=lambda: render(self.health),
            observe_request=observe_request,
            read_wait_seconds=self.settings.read_wait_seconds,
            open311_jurisdiction=self.settings.open311_jurisdiction,
            oidc=oidc_issuer(self.settings),
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


def oidc_issuer(settings: Settings) -> OidcIssuer | None:
    """The single sign-on issuer whose tokens are accepted, if one is configured (the
    settings were checked by `Settings.from_env`)."""
    if not settings.oidc_issuer:
        return None
    keys: KeySource
    if settings.oidc_jwks_file:
        try:
            keys = JwksFile.read(settings.oidc_jwks_file)
        except ValueError as bad:
            raise SystemExit(f"REDPROP_OIDC_JWKS_FILE: {bad}") from None
    else:
        keys = JwksUrl(
            settings.oidc_jwks_url,
            timeout=settings.oidc_jwks_timeout,
            lifespan=settings.oidc_jwks_cache_seconds,
        )
    return OidcIssuer(
        settings.oidc_issuer,
        settings.oidc_audience,
        keys,
        role_claim=settings.oidc_role_claim,
        scope_claim=settings.oidc_scope_claim,
        leeway=settings.oidc_leeway,
    )


def build_system(
    settings: Settings | None = None,
    *,
    start_worker: bool = False,
    projections_here: bool = True,
    sla_tick: bool = False,
) -> System:
    """`projections_here=False` (a web process beside `redprop worker`): this process never
    runs projections, and reads wait for the worker to reach a position. `sla_tick`: the
    worker records missed SLA deadlines every `settings.sla_tick_seconds`."""
    settings = settings or Settings.from_env()
    with schema_lock(settings.database_url, settings.database_schema):  # creates tables
        app = build_application(
            settings, POSTGRES_CONNECT_TIMEOUT=max(1, round(settings.database_connect_timeout))
        )
        app.recorder.committer.on_batch = observe_group_commit_batch
        app.personal_data = SqlKeyVault(
            make_engine(bounded(settings.database_url, settings), schema=settings.database_schema)
        )
        read_url = bounded(settings.read_database_url or settings.database_url, settings)
        write_engine = make_engine(read_url, schema=settings.database_schema, immediate=True)
        read_engine = make_engine(read_url, schema=settings.database_schema, reads_only=True)
        runners = [ProjectionRunner(app, write_engine, p) for p in all_projections()]
        for runner in runners:
            runner.create_tables()
        create_failures_table(write_engine)
        processes = [SubsidyProcess(app, write_engine)]
    worker = ProjectionWorker(
        runners,
        settings.projection_poll_seconds,
        processes=processes,
        engine=write_engine,
        retry_max_seconds=settings.projection_retry_max_seconds,
    )
    worker.on_failure = observe_projection_failure
    gateway = measure_commands(CommandGateway(app, on_commit=worker.notify), command_name)
    system = System(
        settings,
        app,
        write_engine,
        read_engine,
        runners,
        worker,
        gateway,
        Freshness(
            read_engine,
            worker if projections_here else None,
            recorder=app.recorder,
            events=None if settings.read_database_url else app.recorder.events_source(),
        ),
    )
    if sla_tick:
        worker.jobs.append(Periodic("sla_tick", settings.sla_tick_seconds, lambda: tick(system)))
    system.extra["subsidy_process"] = processes[0].health
    if settings.kafka_bootstrap:  # report the relay's lag (the relay itself runs elsewhere)
        from infra.kafka.relay import relay_status

        relay_engine = (
            make_engine(bounded(settings.database_url, settings), schema=settings.database_schema)
            if settings.read_database_url
            else read_engine
        )
        system.extra["kafka_relay"] = lambda: relay_status(relay_engine, app, settings.kafka_topic)
    if start_worker:
        worker.start()
    return system


def bounded(url: str, settings: Settings) -> str:
    """`url` with libpq's connect_timeout (PostgreSQL), so no connection attempt waits
    longer than REDPROP_DATABASE_CONNECT_TIMEOUT."""
    if not url.startswith(("postgresql", "postgres")):
        return url
    seconds = str(max(1, round(settings.database_connect_timeout)))
    parsed = make_url(url).update_query_dict({"connect_timeout": seconds})
    return parsed.render_as_string(hide_password=False)


def command_name() -> str:
    """What /metrics calls a command: the route's endpoint, or `cli` outside a request."""
    return (request.endpoint or "unmatched") if has_request_context() else "cli"


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0]
