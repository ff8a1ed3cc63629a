#!/usr/bin/env bash
# The v3 client's quick start against a fresh `loomdb serve`, in a throwaway venv (v3 and v4 share the package name).
# usage: tests/v3client/run.sh [PYTHON]   PYTHON: an interpreter with loomdb installed (default: python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${1:-python3}
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "weaviate-client>=3.26,<4" "pytest>=8,<10"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
"$PYTHON" -m loomdb serve --port "$PORT" --grpc-port "$(free_port)" --data "$WORK/data" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v1/.well-known/ready')" \
        2>/dev/null && break
    sleep 0.2
done

LOOMDB_V3_URL="http://127.0.0.1:$PORT" "$WORK/venv/bin/python" -m pytest -c tests/v3client/pytest.ini \
    --confcutdir=tests/v3client tests/v3client/v3_quickstart.py
