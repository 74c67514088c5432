"""The status lookup (/public/track) is limited per client address and per receipt code, in the shared cache.

Guessing codes from one address runs into the per-address limit; asking for one code from many addresses
runs into the per-code limit. The counts live in the database cache (shared by every server process; see
tests/test_ratelimit_processes.py for two real processes) under keyed hashes, never as addresses or codes.
"""

from __future__ import annotations

import pytest
from django.db import connection

from anju.intake import actions, receipts

from .helpers import NAME, PHONE, report_kwargs

PROXY = "10.1.1.1"


@pytest.fixture
def report(world):
    return actions.submit_report(
        None, **report_kwargs(world, channel="online"), reporter_name=NAME, reporter_phone=PHONE
    )


def lookup(client, code, address="192.0.2.10", **extra):
    return client.get("/public/track", {"code": code}, REMOTE_ADDR=address, **extra)


def shows_status(response) -> bool:
    return response.status_code == 200 and 'class="card track-result"' in response.content.decode()


def test_lookups_per_address_are_limited_and_answer_429(client, world, report, settings):
    settings.ANJU_PUBLIC_TRACK_PER_HOUR = 3
    settings.ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR = 100
    # found, not found and malformed lookups all count for the address
    assert lookup(client, report.receipt_code).status_code == 200
    assert lookup(client, receipts.new_code()).status_code == 200
    assert lookup(client, "abc").status_code == 200
    assert shows_status(lookup(client, report.receipt_code, address="192.0.2.9"))  # (a positive control)
    response = lookup(client, report.receipt_code)
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    assert not shows_status(response)
    # the empty form is refused to that address too …
    assert client.get("/public/track", REMOTE_ADDR="192.0.2.10").status_code == 429
    # … while another address still gets its answer (positive control)
    assert shows_status(lookup(client, report.receipt_code, address="192.0.2.11"))


def test_opening_the_empty_form_does_not_count(client, world, settings):
    settings.ANJU_PUBLIC_TRACK_PER_HOUR = 2
    for _ in range(5):
        assert client.get("/public/track").status_code == 200
    assert lookup(client, "abc", address="127.0.0.1").status_code == 200


def test_a_code_asked_from_many_addresses_is_still_limited_per_code(client, world, report, settings):
    settings.ANJU_PUBLIC_TRACK_PER_HOUR = 100
    settings.ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR = 3
    typed = [report.receipt_code, receipts.display(report.receipt_code), report.receipt_code.lower()]
    for number, code in enumerate(typed):  # however it is typed, it is one code
        assert shows_status(lookup(client, code, address=f"198.51.100.{number + 1}"))
    response = lookup(client, report.receipt_code, address="198.51.100.99")
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    # the limit is the code's: that fresh address may look up another code (positive control)
    other = receipts.new_code()
    assert lookup(client, other, address="198.51.100.99").status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(client, world, settings):
    settings.ANJU_TRUSTED_PROXIES = [PROXY]
    settings.ANJU_PUBLIC_TRACK_PER_HOUR = 2
    for _ in range(2):
        assert lookup(client, "abc", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert lookup(client, "abc", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    # another citizen behind the same proxy has their own allowance
    assert lookup(client, "abc", address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200
    # a client talking to anju directly cannot choose the address it is counted as
    settings.ANJU_TRUSTED_PROXIES = []
    for forged in ("203.0.113.7", "203.0.113.8"):
        lookup(client, "abc", address="192.0.2.50", HTTP_X_FORWARDED_FOR=forged)
    assert lookup(client, "abc", address="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_counts_live_in_the_database_cache_without_addresses_or_codes(client, world, report, settings):
    settings.ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR = 2
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    lookup(client, report.receipt_code, address="192.0.2.77")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM anju_cache")
        keys = [row[0] for row in cursor.fetchall()]
    track_keys = [k for k in keys if "public-track" in k]
    assert len(track_keys) == 2  # one count for the address, one for the code
    assert not any(report.receipt_code in k or "192.0.2.77" in k for k in keys)
    # the count is read back from that table (which every server process shares): remove its row there
    # and the code is no longer limited
    lookup(client, report.receipt_code, address="192.0.2.78")
    assert lookup(client, report.receipt_code, address="192.0.2.79").status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM anju_cache WHERE cache_key LIKE %s", ["%public-track-code%"])
    assert lookup(client, report.receipt_code, address="192.0.2.79").status_code == 200
