"""Object storage for raw mail, attachments and documents.

S3-compatible (boto3: Cloudflare R2, MinIO, AWS) when configured, else a local folder.
Keys are content-addressed or versioned by the caller; nothing is overwritten silently.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any, Protocol

from snab_kit.settings import ServiceSettings


class ObjectStorage(Protocol):
    async def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> str: ...
    async def get(self, key: str) -> bytes: ...
    async def exists(self, key: str) -> bool: ...
    async def check(self) -> str | None: ...
    async def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (a folder-like ``a/b/``), sorted."""
        ...

    async def url(self, key: str, *, expires_seconds: int) -> str | None:
        """A time-limited link for downloading ``key``; None where storage has no links."""
        ...


def _safe_key(key: str) -> str:
    parts = [p for p in key.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise ValueError(f"invalid storage key {key!r}")
    return "/".join(parts)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        return self.root / _safe_key(key)

    async def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> str:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Its own temporary name: two writers of the same key (replicas, a batch that
            # holds the same bytes twice) must not share one.
            tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)

        await asyncio.to_thread(write)
        return _safe_key(key)

    async def get(self, key: str) -> bytes:
        return await asyncio.to_thread(self._path(key).read_bytes)

    async def exists(self, key: str) -> bool:
        return self._path(key).exists()

    async def check(self) -> str | None:
        self.root.mkdir(parents=True, exist_ok=True)
        return None if os.access(self.root, os.W_OK) else f"{self.root} is not writable"

    async def keys(self, prefix: str) -> list[str]:
        def walk() -> list[str]:
            base = self._path(prefix) if prefix.strip("/") else self.root
            if not base.is_dir():
                return []
            return sorted(
                p.relative_to(self.root).as_posix()
                for p in base.rglob("*")
                if p.is_file() and not p.name.endswith(".tmp")
            )

        return await asyncio.to_thread(walk)

    async def url(self, key: str, *, expires_seconds: int) -> str | None:
        return None


class S3Storage:
    def __init__(
        self, *, endpoint_url: str, bucket: str, access_key: str, secret_key: str, region: str
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            # Signature V4 for presigned links too (R2 and MinIO accept no other).
            config=Config(signature_version="s3v4"),
        )

    async def put(
        self, key: str, data: bytes, content_type: str = "application/octet-stream"
    ) -> str:
        key = _safe_key(key)
        await asyncio.to_thread(
            self.client.put_object, Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )
        return key

    async def get(self, key: str) -> bytes:
        obj = await asyncio.to_thread(
            self.client.get_object, Bucket=self.bucket, Key=_safe_key(key)
        )
        body: bytes = await asyncio.to_thread(obj["Body"].read)
        return body

    async def exists(self, key: str) -> bool:
        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=_safe_key(key))
        except Exception:
            return False
        return True

    async def check(self) -> str | None:
        try:
            await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)
        except Exception as exc:
            return f"bucket {self.bucket}: {type(exc).__name__}"
        return None

    async def keys(self, prefix: str) -> list[str]:
        prefix = _safe_key(prefix) + "/" if prefix.strip("/") else ""

        def walk() -> list[str]:
            found: list[str] = []
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            for page in pages:
                found.extend(obj["Key"] for obj in page.get("Contents", []))
            return sorted(found)

        return await asyncio.to_thread(walk)

    async def url(self, key: str, *, expires_seconds: int) -> str | None:
        """A presigned GET link (signed locally: no request to the server)."""
        link: str = await asyncio.to_thread(
            self.client.generate_presigned_url,
            "get_object",
            Params={"Bucket": self.bucket, "Key": _safe_key(key)},
            ExpiresIn=expires_seconds,
        )
        return link


def make_storage(settings: ServiceSettings) -> ObjectStorage:
    endpoint = settings.s3_endpoint_url
    access = settings.s3_access_key
    secret = settings.s3_secret_key
    if not endpoint and settings.cloudflare_r2_account_id:
        endpoint = f"https://{settings.cloudflare_r2_account_id}.r2.cloudflarestorage.com"
        access = access or settings.cloudflare_r2_access_key
        secret = secret or settings.cloudflare_r2_secret_key
    if endpoint and access and secret:
        return S3Storage(
            endpoint_url=endpoint,
            bucket=settings.s3_bucket,
            access_key=access.get_secret_value(),
            secret_key=secret.get_secret_value(),
            region=settings.s3_region,
        )
    return LocalStorage(settings.storage_dir)
