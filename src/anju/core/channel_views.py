"""管理 → 推送渠道: the webhook channels an administrator configures (list, new, edit, switch on/off)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core import channel_actions
from anju.core.admin_views import gate, paged, refusal_status
from anju.core.models import Area
from anju.core.models_channels import WebhookChannel
from anju.core.scoping import get_scoped_or_404, scoped


class WebhookChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    url = forms.CharField(
        label=gettext_lazy("推送地址"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy(
            "https:// 地址，或内网的 http:// 地址。保存后只显示主机名；修改时留空则保留原地址。"
        ),
    )
    secret = forms.CharField(
        label=gettext_lazy("签名密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput,
        help_text=gettext_lazy("可选；留空则使用系统配置的密钥。"),
    )
    area = forms.ModelChoiceField(label=gettext_lazy("所属区域"), queryset=Area.objects.none())
    active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped(user, Area).order_by("path")


def _page(request, form, channel=None, status=200):
    channels = scoped(request.user, WebhookChannel).select_related("area").order_by("name", "pk")
    context = {"page": paged(request, channels), "form": form, "channel": channel}
    return render(request, "core/admin/channel_list.html", context, status=status)


def _save(request, form, channel):
    status = 422
    if form.is_valid():
        try:
            saved = channel_actions.save_webhook_channel(request.user, channel, **form.cleaned_data)
        except ValidationError as error:
            status = refusal_status(form, error)
        else:
            messages.success(request, _("推送渠道“%(name)s”已保存。") % {"name": saved.name})
            return redirect("core:manage_channels")
    return _page(request, form, channel, status)


@login_required
def channel_list(request):
    gate(request)
    if request.method == "POST":
        return _save(request, WebhookChannelForm(request.user, request.POST), None)
    return _page(request, WebhookChannelForm(request.user, initial={"area": request.user.area_id}))


@login_required
def channel_detail(request, pk: int):
    gate(request)
    channel = get_scoped_or_404(request.user, WebhookChannel, pk=pk)
    if request.method == "POST":
        return _save(request, WebhookChannelForm(request.user, request.POST), channel)
    initial = {"name": channel.name, "area": channel.area_id, "active": channel.active}
    return _page(request, WebhookChannelForm(request.user, initial=initial), channel)


@login_required
@require_POST
def channel_active(request, pk: int):
    gate(request)
    channel = get_scoped_or_404(request.user, WebhookChannel, pk=pk)
    active = request.POST.get("active") == "1"
    channel_actions.set_webhook_channel_active(request.user, channel, active)
    messages.success(request, _("推送渠道已启用。") if active else _("推送渠道已停用。"))
    return redirect("core:manage_channels")
