"""Notices beyond the app: the webhook posted to a real local HTTP server (signature checked by hand),
retries with exponential backoff, e-mail, nothing sent unless configured, two workers never sending one
message twice, and the daily digest queued at most once a day."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from anju.core import delivery
from anju.core.models import Delivery, DeliveryStatus, Notification, NotificationPreference, User
from anju.core.notifications import notify
from racing import run_pair

T0 = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0))
SECRET = "county-shared-secret"


class Receiver:
    """A real HTTP server on localhost that records each POST and answers the next status of ``answers``
    (then 200)."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.received.append({"headers": dict(self.headers), "raw": raw})
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def bodies(self) -> list[dict]:
        return [json.loads(r["raw"]) for r in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    r = Receiver()
    settings.ANJU_WEBHOOK_URLS = [r.url]
    settings.ANJU_WEBHOOK_SECRET = SECRET
    settings.ANJU_WEBHOOK_TIMEOUT = 5
    settings.ANJU_PUBLIC_URL = "https://anju.example.gov.cn"
    settings.ANJU_DELIVERY_RETRY_SECONDS = 60
    settings.ANJU_DELIVERY_MAX_ATTEMPTS = 4
    yield r
    r.close()


def choose(user, **choices):
    return NotificationPreference.objects.update_or_create(user=user, defaults=choices)[0]


def tell(user, title="交办：SF-1 工资纠纷", *, now=T0, **kw):
    kw.setdefault("kind", "matters.assigned")
    kw.setdefault("link", "/matters/7/")
    return notify(user, title=title, now=now, **kw)


# --- the webhook ---------------------------------------------------------------------------------------------
def test_the_webhook_posts_the_documented_payload_signed_with_the_secret(world, receiver):
    choose(world.cadre, webhook=True)
    (notice,) = tell(world.cadre, title="交办：SF-1 联系电话13812345678", body="东一村村委会负责办理")
    assert Delivery.objects.count() == 1  # queued, not sent: notify makes no outside call
    assert receiver.received == []

    assert delivery.deliver_due(T0) == {"sent": 1}
    (request,) = receiver.received
    body = json.loads(request["raw"])
    row = Delivery.objects.get()
    assert body["id"] == notice.pk and body["delivery"] == row.pk
    assert body["kind"] == "matters.assigned"
    assert body["title"].startswith("交办：SF-1 联系电话") and "13812345678" not in body["title"]
    assert body["body"] == "东一村村委会负责办理"
    assert body["link"] == "https://anju.example.gov.cn/matters/7/"
    assert body["recipient"] == {
        "username": "cun",
        "role": "village_cadre",
        "unit": "东一村村委会",
        "area_code": "330101001000",
        "area": "东一村",
    }
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["x-anju-delivery"] == str(row.pk)
    # the signature, recomputed by hand: HMAC-SHA256 of "<timestamp>." + the raw body
    expected = hmac.new(
        SECRET.encode(), headers["x-anju-timestamp"].encode() + b"." + request["raw"], hashlib.sha256
    ).hexdigest()
    assert headers["x-anju-signature"] == f"sha256={expected}"
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (DeliveryStatus.SENT, 1, T0, "")
    # robot URLs carry access tokens: the row keeps a digest of the URL, not the URL
    assert row.target == "sha256:" + hashlib.sha256(receiver.url.encode()).hexdigest()[:16]


def test_no_secret_no_signature(world, receiver, settings):
    settings.ANJU_WEBHOOK_SECRET = ""
    choose(world.cadre, webhook=True)
    tell(world.cadre)
    delivery.deliver_due(T0)
    headers = {k.lower() for k in receiver.received[0]["headers"]}
    assert "x-anju-signature" not in headers and "x-anju-delivery" in headers


def test_a_failing_receiver_is_retried_with_exponential_backoff(world, receiver):
    receiver.answers = [503, 500]
    choose(world.cadre, webhook=True)
    tell(world.cadre)
    row = Delivery.objects.get()

    assert delivery.deliver_due(T0) == {"retry": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.PENDING, 1, "HTTP 503")
    assert row.next_attempt_at == T0 + dt.timedelta(seconds=60)
    assert delivery.deliver_due(T0 + dt.timedelta(seconds=59)) == {}  # not due yet
    assert len(receiver.received) == 1

    second = T0 + dt.timedelta(seconds=60)
    assert delivery.deliver_due(second) == {"retry": 1}
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == second + dt.timedelta(seconds=120)

    third = second + dt.timedelta(seconds=120)
    assert delivery.deliver_due(third) == {"sent": 1}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (DeliveryStatus.SENT, 3, third, "")
    assert len(receiver.received) == 3


def test_a_delivery_fails_after_the_last_attempt_and_a_refusal_is_not_retried(world, receiver):
    receiver.answers = [500] * 10
    choose(world.cadre, webhook=True)
    tell(world.cadre)
    when = T0
    outcomes = []
    for _ in range(4):
        outcomes.append(dict(delivery.deliver_due(when)))
        when += dt.timedelta(hours=1)
    assert outcomes == [{"retry": 1}, {"retry": 1}, {"retry": 1}, {"failed": 1}]
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.FAILED, 4, "HTTP 500")
    assert delivery.deliver_due(when + dt.timedelta(days=1)) == {}  # a failed one is never tried again

    receiver.answers = [400]
    tell(world.cadre, title="第二条")
    assert delivery.deliver_due(when) == {"failed": 1}  # the receiver refused it: no retry
    assert Delivery.objects.get(payload__title="第二条").attempts == 1


