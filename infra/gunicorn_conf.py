"""gunicorn settings for `redprop serve` (`--config python:infra.gunicorn_conf`): JSON (or
text) logs, no access log (the app logs one line per request), and the bookkeeping of
prometheus-client's multiprocess mode."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from infra.settings import Settings

accesslog = None
# A gthread worker accepts every connection it can, and keep-alive clients stay with the
# process that accepted them: one process served all 32 clients of the benchmark while the
# other idled. Holding at most twice its threads (the rest wait in the listen queue for
# whichever process has room, and keep-alive beyond it is closed) spreads them.
CONNECTIONS_PER_THREAD = 2
# For the default threads; `redprop serve` passes --worker-connections for the threads it runs
# (the settings are read, and checked, by the command, not when this module is imported).
worker_connections = CONNECTIONS_PER_THREAD * Settings.web_threads
control_socket_disable = True  # several servers on one machine would share its path
timeout = 60
graceful_timeout = 10
# gunicorn's own limits sit above the API's (api/request_limits.py: one header 8190 bytes, the
# query string 4096, all headers 32 KiB), so a request over the API's limits gets its
# problem+json naming what was over; only one far beyond them meets gunicorn's plain text.
limit_request_line = 8190  # the most gunicorn allows
limit_request_field_size = 16380  # twice the API's limit for one header
limit_request_fields = 200  # the API's 32 KiB for all headers is reached long before
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "redprop": {
            "()": "infra.logs.formatter",
            "log_format": os.environ.get("REDPROP_LOG_FORMAT", "json"),
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "redprop",
            "stream": "ext://sys.stderr",
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def on_starting(server: Any) -> None:
    """Before any worker starts (they inherit the environment): a directory for their
    counts, emptied, so an earlier run's are not added to this one's. prometheus-client is
    not imported here: it reads PROMETHEUS_MULTIPROC_DIR once, when first imported."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # plain `gunicorn -c …`
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="redprop-metrics-")
        os.environ["REDPROP_METRICS_DIR_OWNED"] = "1"
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def post_worker_init(worker: Any) -> None:
    """The worker has loaded the app: keep the collector off what it loaded."""
    from infra.heap import freeze_loaded

    freeze_loaded()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """`redprop serve` made the directory for this run: remove it."""
    if os.environ.get("REDPROP_METRICS_DIR_OWNED") == "1":
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
