"""Colour and tables only on a real terminal (a pseudo-terminal here); the Python API on an open client."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

import loomdb.toolkit as tk


def _run_on_pty(*args: str) -> tuple[int, str]:
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "loomdb", *args], stdin=child, stdout=child, stderr=child,
                            env=env, close_fds=True)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:          # EIO: the child side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return proc.wait(60), b"".join(chunks).decode("utf-8", "replace")


def test_terminal_gets_a_coloured_table(live, url, cli):
    code, shown = _run_on_pty("doctor", url)
    assert code in (0, 1)
    assert "\x1b[" in shown                          # colour
    assert "┃" in shown or "│" in shown              # a drawn table
    assert "severity" in shown and "next action" in shown
    piped = cli("doctor", url)                       # the same command into a pipe: neither
    assert "\x1b[" not in piped.out and "│" not in piped.out


def test_python_api_on_an_open_client(live_client, live):
    report = tk.doctor(live_client)
    assert isinstance(report, tk.Report) and report.exit_code in (0, 1)
    assert report.target == f"http://127.0.0.1:{live.rest_port} (gRPC 127.0.0.1:{live.grpc_port})"
    assert report.measurements["grpc_status"] == "serving"
    assert all(isinstance(f, tk.Finding) and isinstance(f.severity, tk.Severity) for f in report.findings)