def test_nothing_leaves_anju_unless_a_webhook_is_configured(world, receiver, settings):
    choose(world.cadre, webhook=True)
    settings.ANJU_WEBHOOK_URLS = []
    tell(world.cadre)
    assert Delivery.objects.count() == 0  # chosen, but the county configured none: nothing is queued

    settings.ANJU_WEBHOOK_URLS = [receiver.url]
    tell(world.cadre, title="配置后")
    settings.ANJU_WEBHOOK_URLS = ["http://127.0.0.1:9/other"]  # the operator changed the address since
    assert delivery.deliver_due(T0) == {"failed": 1}
    assert receiver.received == []
    assert Delivery.objects.get().last_error == "该推送地址已不在配置中。"


def test_only_users_who_chose_a_channel_get_it(world, receiver):
    choose(world.cadre, webhook=False)
    tell([world.cadre, world.cadre_b, world.leader])
    assert Delivery.objects.count() == 0
    assert Notification.objects.count() == 3  # in-app is always on


# --- e-mail --------------------------------------------------------------------------------------------------
def test_email_goes_to_users_with_an_address_through_django_mail(world, settings):
    settings.ANJU_EMAIL_ENABLED = True
    settings.ANJU_PUBLIC_URL = "https://anju.example.gov.cn"
    User.objects.filter(pk=world.cadre.pk).update(email="cun@example.gov.cn")
    choose(world.cadre, email=True)
    choose(world.cadre_b, email=True)  # no address: nothing queued for them
    tell([User.objects.get(pk=world.cadre.pk), world.cadre_b], body="请于三日内办理")
    assert Delivery.objects.filter(channel="email").count() == 1
    assert delivery.deliver_due(T0) == {"sent": 1}
    (message,) = mail.outbox
    assert message.to == ["cun@example.gov.cn"]
    assert message.subject == "交办：SF-1 工资纠纷"
    assert message.body == "请于三日内办理\n\nhttps://anju.example.gov.cn/matters/7/"


def test_email_is_not_offered_without_a_mail_server(world, settings):
    settings.ANJU_EMAIL_ENABLED = False
    User.objects.filter(pk=world.cadre.pk).update(email="cun@example.gov.cn")
    choose(world.cadre, email=True)
    tell(User.objects.get(pk=world.cadre.pk))
    assert Delivery.objects.count() == 0 and mail.outbox == []


