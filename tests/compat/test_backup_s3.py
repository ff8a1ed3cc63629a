"""backup-s3 against a real S3-compatible server the test starts (moto in server mode on a loopback port): the
official client's create / status / list / restore round trip, Weaviate's variables (BACKUP_S3_BUCKET,
BACKUP_S3_ENDPOINT, BACKUP_S3_USE_SSL, BACKUP_S3_PATH, AWS_*), s3:// paths, a corrupted object refused."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import boto3
import pytest
import weaviate
from moto.server import ThreadedMotoServer
from weaviate.classes.config import Configure
from weaviate.classes.query import MetadataQuery
from weaviate.exceptions import BackupFailedError

import loomdb

pytestmark = pytest.mark.loomdb_only("starts an S3 server and a loomdb of its own")
BUCKET = "loomdb-backups"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=f"http://{endpoint}", region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def s3_env(s3_endpoint) -> dict[str, str]:
    return {"BACKUP_S3_BUCKET": BUCKET, "BACKUP_S3_ENDPOINT": s3_endpoint, "BACKUP_S3_USE_SSL": "false",
            "BACKUP_S3_PATH": "cluster-a", **CREDENTIALS}


def _node(path, env):
    server = loomdb.start_embedded(path, enable_modules=("backup-s3",), module_env=env)
    return server, weaviate.connect_to_local(port=server.rest_port, grpc_port=server.grpc_port, skip_init_checks=True)


def test_backup_to_s3_and_restore_into_a_fresh_node(tmp_path, s3_env, s3_endpoint):
    server, client = _node(tmp_path / "a", s3_env)
    try:
        assert client.get_meta()["modules"] == {"backup-s3": {"bucketName": BUCKET, "rootName": "cluster-a"}}
        col = client.collections.create("S3Articles", vector_config=Configure.Vectors.self_provided())
        col.data.insert_many([weaviate.classes.data.DataObject(properties={"n": i}, vector=[i / 100, 1.0, 0.5])
                              for i in range(100)])
        expected = [(str(o.uuid), o.metadata.distance) for o in col.query.near_vector(
            [0.3, 1.0, 0.5], limit=5, return_metadata=MetadataQuery(distance=True)).objects]
        created = client.backup.create("s3-1", "s3", wait_for_completion=True)
        assert created.status.value == "SUCCESS" and created.path == f"s3://{BUCKET}/cluster-a/s3-1"
        assert [b.backup_id for b in client.backup.list_backups("s3")] == ["s3-1"]
    finally:
        client.close()
        server.stop()
    server, client = _node(tmp_path / "b", s3_env)
    try:
        assert client.backup.restore("s3-1", "s3", wait_for_completion=True).status.value == "SUCCESS"
        col = client.collections.get("S3Articles")
        assert [(str(o.uuid), o.metadata.distance) for o in col.query.near_vector(
            [0.3, 1.0, 0.5], limit=5, return_metadata=MetadataQuery(distance=True)).objects] == expected
        s3 = boto3.client("s3", endpoint_url=f"http://{s3_endpoint}", region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        key = next(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="cluster-a/s3-1/")["Contents"]
                   if o["Key"].endswith("objects.sqlite"))
        body = bytearray(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
        body[100] ^= 0x01
        s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(body))
        client.collections.delete("S3Articles")
        with pytest.raises(BackupFailedError, match="backup s3-1 is corrupted"):
            client.backup.restore("s3-1", "s3", wait_for_completion=True)
        assert not client.collections.exists("S3Articles")
    finally:
        client.close()
        server.stop()


def test_enabling_backup_s3_without_a_bucket_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="module backup-s3 is enabled but cannot load: backup-s3: BACKUP_S3_BUCKET "
                                         "must be set"):
        loomdb.start_embedded(tmp_path, enable_modules=("backup-s3",), module_env={})


def test_enabling_backup_filesystem_without_a_path_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="backup-filesystem: BACKUP_FILESYSTEM_PATH must be set"):
        loomdb.start_embedded(tmp_path, enable_modules=("backup-filesystem",), module_env={})


def test_backup_backends_loomdb_lacks_are_refused_at_start_with_the_reason(tmp_path):
    with pytest.raises(ValueError, match="ENABLE_MODULES names backup-gcs, which is not available in loomdb: Google "
                                         "Cloud Storage backups are not built; use backup-s3"):
        loomdb.start_embedded(tmp_path, enable_modules=("backup-gcs",))
