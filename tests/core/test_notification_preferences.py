"""Each user chooses how they are told: the channels offered are the ones configured, bad choices are refused
beside the field in Chinese, a good one is saved and audited; the administrators' delivery log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from anju.core import actions
from anju.core.models import AuditEvent, Delivery, NotificationPreference, User

URL = "/account/notifications/"


@pytest.fixture
def configured(settings):
    settings.ANJU_EMAIL_ENABLED = True
    settings.ANJU_WEBHOOK_URLS = ["http://127.0.0.1:9/hook"]


def test_without_configured_channels_the_page_says_in_app_only(client, world, settings):
    settings.ANJU_EMAIL_ENABLED = False
    settings.ANJU_WEBHOOK_URLS = []
    client.force_login(world.cadre)
    page = client.get(URL).content.decode()
    assert "本系统尚未配置邮件服务器或推送地址，通知只在站内显示。" in page
    assert 'name="webhook"' not in page and 'name="email"' not in page


@pytest.mark.parametrize(
    ("post", "field_message"),
    [
        ({"daily_digest": "on"}, "每日汇总通过电子邮件或推送发送，请至少选择其中一种。"),
        ({"email": "on", "email_address": ""}, "选择电子邮件时须填写邮箱地址。"),
        ({"email": "on", "email_address": "不是邮箱"}, "请输入有效的电子邮件地址。"),
    ],
)
def test_bad_choices_are_refused_in_chinese_and_nothing_is_saved(
    client, world, configured, post, field_message
):
    client.force_login(world.cadre)
    answer = client.post(URL, post)
    assert answer.status_code == 422
    assert field_message in answer.content.decode()
    assert not NotificationPreference.objects.exists()
    assert User.objects.get(pk=world.cadre.pk).email == ""
    assert not AuditEvent.objects.filter(action="user.notification_preferences").exists()


def test_a_good_choice_is_saved_and_audited_without_the_address(client, world, configured):
    client.force_login(world.cadre)
    answer = client.post(
        URL, {"email": "on", "email_address": "cun@example.gov.cn", "webhook": "on", "daily_digest": "on"}
    )
    assert answer.status_code == 302
    preference = NotificationPreference.objects.get(user=world.cadre)
    assert (preference.email, preference.webhook, preference.daily_digest) == (True, True, True)
    assert User.objects.get(pk=world.cadre.pk).email == "cun@example.gov.cn"
    event = AuditEvent.objects.get(action="user.notification_preferences")
    assert event.after == {"email": True, "webhook": True, "daily_digest": True, "email_address": True}
    assert "cun@example.gov.cn" not in str(event.before) + str(event.after)
    page = client.get(URL).content.decode()
    assert 'value="cun@example.gov.cn"' in page and "checked" in page


def test_the_action_refuses_a_channel_the_county_did_not_configure(world, settings):
    settings.ANJU_EMAIL_ENABLED = False
    settings.ANJU_WEBHOOK_URLS = []
    with pytest.raises(ValidationError) as refused:
        actions.set_notification_preferences(world.cadre, email=False, webhook=True, daily_digest=False)
    assert refused.value.message_dict == {"webhook": ["本县未配置推送地址，不能选择短信/政务微信/钉钉推送。"]}
    with pytest.raises(ValidationError) as refused:
        actions.set_notification_preferences(world.cadre, email=True, webhook=False, daily_digest=False)
    assert refused.value.message_dict == {"email": ["本系统未配置邮件服务器，不能选择电子邮件。"]}
    # positive control: in-app only is always possible
    preference = actions.set_notification_preferences(
        world.cadre, email=False, webhook=False, daily_digest=False
    )
    assert (preference.email, preference.webhook, preference.daily_digest) == (False, False, False)


def test_the_delivery_log_is_the_administrators_and_scoped(client, world, configured):
    actions.set_notification_preferences(world.cadre, email=False, webhook=True, daily_digest=False)
    actions.set_notification_preferences(world.cadre_b, email=False, webhook=True, daily_digest=False)
    from anju.core.notifications import notify

    notify([world.cadre, world.cadre_b], kind="test.notice", title="东西两村的通知")
    assert Delivery.objects.count() == 2
    client.force_login(world.cadre)
    assert client.get("/notifications/deliveries/").status_code == 403
    client.force_login(world.admin)
    page = client.get("/notifications/deliveries/").content.decode()
    assert page.count("东西两村的通知") == 2  # the county administrator sees both villages' users
    assert "待发送" in page
