"""The archive and attachments in S3-compatible object storage, as several machines would
share them: against a local S3 server (moto's, over HTTP on 127.0.0.1), the signed
raadsbesluit is archived into the bucket, served back byte for byte, checked by its SHA-256,
and a changed object is caught as on a disk."""

from __future__ import annotations

import hashlib
import socket

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer

from raadsvoorstel import files, health
from raadsvoorstel.models import ArchivedDecision

BUCKET = "raadsvoorstel-archief"
KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "eu-west-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A fresh bucket, and the app's file storage pointed at it as settings.py does for
    RAADSVOORSTEL_S3_BUCKET (a test cannot re-read the environment, so it sets the result)."""
    client = boto3.client("s3", endpoint_url=s3_server, **KEYS)
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": KEYS["region_name"]})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": KEYS["region_name"],
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_what_the_app_stores_lands_in_the_bucket(bucket):
    name = default_storage.save("proef.txt", ContentFile(b"ok"))

    assert [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]] == [name]
    assert bucket.get_object(Bucket=BUCKET, Key=name)["Body"].read() == b"ok"


def test_a_signed_raadsbesluit_is_archived_in_the_bucket_and_served_back_checked(
    bucket, client, concept, propose_advice, sign_after_roll_call, run_tasks, griffie
):
    signed = sign_after_roll_call(propose_advice(concept))
    run_tasks()

    archived = ArchivedDecision.objects.get(proposal=signed)
    stored = bucket.get_object(Bucket=BUCKET, Key=archived.file.name)["Body"].read()
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == archived.sha256

    client.force_login(griffie)
    served = client.get(reverse("raadsbesluit_pdf", args=[signed.pk]))
    assert served.status_code == 200 and served.content == stored


def test_an_object_changed_in_the_bucket_is_refused_as_a_changed_file_on_disk_would_be(
    bucket, concept, propose_advice, sign_after_roll_call, run_tasks
):
    signed = sign_after_roll_call(propose_advice(concept))
    run_tasks()
    archived = ArchivedDecision.objects.get(proposal=signed)
    bucket.put_object(Bucket=BUCKET, Key=archived.file.name, Body=b"%PDF-1.7 vervalst")

    with pytest.raises(files.DamagedFile):
        files.read_verified(archived.file, archived.sha256)


def test_the_health_check_writes_and_reads_through_the_bucket(bucket):
    assert health.check_storage() == "ok"
    assert bucket.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0  # it cleaned up
