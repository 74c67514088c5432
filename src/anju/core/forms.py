"""Form helpers every app's pages share."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def add_action_errors(form: forms.Form, error: ValidationError, *, field_for=None) -> None:
    """Put an action's ValidationError next to the matching fields (the rest, and a refusal, at the top).

    ``field_for(key)`` names the form field of an error key where the action and the form name it
    differently. Any object with ``fields`` (``key in fields``) and ``add_error(field, messages)`` works."""
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            field = field_for(key) if field_for is not None else key
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in local time: a date filter's bounds (``< local_midnight(end + 1 day)``)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class DateRangeForm(forms.Form):
    """A filter form with ``date_from`` and ``date_to``: an end before the start is refused beside ``date_to``."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 12 个字符；不能是常见密码，不能与用户名或姓名相近，不能全是数字。"),
    )
    confirm_password = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("身份验证器上显示的 6 位数字；手机丢失时可输入一个恢复码。"),
    )


class ApiTokenForm(forms.Form):
    """A new API token of one's own; the action checks the values (name, scope, days)."""

    name = forms.CharField(
        label=_("名称"), max_length=100, help_text=_("例如用途或调用方系统的名称，便于日后识别。")
    )
    scope = forms.ChoiceField(
        label=_("权限范围"),
        choices=(),
        widget=forms.RadioSelect,
        initial="read",
        help_text=_("只读令牌只能查询和订阅预警；读写令牌可执行您的角色允许的所有操作。"),
    )
    days = forms.IntegerField(label=_("有效天数"), min_value=1)

    def __init__(self, *args, **kwargs):
        from django.conf import settings

        from anju.core.models import ApiScope

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = ApiScope.choices
        self.fields["days"].initial = settings.ANJU_API_TOKEN_DAYS
        self.fields["days"].max_value = settings.ANJU_API_TOKEN_MAX_DAYS
        self.fields["days"].widget.attrs["max"] = settings.ANJU_API_TOKEN_MAX_DAYS
        self.fields["days"].help_text = _("最长 %(n)s 天；到期后令牌失效，需另行签发。") % {
            "n": settings.ANJU_API_TOKEN_MAX_DAYS
        }


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the user name's length actually checked: Django sets ``max_length`` after
    the field is built, so no validator refuses a longer name, which then reaches ``authenticate`` and the
    lockout records (a 500 on PostgreSQL for a 20,000-character name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class UserImportForm(forms.Form):
    file = forms.FileField(
        label=_("账号文件"),
        help_text=_("Excel（.xlsx）或 CSV 文件，第一行为列名；请先下载模板填写。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class NotificationPreferenceForm(forms.Form):
    """How a user is told (``actions.set_notification_preferences`` checks the choices): only the channels
    this installation configured are offered; the in-app centre is always on."""

    email = forms.BooleanField(label=_("电子邮件"), required=False)
    email_address = forms.CharField(
        label=_("工作邮箱"),
        required=False,
        max_length=254,
        help_text=_("通知发到这个地址；请填写工作邮箱。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    webhook = forms.BooleanField(
        label=_("短信/政务微信/钉钉推送"),
        required=False,
        help_text=_("由本县配置的短信平台或政务微信、钉钉机器人转发。"),
    )
    daily_digest = forms.BooleanField(
        label=_("每日汇总"),
        required=False,
        help_text=_("每天发送一条汇总，代替每条通知各发一次（站内通知照常）。"),
    )

    def __init__(self, *args, email_offered: bool, webhook_offered: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not email_offered:
            del self.fields["email"], self.fields["email_address"]
        if not webhook_offered:
            del self.fields["webhook"]
        if not (email_offered or webhook_offered):
            del self.fields["daily_digest"]
