"""Create the object storage bucket (``S3_BUCKET``) when it does not exist yet.

Run once before the services start (the ``migrate`` job of the compose file does). Waits up
to ``STORAGE_WAIT_SECONDS`` (60) for the S3 endpoint to answer; does nothing when storage is
a local folder. Exit status 0 when the bucket is there, 1 otherwise.
"""

from __future__ import annotations

import os
import sys
import time

from botocore.exceptions import BotoCoreError, ClientError

from snab_kit.settings import ServiceSettings
from snab_kit.storage import S3Storage, make_storage

MISSING = {"404", "NoSuchBucket", "NotFound"}
RETRY_SECONDS = 2.0


def ensure_bucket(storage: S3Storage, wait_seconds: float) -> str:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            storage.client.head_bucket(Bucket=storage.bucket)
            return f"bucket {storage.bucket}: exists"
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code"))
            if code in MISSING:
                storage.client.create_bucket(Bucket=storage.bucket)
                return f"bucket {storage.bucket}: created"
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if status < 500 or time.monotonic() >= deadline:
                raise
            problem = f"{code} ({status})"
        except BotoCoreError as exc:
            if time.monotonic() >= deadline:
                raise
            problem = type(exc).__name__
        print(f"storage not ready yet: {problem}; retrying", file=sys.stderr)
        time.sleep(RETRY_SECONDS)


def main() -> int:
    storage = make_storage(ServiceSettings())
    if not isinstance(storage, S3Storage):
        print("storage: a local folder, no bucket to create")
        return 0
    try:
        print(ensure_bucket(storage, float(os.environ.get("STORAGE_WAIT_SECONDS", "60"))))
    except (BotoCoreError, ClientError) as exc:
        print(f"storage: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
