"""Where uploads and generated files are kept: the data folder, or an S3-compatible bucket.

Every upload (report attachments, mediation agreements, progress-report attachments), every generated file
(稳评 reports, the result files of background jobs) is written and read through Django's storage API, so the
choice made here is the only one. ``settings.py`` calls ``default_storage_from(os.environ)``:

  ANJU_S3_BUCKET            the bucket; unset: the uploads folder in the data folder (file system)
  ANJU_S3_ENDPOINT_URL      the object store's address (MinIO, Ceph, a cloud's S3-compatible service);
                            unset: AWS itself
  ANJU_S3_ACCESS_KEY        access key and secret; unset: boto3's own chain (AWS_ACCESS_KEY_ID and
  ANJU_S3_SECRET_KEY        AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, an instance role)
  ANJU_S3_REGION            region name (some stores want one for signing, e.g. us-east-1)
  ANJU_S3_ADDRESSING_STYLE  "path" (bucket in the path: most self-hosted stores) or "virtual" (bucket in
                            the host name); unset: boto3 chooses
  ANJU_S3_PREFIX            a folder inside the bucket for all of anju's objects (a shared bucket)
  ANJU_S3_CA_BUNDLE         a CA certificate file for a store behind an internal certificate authority

Files are never handed out by the bucket: anju's views check the user's permission and scope, then stream
the object from storage. The bucket stays private (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

FILE_SYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"
ADDRESSING_STYLES = ("path", "virtual", "auto")


def _value(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or "").strip()


def default_storage_from(environ: Mapping[str, str]) -> dict:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    bucket = _value(environ, "ANJU_S3_BUCKET")
    if not bucket:
        return {"BACKEND": FILE_SYSTEM}
    access_key, secret_key = _value(environ, "ANJU_S3_ACCESS_KEY"), _value(environ, "ANJU_S3_SECRET_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("ANJU_S3_ACCESS_KEY 和 ANJU_S3_SECRET_KEY 须同时设置（或都不设置）")
    style = _value(environ, "ANJU_S3_ADDRESSING_STYLE").lower()
    if style and style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"ANJU_S3_ADDRESSING_STYLE 只能是 path、virtual 或 auto，不是 {style!r}")
    options = {
        "bucket_name": bucket,
        # Django's rule, not S3's default: a second file of the same name gets a new name instead of
        # replacing the first (two matters' "协议.pdf" in one month, a 稳评 report issued again).
        "file_overwrite": False,
        # The bucket's own policy decides access (private); no per-object ACL header, which stores that
        # enforce bucket-owner settings refuse.
        "default_acl": None,
        # anju never hands out bucket URLs; should one ever be made, it is signed and short-lived.
        "querystring_auth": True,
        "querystring_expire": 300,
        # Larger objects wait in a temporary file (owner-only, the umask is 077) rather than in memory.
        "max_memory_size": 2 * 1024 * 1024,
    }
    optional = {
        "endpoint_url": _value(environ, "ANJU_S3_ENDPOINT_URL"),
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": _value(environ, "ANJU_S3_REGION"),
        "addressing_style": style,
        "location": _value(environ, "ANJU_S3_PREFIX").strip("/"),
        "verify": _value(environ, "ANJU_S3_CA_BUNDLE"),
    }
    options.update({key: value for key, value in optional.items() if value})
    return {"BACKEND": S3, "OPTIONS": options}


def describe(storage_entry: dict) -> str:
    """One line for operators: where uploads are kept (``anju backup`` prints it)."""
    if storage_entry.get("BACKEND") != S3:
        return ""
    options = storage_entry.get("OPTIONS", {})
    where = options["bucket_name"] + (f"/{options['location']}" if options.get("location") else "")
    return f"s3://{where}" + (f"（{options['endpoint_url']}）" if options.get("endpoint_url") else "")
