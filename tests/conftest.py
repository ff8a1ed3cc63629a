"""Shared fixtures: `server_process` runs the real `loomdb serve` command in a subprocess on free ports."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import loomdb.server  # noqa: F401  (silences authlib's import-time httpx warning before weaviate is imported)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m loomdb serve` on its own ports and data directory."""

    def __init__(self, data: Path, env: dict[str, str] | None = None, config_file: Path | None = None) -> None:
        self.data = data
        self.config_file = config_file
        self.port, self.grpc_port = free_port(), free_port()
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> ServerProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loomdb", "serve", "--port", str(self.port), "--grpc-port",
             str(self.grpc_port), "--data", str(self.data),
             *(["--config-file", str(self.config_file)] if self.config_file else [])],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Up to `timeout` s: a restart after kill -9 rebuilds its graphs from the store, slow on a loaded machine."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.proc.stderr.read()}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/v1/.well-known/ready", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError("server did not become ready")

    def client(self):
        import weaviate
        return weaviate.connect_to_local(host="127.0.0.1", port=self.port, grpc_port=self.grpc_port,
                                         skip_init_checks=True)

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=10)      # reaps it and closes its pipes

    def terminate(self, timeout: float = 30.0) -> tuple[int, str, str]:
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def stop(self) -> None:
        """Kill the server if it still runs; either way reap it and close its pipes (even after a test read or
        waited on them itself)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=10)


@pytest.fixture
def server_process(tmp_path):
    """Factory: server_process(data_dir=None, env=None) -> started ServerProcess; all are killed afterwards."""
    started: list[ServerProcess] = []

    def make(data: Path | None = None, env: dict[str, str] | None = None, wait: bool = True,
             config_file: Path | None = None) -> ServerProcess:
        sp = ServerProcess(data or tmp_path / "data", env, config_file)
        started.append(sp)
        return sp.start(wait=wait)

    yield make
    for sp in started:
        sp.stop()
