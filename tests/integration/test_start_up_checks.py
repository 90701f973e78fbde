"""Bad configuration is one clear line per problem and a non-zero exit, touching nothing;
every network wait at start-up is bounded and says what it waited for (issue 14, finding 8).
Through the real command line (a subprocess), as an operator would meet it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from infra.settings import Settings
from tests.integration.servers import REDPROP, env_for, free_port


def redprop(
    *args: str, cwd: Path, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in env_for(Settings()).items() if not k.startswith("REDPROP_")}
    return subprocess.run(
        [REDPROP, *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_an_unsupported_database_url_is_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    done = redprop("verify", cwd=tmp_path, REDPROP_DATABASE_URL="mysql://x/y")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "configuration: REDPROP_DATABASE_URL: unsupported database 'mysql': use sqlite:/// or "
        "postgresql:// (got 'mysql://x/y')"
    ]
    assert list(tmp_path.iterdir()) == []  # no y.lock, no var/


def test_a_bad_number_is_a_message_not_a_value_error(tmp_path: Path) -> None:
    done = redprop(
        "worker",
        "--once",
        cwd=tmp_path,
        REDPROP_PROJECTION_POLL_SECONDS="fast",
        REDPROP_WEB_WORKERS="0",
        REDPROP_ENV="prod",
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "configuration: REDPROP_ENV: must be one of development, test, production (got 'prod')",
        "configuration: REDPROP_PROJECTION_POLL_SECONDS: must be a number of seconds greater "
        "than 0 (got 'fast')",
        "configuration: REDPROP_WEB_WORKERS: must be a whole number >= 1 (got '0')",
    ]
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_postgresql_is_one_line_naming_what_was_waited_for(tmp_path: Path) -> None:
    url = f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/test"
    done = redprop(
        "serve", cwd=tmp_path, REDPROP_DATABASE_URL=url, REDPROP_DATABASE_CONNECT_TIMEOUT="2"
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(
        "database: REDPROP_DATABASE_URL: no PostgreSQL connection to "
        f"postgresql://postgres:***@127.0.0.1:{url.rsplit(':', 1)[1].split('/')[0]}/test "
        "within 2 s: "
    )
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr


@pytest.mark.timeout(120)
def test_relay_once_gives_up_on_an_unreachable_broker(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    done = redprop(
        "relay",
        "--once",
        "--no-encode-process",
        cwd=tmp_path,
        timeout=90,
        REDPROP_DATABASE_URL=url,
        REDPROP_KAFKA_BOOTSTRAP=f"127.0.0.1:{free_port()}",
        REDPROP_KAFKA_TIMEOUT_SECONDS="3",
    )
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert "Kafka broker" in last and "within 3 s" in last, done.stderr


def test_worker_logs_are_json_lines_without_colour(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/ledger.db"
    done = redprop("projections", "status", cwd=tmp_path, REDPROP_DATABASE_URL=url)
    assert done.returncode == 0 and "\x1b[" not in done.stdout + done.stderr
    done = redprop("worker", "--once", cwd=tmp_path, REDPROP_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stderr
    for line in done.stderr.splitlines():
        json.loads(line)
