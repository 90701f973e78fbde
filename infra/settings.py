"""Settings from the environment. One URL chooses the database.

`Settings.from_env` checks every variable it reads and raises `ConfigError` naming each
problem (one line each) before anything is opened or created."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SECRET = "dev-only-insecure-secret-change-me"
DEFAULT_DATABASE_URL = "sqlite:///var/redproperty.db"
ENVIRONMENTS = ("development", "test", "production")
LOOPBACK = ("localhost", "127.0.0.1", "::1")
REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope")  # RFC 7519, 8693
LOG_FORMATS = ("json", "text")
DEFAULT_JURISDICTION = "tianqiao.jinan.cn"


def default_web_workers() -> int:
    """One web process per core (at least two, so one slow request never blocks all)."""
    return max(2, os.cpu_count() or 1)


class ConfigError(Exception):
    """The configuration cannot work; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    read_database_url: str | None = None  # read models elsewhere (default: same database)
    database_schema: str = "public"  # PostgreSQL schema for events and read models
    database_connect_timeout: float = 10.0  # seconds a connection attempt may take
    secret: str = DEFAULT_SECRET
    environment: str = "development"  # "development"/"test" allow the default secret
    token_keys: str = ""  # "kid1:secret1,kid2:secret2": all verify; replaces `secret`
    token_signing_kid: str = ""  # which of token_keys signs (default: the last)
    token_lifetime: int = 8 * 3600  # seconds a minted token lives
    oidc_issuer: str = ""  # a single sign-on issuer whose tokens are accepted (its `iss`)
    oidc_audience: str = ""  # the `aud` its tokens must carry for this server
    oidc_jwks_url: str = ""  # where it publishes its keys ...
    oidc_jwks_file: str = ""  # ... or a file holding them
    oidc_role_claim: str = "redprop_role"
    oidc_scope_claim: str = "redprop_scope"
    oidc_jwks_timeout: float = 5.0  # seconds a fetch of the key set may take
    oidc_jwks_cache_seconds: float = 300.0  # how long a fetched key set is used
    oidc_leeway: int = 30  # seconds of clock difference allowed on exp/iat/nbf
    projection_poll_seconds: float = 0.1
    projection_retry_max_seconds: float = 60.0  # longest pause before retrying a failed one
    read_wait_seconds: float = 5.0  # longest a query waits for min_position
    ready_max_lag: int = 1000  # /readyz: most log positions a projection may trail by
    sla_tick_seconds: float = 60.0  # how often `redprop worker` records missed deadlines
    worker_metrics_port: int = 0  # `redprop worker`'s own /metrics (0: none)
    worker_metrics_addr: str = "127.0.0.1"
    web_workers: int = field(default_factory=default_web_workers)
    web_threads: int = 4
    log_format: str = "json"
    kafka_bootstrap: str | None = None
    kafka_topic: str = "redproperty.events"
    kafka_partitions: int = 3
    kafka_max_message_bytes: int = 1024 * 1024  # largest message the relay sends (key+value)
    kafka_timeout_seconds: float = 30.0  # longest wait for the broker (connect, metadata, ack)
    kafka_options: dict[str, Any] = field(default_factory=dict)  # SASL/SSL passthrough
    open311_jurisdiction: str = DEFAULT_JURISDICTION  # the Open311 jurisdiction_id served

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        read = _Reader(env)
        kafka_options = {
            key[len("REDPROP_KAFKA_OPT_") :].lower(): value
            for key, value in env.items()
            if key.startswith("REDPROP_KAFKA_OPT_")
        }
        settings = cls(
            database_url=read.url("REDPROP_DATABASE_URL", DEFAULT_DATABASE_URL),
            read_database_url=read.url("REDPROP_READ_DATABASE_URL", None),
            database_schema=read.text("REDPROP_DATABASE_SCHEMA", "public"),
            database_connect_timeout=read.number("REDPROP_DATABASE_CONNECT_TIMEOUT", 10.0),
            secret=read.text("REDPROP_SECRET", DEFAULT_SECRET),
            environment=read.choice("REDPROP_ENV", "development", ENVIRONMENTS),
            token_keys=read.text("REDPROP_TOKEN_KEYS", ""),
            token_signing_kid=read.text("REDPROP_TOKEN_SIGNING_KID", ""),
            token_lifetime=read.whole("REDPROP_TOKEN_LIFETIME_SECONDS", 8 * 3600),
            oidc_issuer=read.text("REDPROP_OIDC_ISSUER", ""),
            oidc_audience=read.text("REDPROP_OIDC_AUDIENCE", ""),
            oidc_jwks_url=read.text("REDPROP_OIDC_JWKS_URL", ""),
            oidc_jwks_file=read.text("REDPROP_OIDC_JWKS_FILE", ""),
            oidc_role_claim=read.text("REDPROP_OIDC_ROLE_CLAIM", "redprop_role"),
            oidc_scope_claim=read.text("REDPROP_OIDC_SCOPE_CLAIM", "redprop_scope"),
            oidc_jwks_timeout=read.number("REDPROP_OIDC_JWKS_TIMEOUT_SECONDS", 5.0),
            oidc_jwks_cache_seconds=read.number("REDPROP_OIDC_JWKS_CACHE_SECONDS", 300.0),
            oidc_leeway=read.whole("REDPROP_OIDC_LEEWAY_SECONDS", 30, minimum=0),
            projection_poll_seconds=read.number("REDPROP_PROJECTION_POLL_SECONDS", 0.1),
            projection_retry_max_seconds=read.number("REDPROP_PROJECTION_RETRY_MAX_SECONDS", 60),
            read_wait_seconds=read.number("REDPROP_READ_WAIT_SECONDS", 5.0),
            ready_max_lag=read.whole("REDPROP_READY_MAX_LAG", 1000, minimum=0),
            sla_tick_seconds=read.number("REDPROP_SLA_TICK_SECONDS", 60.0),
            worker_metrics_port=read.port("REDPROP_WORKER_METRICS_PORT", 0),
            worker_metrics_addr=read.text("REDPROP_WORKER_METRICS_ADDR", "127.0.0.1"),
            web_workers=read.whole("REDPROP_WEB_WORKERS", default_web_workers()),
            web_threads=read.whole("REDPROP_WEB_THREADS", 4),
            log_format=read.choice("REDPROP_LOG_FORMAT", "json", LOG_FORMATS),
            kafka_bootstrap=env.get("REDPROP_KAFKA_BOOTSTRAP") or None,
            kafka_topic=read.text("REDPROP_KAFKA_TOPIC", "redproperty.events"),
            kafka_partitions=read.whole("REDPROP_KAFKA_PARTITIONS", 3),
            kafka_max_message_bytes=read.whole("REDPROP_KAFKA_MAX_MESSAGE_BYTES", 1 << 20),
            kafka_timeout_seconds=read.number("REDPROP_KAFKA_TIMEOUT_SECONDS", 30.0),
            kafka_options=kafka_options,
            open311_jurisdiction=read.text("REDPROP_OPEN311_JURISDICTION", DEFAULT_JURISDICTION),
        )
        if (
            settings.environment == "production"
            and settings.secret == DEFAULT_SECRET
            and not settings.token_keys
            and "secret" not in overrides
        ):
            read.problems.append("REDPROP_SECRET: must be set (not the default) in production")
        read.problems += oidc_problems(settings)
        if read.problems:
            raise ConfigError(read.problems)
        return replace(settings, **overrides)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production(self) -> None:
        if self.environment in ("development", "test"):
            return
        if self.token_keys:
            if DEFAULT_SECRET in self.token_keys:
                raise SystemExit("refusing to start with the default secret in REDPROP_TOKEN_KEYS")
        elif self.secret == DEFAULT_SECRET:
            raise SystemExit(
                f"refusing to start with the default REDPROP_SECRET (REDPROP_ENV="
                f"{self.environment!r}; only 'development' and 'test' allow it)"
            )


