# loomdb as a container: slim, non-root, Weaviate's ports, data directory and environment variables.
#   docker build -t loomdb .                               the server only
#   docker build -t loomdb:local --build-arg EXTRAS=local .   + the in-process model (text2vec-transformers)
ARG PYTHON_IMAGE=python:3.12-slim

FROM ${PYTHON_IMAGE} AS build
# optional extras of pyproject.toml, comma-separated (e.g. "local" or "local,projection")
ARG EXTRAS=""
WORKDIR /src
COPY pyproject.toml README.md ./
COPY loomdb ./loomdb
RUN python3 -m venv /opt/loomdb \
    && /opt/loomdb/bin/pip install --no-cache-dir --no-compile "/src${EXTRAS:+[$EXTRAS]}" \
    && find /opt/loomdb -name "__pycache__" -prune -exec rm -rf {} +

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 1000 loomdb \
    && useradd --system --uid 1000 --gid loomdb --no-create-home --home-dir /var/lib/weaviate loomdb \
    && mkdir -p /var/lib/weaviate && chown loomdb:loomdb /var/lib/weaviate
COPY --from=build /opt/loomdb /opt/loomdb
# a container listens on every interface; the data directory is Weaviate's (the same volume mounts work)
ENV PATH=/opt/loomdb/bin:$PATH \
    LOOMDB_HOST=0.0.0.0 \
    PERSISTENCE_DATA_PATH=/var/lib/weaviate \
    PYTHONUNBUFFERED=1
USER 1000:1000
WORKDIR /var/lib/weaviate
VOLUME /var/lib/weaviate
# REST, gRPC, Prometheus metrics (PROMETHEUS_MONITORING_PORT)
EXPOSE 8080 50051 2112
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD python3 -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/v1/.well-known/ready' % os.environ.get('LOOMDB_PORT', '8080'), timeout=2)"
# loomdb serve is PID 1: SIGTERM finishes in-flight requests, flushes and exits 0
STOPSIGNAL SIGTERM
ENTRYPOINT ["loomdb", "serve"]
