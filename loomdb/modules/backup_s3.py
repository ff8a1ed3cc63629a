"""backup-s3: backups in an S3 bucket (AWS or any S3-compatible server), s3://BACKUP_S3_BUCKET/BACKUP_S3_PATH/<id>/
<key>, with Weaviate's variables: BACKUP_S3_ENDPOINT (default s3.amazonaws.com), BACKUP_S3_USE_SSL (default true),
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION (or boto3's usual credential chain when unset).

boto3 (the `s3` extra) is the client: AWS's own SDK, released weekly, SigV4 against any endpoint, and its transfer
manager does the multipart uploads and ranged parallel downloads big shard files need (part size = the backup's
ChunkSize)."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .capabilities import NotConfigured

NAME = "backup-s3"
DEFAULT_ENDPOINT = "s3.amazonaws.com"


class S3Backend:
    name = NAME

    def __init__(self, bucket: str, root: str, endpoint: str, use_ssl: bool, env: Mapping[str, str]) -> None:
        import boto3  # the `s3` extra: ImportError leaves the module out of the default set
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        self.bucket = bucket
        self.root = root.strip("/")
        self.endpoint = endpoint
        self._transfer_config = TransferConfig
        scheme = "https" if use_ssl else "http"
        self._client = boto3.session.Session().client(
            "s3", endpoint_url=None if endpoint == DEFAULT_ENDPOINT else f"{scheme}://{endpoint}",
            use_ssl=use_ssl, region_name=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            aws_access_key_id=env.get("AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            aws_session_token=env.get("AWS_SESSION_TOKEN") or None,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5, "mode": "standard"}))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> S3Backend:
        bucket = (env.get("BACKUP_S3_BUCKET") or "").strip()
        if not bucket:
            raise NotConfigured(f"{NAME}: BACKUP_S3_BUCKET must be set")
        use_ssl = (env.get("BACKUP_S3_USE_SSL") or "true").strip().lower() not in ("false", "0", "no", "off")
        return cls(bucket, env.get("BACKUP_S3_PATH") or "", (env.get("BACKUP_S3_ENDPOINT") or DEFAULT_ENDPOINT).strip(),
                   use_ssl, env)

    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = {"bucketName": self.bucket}
        if self.root:
            meta["rootName"] = self.root
        return meta

    def _key(self, backup_id: str, key: str = "") -> str:
        return "/".join(part for part in (self.root, backup_id, key) if part)

    def home(self, backup_id: str) -> str:
        return f"s3://{self.bucket}/{self._key(backup_id)}"

    def _transfer(self, chunk_size: int) -> Any:
        return self._transfer_config(multipart_threshold=chunk_size, multipart_chunksize=chunk_size)

    def put_file(self, backup_id: str, key: str, source: Path, chunk_size: int) -> None:
        self._client.upload_file(str(source), self.bucket, self._key(backup_id, key), Config=self._transfer(chunk_size))

    def put_bytes(self, backup_id: str, key: str, data: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._key(backup_id, key), Body=data)

    def get_bytes(self, backup_id: str, key: str) -> bytes | None:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self._key(backup_id, key))["Body"].read()
        except self._client.exceptions.NoSuchKey:
            return None

    def get_file(self, backup_id: str, key: str, dest: Path, chunk_size: int) -> None:
        from botocore.exceptions import ClientError
        try:
            self._client.download_file(self.bucket, self._key(backup_id, key), str(dest),
                                       Config=self._transfer(chunk_size))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise FileNotFoundError(self._key(backup_id, key)) from None
            raise

    def backup_ids(self) -> list[str]:
        prefix = f"{self.root}/" if self.root else ""
        ids: set[str] = set()
        for page in self._client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix,
                                                                           Delimiter="/"):
            ids.update(p["Prefix"][len(prefix):].rstrip("/") for p in page.get("CommonPrefixes", []))
        return sorted(ids)

    def delete(self, backup_id: str) -> None:
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(backup_id) + "/"):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                self._client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})