def oidc_problems(settings: Settings) -> list[str]:
    """One line per reason the single sign-on settings cannot work (none when all unset)."""
    s = settings
    if not (s.oidc_issuer or s.oidc_audience or s.oidc_jwks_url or s.oidc_jwks_file):
        return []
    problems = []
    if not s.oidc_issuer:
        problems.append("REDPROP_OIDC_ISSUER: must be set with the other REDPROP_OIDC_ settings")
    elif problem := _web_url_problem(s.oidc_issuer):
        problems.append(f"REDPROP_OIDC_ISSUER: {problem} (got {s.oidc_issuer!r})")
    if not s.oidc_audience:
        problems.append("REDPROP_OIDC_AUDIENCE: must be set (the aud the issuer gives this server)")
    if bool(s.oidc_jwks_url) == bool(s.oidc_jwks_file):
        problems.append("REDPROP_OIDC_JWKS_URL: set it or REDPROP_OIDC_JWKS_FILE (exactly one)")
    elif s.oidc_jwks_url and (problem := _web_url_problem(s.oidc_jwks_url)):
        problems.append(f"REDPROP_OIDC_JWKS_URL: {problem} (got {s.oidc_jwks_url!r})")
    elif s.oidc_jwks_file:
        from api.oidc import load_key_set

        try:
            load_key_set(s.oidc_jwks_file)
        except ValueError as bad:
            problems.append(f"REDPROP_OIDC_JWKS_FILE: {bad} (got {s.oidc_jwks_file!r})")
    for name, claim in (("ROLE", s.oidc_role_claim), ("SCOPE", s.oidc_scope_claim)):
        if claim in REGISTERED_CLAIMS:
            problems.append(
                f"REDPROP_OIDC_{name}_CLAIM: must not be a standard claim (got {claim!r})"
            )
    if s.oidc_role_claim == s.oidc_scope_claim:
        problems.append("REDPROP_OIDC_SCOPE_CLAIM: must differ from REDPROP_OIDC_ROLE_CLAIM")
    return problems


