"""The notification centre's page: a user's own notices, opened and marked read (the bell is in base.html)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import notifications


@login_required
def notification_list(request):
    notices = notifications.for_user(request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "show": show,
            "unread": notifications.unread_count(request.user),
        },
    )


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one notice read and go to what it is about (only a local address: no open redirect)."""
    notice = get_object_or_404(notifications.for_user(request.user), pk=pk)
    notifications.mark_read(request.user, notice)
    if (
        request.POST.get("go")
        and notice.link
        and url_has_allowed_host_and_scheme(
            notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return redirect(notice.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.mark_all_read(request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("core:notifications")


@login_required
def delivery_log(request):
    """What left anju by e-mail and webhook, and what is waiting or failed (administrators, their area)."""
    from anju.core.channels import CHANNELS
    from anju.core.models import Delivery, DeliveryStatus
    from anju.core.scoping import scoped

    request.user.require("admin.manage")
    deliveries = scoped(request.user, Delivery).select_related("user")
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    for delivery in page:
        channel = CHANNELS.get(delivery.channel)
        delivery.channel_label = channel.label if channel else delivery.channel
    context = {"page": page, "status": status, "statuses": DeliveryStatus.choices}
    return render(request, "core/deliveries.html", context)
