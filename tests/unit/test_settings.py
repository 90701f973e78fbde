"""Settings from the environment: every bad value is one line naming the variable."""

from __future__ import annotations

import pytest

from infra.settings import DEFAULT_SECRET, ConfigError, Settings


def problems(**env: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    return raised.value.problems


def test_defaults_need_nothing() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///var/redproperty.db"
    assert settings.web_workers >= 2 and settings.web_threads == 4


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "REDPROP_DATABASE_URL": "postgresql://u@db:5432/ledger",
            "REDPROP_PROJECTION_POLL_SECONDS": "0.5",
            "REDPROP_WEB_WORKERS": "3",
            "REDPROP_READY_MAX_LAG": "0",
            "REDPROP_LOG_FORMAT": "text",
        }
    )
    assert settings.projection_poll_seconds == 0.5
    assert (settings.web_workers, settings.ready_max_lag, settings.log_format) == (3, 0, "text")


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"REDPROP_DATABASE_URL": "mysql://x/y"},
            "REDPROP_DATABASE_URL: unsupported database 'mysql': use sqlite:/// or postgresql:// "
            "(got 'mysql://x/y')",
        ),
        (
            {"REDPROP_DATABASE_URL": "sqlite://"},
            "REDPROP_DATABASE_URL: an SQLite URL needs a file path (sqlite:///var/redproperty.db) "
            "(got 'sqlite://')",
        ),
        (
            {"REDPROP_DATABASE_URL": "not a url"},
            "REDPROP_DATABASE_URL: is not a URL (sqlite:///path/to/file.db or "
            "postgresql://user@host:port/db) (got 'not a url')",
        ),
        (
            {"REDPROP_READ_DATABASE_URL": "postgresql://u:pw@/db"},
            "REDPROP_READ_DATABASE_URL: a PostgreSQL URL needs a host (postgresql://user@host/db) "
            "(got 'postgresql://u:***@/db')",
        ),
        (
            {"REDPROP_PROJECTION_POLL_SECONDS": "fast"},
            "REDPROP_PROJECTION_POLL_SECONDS: must be a number of seconds greater than 0 "
            "(got 'fast')",
        ),
        (
            {"REDPROP_READ_WAIT_SECONDS": "-1"},
            "REDPROP_READ_WAIT_SECONDS: must be a number of seconds greater than 0 (got '-1')",
        ),
        (
            {"REDPROP_WEB_THREADS": "2.5"},
            "REDPROP_WEB_THREADS: must be a whole number >= 1 (got '2.5')",
        ),
        (
            {"REDPROP_LOG_FORMAT": "xml"},
            "REDPROP_LOG_FORMAT: must be one of json, text (got 'xml')",
        ),
        (
            {"REDPROP_ENV": "production", "REDPROP_SECRET": DEFAULT_SECRET},
            "REDPROP_SECRET: must be set (not the default) in production",
        ),
    ],
)
def test_each_bad_value_is_one_line(env: dict[str, str], line: str) -> None:
    assert problems(**env) == [line]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(REDPROP_KAFKA_PARTITIONS="many", REDPROP_SLA_TICK_SECONDS="nan")
    assert [p.split(":")[0] for p in found] == [
        "REDPROP_SLA_TICK_SECONDS",
        "REDPROP_KAFKA_PARTITIONS",
    ]


def test_postgresql_connections_wait_at_most_the_connect_timeout() -> None:
    from infra.bootstrap import bounded

    settings = Settings(database_connect_timeout=3)
    assert bounded("postgresql://u:pw@db:5432/ledger", settings) == (
        "postgresql://u:pw@db:5432/ledger?connect_timeout=3"
    )
    assert bounded("sqlite:///var/x.db", settings) == "sqlite:///var/x.db"
