"""Uploads and generated files kept in an S3-compatible bucket (ANJU_S3_BUCKET, core/object_storage.py).

The bucket is served by moto's standalone server (``ThreadedMotoServer``) on a loopback port, and anju reaches
it over HTTP through boto3 and django-storages exactly as it reaches MinIO, Ceph or a cloud's object store: the
S3 protocol end to end (signed requests, PUT, HEAD, GET, DELETE, listing). No MinIO can run on this machine;
a real HTTP S3 endpoint is the nearest to a real object store we can run, and nothing inside boto3 or
django-storages is patched. The tests list the bucket with their own boto3 client, so what they see is what
the store holds.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.core import jobs
from anju.core.models import Job, JobKind, JobStatus
from anju.core.object_storage import default_storage_from, describe
from anju.intake import actions as intake_actions
from anju.intake.models import Attachment, Report
from anju.matters import actions as matter_actions
from anju.matters.models import MatterKind
from anju.warning.tasks import scan_signals

pytest_plugins = ["object_store"]  # the s3_endpoint and bucket fixtures
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 300
PNG_HEAD = b"\x89PNG\r\n\x1a\n"
ATTACHMENT_KEY = re.compile(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}\.(png|jpg|pdf)")


def _png(width: int = 40, height: int = 30) -> bytes:
    """A well-formed PNG whose header declares ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return PNG_HEAD + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# Configuration ---------------------------------------------------------------------------------------------


def test_the_file_system_is_the_default_and_a_named_bucket_switches_to_s3():
    assert default_storage_from({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert (
        default_storage_from({"ANJU_S3_BUCKET": "  "})["BACKEND"]
        == "django.core.files.storage.FileSystemStorage"
    )
    entry = default_storage_from(
        {
            "ANJU_S3_BUCKET": "anju-uploads",
            "ANJU_S3_ENDPOINT_URL": "https://minio.zfw.example:9000",
            "ANJU_S3_ACCESS_KEY": "AK",
            "ANJU_S3_SECRET_KEY": "SK",
            "ANJU_S3_REGION": "cn-east-1",
            "ANJU_S3_ADDRESSING_STYLE": "Path",
            "ANJU_S3_PREFIX": "/county/",
            "ANJU_S3_CA_BUNDLE": "/etc/anju/ca.pem",
        }
    )
    assert entry == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "anju-uploads",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "max_memory_size": 2 * 1024 * 1024,
            "endpoint_url": "https://minio.zfw.example:9000",
            "access_key": "AK",
            "secret_key": "SK",
            "region_name": "cn-east-1",
            "addressing_style": "path",
            "location": "county",
            "verify": "/etc/anju/ca.pem",
        },
    }


