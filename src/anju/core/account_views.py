"""Account pages: change password, log out everywhere, and (administrators) lift sign-in lockouts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max, Sum
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import actions
from anju.core.forms import PasswordChangeForm, add_action_errors


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.change_password(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            update_session_auth_hash(request, user)  # this browser stays signed in
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form}, status=422 if form.errors else 200)


@login_required
@require_POST
def logout_everywhere(request):
    actions.log_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("已在所有设备上退出登录。"))
    return redirect("core:login")


@login_required
def lockouts(request):
    """Accounts and addresses locked by repeated failed sign-ins, with an unlock button each."""
    from axes.models import AccessAttempt

    request.user.require("admin.manage")
    limit = settings.AXES_FAILURE_LIMIT
    by_username = (
        AccessAttempt.objects.exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")
    )
    rows = [r | {"locked": r["failures"] >= limit} for r in by_username]
    return render(request, "core/lockouts.html", {"rows": rows, "limit": limit})


@login_required
@require_POST
def unlock(request):
    username = (request.POST.get("username") or "").strip()[:150]
    if username:
        actions.unlock_login(request.user, username)
        messages.success(request, _("已解除账号 %(u)s 的登录锁定。") % {"u": username})
    return redirect("core:lockouts")
