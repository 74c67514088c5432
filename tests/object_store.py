"""A real S3 endpoint for tests: moto's standalone server on a loopback port, reached over HTTP by boto3.

Used by the object-storage tests (``tests/core/test_object_storage.py``, ``tests/assessment/test_report_storage.py``):
``bucket`` makes a fresh bucket, configures it as anju's default storage through ``core.object_storage`` (as
the environment variables would), and checks afterwards that nothing was written to the uploads folder.
No MinIO can run on this machine; moto's server speaks the S3 protocol end to end (signed requests, PUT,
HEAD, GET, DELETE, listing), the nearest to a real object store we can run, and nothing in boto3 or
django-storages is patched.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.cache import cache
from moto.server import ThreadedMotoServer

from anju.core.object_storage import default_storage_from

KEY, SECRET = "anju-test-key", "anju-test-secret"


class Bucket:
    """The bucket as the test sees it, through its own S3 client."""

    def __init__(self, client, name: str):
        self.client, self.name = client, name

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="module")
def s3_endpoint():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request in the test output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path, db):
    """A fresh private bucket, configured as anju's default storage from the environment variables."""
    name = f"anju-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "uploads"  # must stay empty: nothing may go to the file system
    settings.STORAGES = {
        **settings.STORAGES,
        "default": default_storage_from(
            {
                "ANJU_S3_BUCKET": name,
                "ANJU_S3_ENDPOINT_URL": s3_endpoint,
                "ANJU_S3_ACCESS_KEY": KEY,
                "ANJU_S3_SECRET_KEY": SECRET,
                "ANJU_S3_REGION": "us-east-1",
                "ANJU_S3_ADDRESSING_STYLE": "path",
            }
        ),
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the public form's rate limit
    yield Bucket(client, name)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
