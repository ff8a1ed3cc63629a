"""llm-katan (PyPI, Apache-2.0) with its echo backend: a real OpenAI- and Anthropic-compatible chat server
without a model. Its reply ends with the line "User: <prompt>", which proves what prompt arrived; with
--validate-keys a wrong key gets 401 "invalid API key for openai: got '<k>', expected '<key>'"."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Katan:
    def __init__(self, workdir: Path, key: str = "sk-katan") -> None:
        self.port = free_port()
        self.key = key
        exe = shutil.which("llm-katan", path=str(Path(sys.executable).parent)) or "llm-katan"
        self.proc = subprocess.Popen(
            [exe, "--backend", "echo", "--model", "gpt-4o-mini", "--providers", "openai,anthropic",
             "--host", "127.0.0.1", "--port", str(self.port), "--validate-keys",
             "--api-keys", f"openai={key},anthropic={key}", "--stats-file", str(workdir / "katan-stats.json")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30.0) -> Katan:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llm-katan exited: {self.proc.stderr.read() if self.proc.stderr else ''}")
            try:
                httpx.get(f"{self.url}/health", timeout=0.5)
                return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError("llm-katan did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.communicate(timeout=10)
