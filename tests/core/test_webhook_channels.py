"""Webhook channels configured on 管理 → 推送渠道: the actions' guard, the URL kept out of the audit and the
page, and an active channel used by the webhook delivery (a real local HTTP server), an inactive one not."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core import channel_actions, delivery
from anju.core.models import AuditEvent, Delivery, DeliveryStatus, NotificationPreference
from anju.core.models_channels import WebhookChannel
from anju.core.notifications import notify
from anju.core.roles import Role
from guards import check_guard, outsider

T0 = timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0))
TOKEN = "access_token=robot-secret-token-42"


class Receiver:
    def __init__(self):
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(
                    {"headers": {k.lower(): v for k, v in self.headers.items()}, "raw": raw}
                )
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?{TOKEN}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.ANJU_WEBHOOK_URLS = []
    settings.ANJU_WEBHOOK_SECRET = ""
    settings.ANJU_PUBLIC_URL = "https://anju.example.gov.cn"
    r = Receiver()
    yield r
    r.close()


def make(world, url, **kw):
    kw.setdefault("secret", "")
    return channel_actions.save_webhook_channel(
        world.admin, name="钉钉群", url=url, area=world.county, now=T0, **kw
    )


def test_saving_a_channel_is_guarded_by_admin_manage_and_scope(world):
    def call(actor):
        return channel_actions.save_webhook_channel(
            actor,
            name="东镇短信网关",
            url="https://sms.example.gov.cn/send?key=abc",
            area=world.town_a,
            now=T0,
        )

    channel = check_guard(world, {"admin"}, call, insider=world.admin, outside=outsider(world, Role.ADMIN))
    assert WebhookChannel.objects.get().pk == channel.pk and channel.active


def test_switching_a_channel_is_guarded_and_refused_to_an_admin_of_another_town(world):
    channel = channel_actions.save_webhook_channel(
        world.admin,
        name="东镇群",
        url="https://oapi.example.com/robot/send?" + TOKEN,
        area=world.town_a,
        now=T0,
    )
    west_admin = outsider(world, Role.ADMIN)

    def call(actor):
        return channel_actions.set_webhook_channel_active(actor, channel, False, now=T0)

    check_guard(world, {"admin"}, call, insider=world.admin, outside=west_admin)
    channel.refresh_from_db()
    assert channel.active is False


def test_the_url_and_secret_are_never_in_the_audit_or_the_page(world, client):
    channel = make(world, "https://oapi.example.com/robot/send?" + TOKEN, secret="sign-key-99")
    channel_actions.save_webhook_channel(
        world.admin,
        channel,
        name="钉钉群",
        url="https://oapi.example.com/robot/send?access_token=another-token-77",
        secret="sign-key-100",
        area=world.county,
        now=T0,
    )
    events = AuditEvent.objects.filter(action__startswith="webhook_channel.")
    assert events.count() == 2
    dumped = json.dumps([[e.before, e.after, e.note, e.object_repr] for e in events], ensure_ascii=False)
    for secret in ("robot-secret-token-42", "another-token-77", "sign-key-99", "sign-key-100", "robot/send"):
        assert secret not in dumped
    assert events.get(action="webhook_channel.update").after["url_changed"] is True
    client.force_login(world.admin)
    page = client.get("/manage/channels/").content.decode()
    assert "钉钉群" in page and "https://oapi.example.com/***" in page
    assert "another-token-77" not in page and "robot/send" not in page and "sign-key" not in page
    assert "/manage/channels/" in client.get("/manage/").content.decode()


def test_a_bad_url_gets_a_chinese_message_next_to_the_field(world, client):
    with pytest.raises(ValidationError):
        make(world, "ftp://example.com/x")
    with pytest.raises(ValidationError):
        make(world, "http://robot.example.com/send")  # plain http to a public host
    client.force_login(world.admin)
    response = client.post(
        "/manage/channels/",
        {"name": "群", "url": "ftp://example.com/x", "area": world.county.pk, "active": "on"},
    )
    assert response.status_code == 422
    assert "推送地址须以 https:// 开头。" in response.content.decode()
    assert WebhookChannel.objects.count() == 0


def test_an_active_channel_receives_notices_signed_with_its_own_secret(world, receiver):
    make(world, receiver.url, secret="channel-key")
    NotificationPreference.objects.update_or_create(user=world.cadre, defaults={"webhook": True})
    notify(world.cadre, title="交办：SF-1 工资纠纷", kind="matters.assigned", link="/matters/7/", now=T0)
    row = Delivery.objects.get()
    assert row.target == "sha256:" + hashlib.sha256(receiver.url.encode()).hexdigest()[:16]
    assert delivery.deliver_due(T0) == {"sent": 1}
    (request,) = receiver.received
    assert json.loads(request["raw"])["title"] == "交办：SF-1 工资纠纷"
    headers = request["headers"]
    expected = hmac.new(
        b"channel-key", headers["x-anju-timestamp"].encode() + b"." + request["raw"], hashlib.sha256
    ).hexdigest()
    assert headers["x-anju-signature"] == f"sha256={expected}"


def test_an_inactive_channel_is_not_used(world, receiver):
    channel = make(world, receiver.url)
    channel_actions.set_webhook_channel_active(world.admin, channel, False, now=T0)
    NotificationPreference.objects.update_or_create(user=world.cadre, defaults={"webhook": True})
    notify(world.cadre, title="交办：SF-2", kind="matters.assigned", link="/matters/8/", now=T0)
    assert Delivery.objects.count() == 0
    assert delivery.deliver_due(T0) == {}
    assert receiver.received == []


def test_a_channel_switched_off_after_queueing_is_not_sent_to(world, receiver):
    channel = make(world, receiver.url)
    NotificationPreference.objects.update_or_create(user=world.cadre, defaults={"webhook": True})
    notify(world.cadre, title="交办：SF-3", kind="matters.assigned", link="/matters/9/", now=T0)
    assert Delivery.objects.count() == 1
    channel_actions.set_webhook_channel_active(world.admin, channel, False, now=T0)
    delivery.deliver_due(T0)
    assert receiver.received == []
    row = Delivery.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "channel 'webhook' is not configured")
