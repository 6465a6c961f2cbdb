"""A real S3-compatible server for tests: moto in server mode, on a free port of 127.0.0.1.

with S3Peer(bucket="snab") as s3:
    env.update(s3.env())              # S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY, ...
    ...code under test talks S3 (boto3) to s3.endpoint_url...
    s3.keys()                         # what is stored, as the server lists it

The server speaks the S3 REST protocol over HTTP, so the real boto3 client runs
(signatures, presigned URLs, paginated listings) against it.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import boto3
from moto.server import ThreadedMotoServer

from snab_kit.embedded import free_port

ACCESS_KEY = "snab-test-access"
SECRET_KEY = "snab-test-secret"  # a test peer's fixed credentials
REGION = "us-east-1"


class S3Peer:
    host = "127.0.0.1"

    def __init__(self, *, bucket: str = "snab") -> None:
        self.bucket = bucket
        self.port = 0
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Self:
        self.port = free_port()
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def env(self) -> dict[str, str]:
        """The settings that point a snab service at this server."""
        return {
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_BUCKET": self.bucket,
            "S3_ACCESS_KEY": ACCESS_KEY,
            "S3_SECRET_KEY": SECRET_KEY,
            "S3_REGION": REGION,
        }

    def keys(self, prefix: str = "") -> list[str]:
        pages = (
            self.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.bucket, Prefix=prefix)
        )
        return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))

    def get(self, key: str) -> bytes:
        body: bytes = self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body