def _web_url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a URL"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host in LOOPBACK:
        return None
    return "must be an https:// URL (http:// only on localhost)"


def url_problem(url: str) -> str | None:
    """Why a database URL cannot work, or None. Nothing is opened or created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "is not a URL (sqlite:///path/to/file.db or postgresql://user@host:port/db)"
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        if not parsed.database:
            return "an SQLite URL needs a file path (sqlite:///var/redproperty.db)"
        return None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return None if parsed.host else "a PostgreSQL URL needs a host (postgresql://user@host/db)"
    return f"unsupported database {parsed.drivername!r}: use sqlite:/// or postgresql://"


class _Reader:
    """Reads variables, noting one problem per bad value (and using the default instead)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        value = self.env.get(name)
        return default if value is None or value == "" else value

    def url(self, name: str, default: str | None) -> Any:
        value = self.env.get(name) or default
        if value is not None and (problem := url_problem(value)):
            self.problems.append(f"{name}: {problem} (got {_redacted(value)!r})")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.text(name, default)
        if value not in choices:
            self.problems.append(f"{name}: must be one of {', '.join(choices)} (got {value!r})")
            return default
        return value

    def port(self, name: str, default: int) -> int:
        value: int = self._parsed(name, default, int, "a port, 0 to 65535", 0, True)
        if value > 65535:
            self.problems.append(f"{name}: must be a port, 0 to 65535 (got {self.env[name]!r})")
            return default
        return value

    def number(self, name: str, default: float) -> float:
        return self._parsed(name, default, float, "a number of seconds greater than 0", 0, False)

    def whole(self, name: str, default: int, minimum: int = 1) -> int:
        return self._parsed(name, default, int, f"a whole number >= {minimum}", minimum, True)

    def _parsed(
        self,
        name: str,
        default: Any,
        kind: Callable[[str], Any],
        expected: str,
        minimum: float,
        inclusive: bool,
    ) -> Any:
        raw = self.env.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = kind(raw)
        except ValueError:
            value = None
        if value is None or value != value or (value < minimum if inclusive else value <= minimum):
            self.problems.append(f"{name}: must be {expected} (got {raw!r})")
            return default
        return value


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