# --- two workers ----------------------------------------------------------------------------------------------
def test_sequential_claims_never_take_one_delivery_twice(world, receiver):
    choose(world.cadre, webhook=True)
    for i in range(5):
        tell(world.cadre, title=f"第{i}条")
    first = delivery.claim(T0, limit=3)
    second = delivery.claim(T0, limit=3)
    assert len(first) == 3 and len(second) == 2
    assert not {d.pk for d in first} & {d.pk for d in second}
    assert delivery.claim(T0, limit=3) == []  # all leased
    # a worker that died holding its claim: the rows are due again once the lease has run out
    again = delivery.claim(T0 + dt.timedelta(minutes=6), limit=10)
    assert len(again) == 5 and {d.attempts for d in again} == {2}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_deliver_each_message_exactly_once(world, receiver):
    choose(world.cadre, webhook=True)
    for i in range(12):
        tell(world.cadre, title=f"第{i}条")
    results = run_pair(lambda: delivery.deliver_due(T0, batch=3), lambda: delivery.deliver_due(T0, batch=3))
    assert sum(r[1]["sent"] for r in results) == 12
    ids = sorted(body["id"] for body in receiver.bodies())
    assert ids == sorted(Notification.objects.values_list("pk", flat=True)) and len(set(ids)) == 12
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


# --- the daily digest ------------------------------------------------------------------------------------------
def test_a_digest_user_gets_one_summary_a_day_and_never_twice(world, receiver):
    choose(world.cadre, webhook=True, daily_digest=True)
    for hour, title in ((8, "一"), (10, "二"), (12, "三")):
        tell(world.cadre, title=title, now=T0.replace(hour=hour))
    assert Delivery.objects.count() == 0  # no message per notice

    evening = T0.replace(hour=18)
    assert delivery.queue_digests(evening) == 1
    assert delivery.queue_digests(evening) == 0  # idempotent per day
    assert delivery.queue_digests(evening.replace(hour=20)) == 0
    assert dict(delivery.deliver_due(evening)) == {"sent": 1}
    (body,) = receiver.bodies()
    assert body["kind"] == "digest"
    assert body["title"] == "安居每日通知汇总（2026-12-02）：3 条"
    assert body["body"] == "1. 一\n2. 二\n3. 三"
    assert [item["title"] for item in body["items"]] == ["一", "二", "三"]
    assert body["link"] == "https://anju.example.gov.cn/notifications/"

    # the next day: only what came after yesterday's digest; nothing new, no digest
    tell(world.cadre, title="四", now=evening.replace(hour=21))
    next_day = evening + dt.timedelta(days=1)
    assert delivery.queue_digests(next_day) == 1
    delivery.deliver_due(next_day)
    assert [item["title"] for item in receiver.bodies()[1]["items"]] == ["四"]
    assert delivery.queue_digests(next_day + dt.timedelta(days=1)) == 0


def test_the_worker_queues_digests_only_after_the_digest_hour(world, receiver, settings):
    settings.ANJU_DIGEST_HOUR = 17
    choose(world.cadre, webhook=True, daily_digest=True)
    tell(world.cadre)
    assert delivery.work_once(T0.replace(hour=16))["digests"] == 0
    outcome = delivery.work_once(T0.replace(hour=17))
    assert (outcome["digests"], outcome["sent"]) == (1, 1)


# --- the commands ------------------------------------------------------------------------------------------------
def _run(*argv: str) -> int:
    import argparse

    from anju.core import notify_cli

    parser = argparse.ArgumentParser(prog="anju")
    notify_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_worker_once_sends_what_is_due_and_notify_digest_is_idempotent(world, receiver, capsys):
    choose(world.cadre, webhook=True)
    choose(world.cadre_b, webhook=True, daily_digest=True)
    tell(world.cadre, now=timezone.now())
    tell(world.cadre_b, now=timezone.now())
    assert _run("notify-digest") == 0
    assert "新建每日汇总 1 条" in capsys.readouterr().out
    assert _run("notify-digest") == 0
    assert "新建每日汇总 0 条" in capsys.readouterr().out
    assert _run("worker", "--once") == 0
    assert "已发送 2 条，待重试 0 条，失败 0 条" in capsys.readouterr().out
    assert sorted(b["kind"] for b in receiver.bodies()) == ["digest", "matters.assigned"]


def test_the_commands_are_listed_by_anju():
    from anju.cli import build_parser

    help_text = build_parser().format_help()
    assert "worker" in help_text and "notify-digest" in help_text