def test_without_anju_keys_boto3s_own_credentials_are_used():
    options = default_storage_from({"ANJU_S3_BUCKET": "anju-uploads"})["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options and "endpoint_url" not in options


@pytest.mark.parametrize(
    "environ",
    [
        {"ANJU_S3_BUCKET": "b", "ANJU_S3_ACCESS_KEY": "AK"},  # no secret
        {"ANJU_S3_BUCKET": "b", "ANJU_S3_SECRET_KEY": "SK"},  # no access key
        {"ANJU_S3_BUCKET": "b", "ANJU_S3_ADDRESSING_STYLE": "dns"},
    ],
)
def test_an_incomplete_or_wrong_configuration_stops_the_start(environ):
    with pytest.raises(ImproperlyConfigured):
        default_storage_from(environ)


def test_backup_names_the_bucket_that_holds_the_uploads():
    assert describe({"BACKEND": "django.core.files.storage.FileSystemStorage"}) == ""  # in the archive
    entry = default_storage_from(
        {
            "ANJU_S3_BUCKET": "anju-uploads",
            "ANJU_S3_PREFIX": "county",
            "ANJU_S3_ENDPOINT_URL": "http://minio:9000",
        }
    )
    assert describe(entry) == "s3://anju-uploads/county（http://minio:9000）"
    assert describe(default_storage_from({"ANJU_S3_BUCKET": "b"})) == "s3://b"


# Uploads in the bucket, served only through anju's views -----------------------------------------------


def test_a_citizens_upload_lands_in_the_bucket_and_only_staff_in_scope_download_it(client, world, bucket):
    photo = _png()
    response = client.post(
        "/public/submit",
        {
            "area": world.village_a1.pk,
            "text": "小区门口路灯坏了一个月",
            "attachments": [SimpleUploadedFile("路灯.png", photo, content_type="image/png")],
        },
    )
    assert response.status_code == 303
    attachment = Attachment.objects.get()
    [key] = bucket.keys()
    assert ATTACHMENT_KEY.fullmatch(key) and key.endswith(".png")
    assert attachment.file.name == key and bucket.read(key) == photo

    client.force_login(world.town_staff)  # 东镇: the report's village is in their area
    download = client.get(f"/intake/attachments/{attachment.pk}/")
    assert download.status_code == 200 and _body(download) == photo
    assert download["Content-Disposition"].startswith("attachment")
    assert "no-store" in download["Cache-Control"]

    client.force_login(world.cadre_b)  # 西一村: another town
    assert client.get(f"/intake/attachments/{attachment.pk}/").status_code == 404


def test_a_grid_workers_photo_lands_in_the_bucket_and_the_api_serves_it_in_scope(client, world, bucket):
    client.force_login(world.grid_worker)
    response = client.post(
        "/intake/grid/",
        {
            "area": world.grid_a1.pk,
            "text": "河道护栏缺失",
            "attachments": [SimpleUploadedFile("IMG_0001.JPG", JPEG)],
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    attachment = report.attachments.get()
    assert bucket.keys() == [attachment.file.name] and attachment.file.name.endswith(".jpg")
    assert bucket.read(attachment.file.name) == JPEG

    client.force_login(world.cadre)  # 东一村's cadre
    assert _body(client.get(f"/intake/attachments/{attachment.pk}/")) == JPEG
    api = client.get(f"/api/reports/{report.pk}/attachments/{attachment.pk}")
    assert api.status_code == 200 and _body(api) == JPEG
    client.force_login(world.cadre_b)
    assert client.get(f"/api/reports/{report.pk}/attachments/{attachment.pk}").status_code == 404


def test_a_file_missing_from_the_bucket_is_404_not_a_server_error(client, world, bucket):
    report = intake_actions.submit_report(
        world.cadre,
        channel="visit",
        text="东一村三组道路积水",
        area=world.village_a1,
        attachments=[SimpleUploadedFile("a.jpg", JPEG)],
    )
    attachment = report.attachments.get()
    bucket.client.delete_object(Bucket=bucket.name, Key=attachment.file.name)
    client.force_login(world.centre_staff)
    assert client.get(f"/intake/attachments/{attachment.pk}/").status_code == 404


def test_the_size_and_image_checks_apply_before_anything_reaches_the_bucket(client, world, bucket, settings):
    settings.ANJU_ATTACHMENT_MAX_BYTES = 1000

    def submit(name: str, content: bytes, content_type: str):
        data = {"area": world.village_a1.pk, "text": "路灯坏了"}
        data["attachments"] = [SimpleUploadedFile(name, content, content_type=content_type)]
        return client.post("/public/submit", data).content.decode()

    assert "超过大小限制" in submit("big.jpg", JPEG + b"\x00" * 1000, "image/jpeg")
    assert "像素过多" in submit("bomb.png", _png(30000, 30000), "image/png")
    assert "不是 JPG、PNG 图片或 PDF 文件" in submit(
        "fake.png", b"<html><script>alert(1)</script>", "image/png"
    )
    assert Report.objects.count() == 0 and bucket.keys() == []
    submit("ok.png", _png(), "image/png")  # positive control: the same form stores a good photo
    assert len(bucket.keys()) == 1


def test_a_failure_after_the_files_are_written_removes_them_from_the_bucket(world, bucket, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(intake_actions.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        intake_actions.submit_report(
            world.cadre,
            channel="visit",
            text="东一村三组道路积水",
            area=world.village_a1,
            attachments=[SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.png", _png())],
        )
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert bucket.keys() == []


def _mediated(world, agreement: bytes, title: str):
    matter = matter_actions.create_matter(
        world.centre_staff,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=world.village_a1,
        title=title,
        description="工资拖欠三个月",
    )
    matter_actions.assess(world.centre_staff, matter, likelihood=2, consequence=2)
    matter_actions.assign(
        world.centre_staff, matter, unit=world.police, deadline=timezone.localdate() + dt.timedelta(days=10)
    )
    return matter_actions.record_mediation(
        world.centre_staff,
        matter,
        held_on=timezone.localdate(),
        mediators="调解员",
        summary="双方到场协商",
        result="agreed",
        agreement_file=SimpleUploadedFile("协议.pdf", agreement, content_type="application/pdf"),
    )


def test_two_agreements_of_the_same_name_are_both_kept_not_overwritten(client, world, bucket):
    first_pdf, second_pdf = b"%PDF-1.4\n% first\n", b"%PDF-1.4\n% second\n"
    first = _mediated(world, first_pdf, "工地甲拖欠工资")
    second = _mediated(world, second_pdf, "工地乙拖欠工资")
    assert first.agreement_file.name != second.agreement_file.name
    assert bucket.keys() == sorted([first.agreement_file.name, second.agreement_file.name])
    assert bucket.read(first.agreement_file.name) == first_pdf
    assert bucket.read(second.agreement_file.name) == second_pdf

    client.force_login(world.town_staff)
    assert _body(client.get(f"/matters/agreements/{first.pk}/")) == first_pdf
    assert _body(client.get(f"/matters/agreements/{second.pk}/")) == second_pdf
    client.force_login(world.cadre_b)
    assert client.get(f"/matters/agreements/{first.pk}/").status_code == 404


def test_a_jobs_result_file_is_its_starters_alone_and_is_purged_from_the_bucket(client, world, bucket):
    job = jobs.start(scan_signals, user=world.centre_staff, kind=JobKind.SIGNAL_SCAN, weeks=4)
    outcome = jobs.result_file(job.pk, b"id,title\n1,x\n", name="ledger", suffix="xlsx")
    finished = timezone.now() - dt.timedelta(days=8)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, result_file=outcome["file"], result_name="ledger.xlsx", finished_at=finished
    )
    assert bucket.keys() == [outcome["file"]] and outcome["file"].startswith("jobs/")

    client.force_login(world.centre_staff)
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download.content == b"id,title\n1,x\n"
    client.force_login(world.admin)  # not the starter
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404

    assert jobs.purge_old_files() == 1
    assert bucket.keys() == [] and not default_storage.exists(outcome["file"])
    client.force_login(world.centre_staff)
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
