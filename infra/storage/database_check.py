"""Start-up check that the configured databases answer, within the connect timeout, so a
wrong URL is one line naming what was waited for (not a traceback from deep inside)."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from infra.settings import Settings


def database_problems(settings: Settings) -> list[str]:
    urls = [("REDPROP_DATABASE_URL", settings.database_url)]
    if settings.read_database_url:
        urls.append(("REDPROP_READ_DATABASE_URL", settings.read_database_url))
    problems = []
    for name, url in urls:
        problem = _problem(url, settings.database_connect_timeout)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def _problem(url: str, timeout: float) -> str | None:
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.drivername.startswith("sqlite"):
        return _sqlite_problem(Path(parsed.database or ""))
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, connect_timeout=max(1, round(timeout))) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        return f"no PostgreSQL connection to {shown} within {timeout:g} s: {reason}"
    return None


def _sqlite_problem(path: Path) -> str | None:
    folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), Path("."))
    if not folder.is_dir():
        return f"{folder} is not a folder: cannot hold the SQLite database {path}"
    if path.exists() and path.is_dir():
        return f"{path} is a folder, not an SQLite database file"
    if not os.access(path if path.exists() else folder, os.W_OK):
        return f"cannot write the SQLite database {path} (permission denied)"
    return None
