"""Account pages: password, second factor, log out everywhere, API tokens, how notices reach the user, and
(administrators) lift sign-in lockouts and revoke their users' API tokens."""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from anju.core import actions
from anju.core.api_tokens import visible_tokens
from anju.core.channels import EMAIL, WEBHOOK, offered
from anju.core.errors import NotAllowed, WorkflowError
from anju.core.forms import (
    ApiTokenForm,
    NotificationPreferenceForm,
    PasswordChangeForm,
    TokenForm,
    add_action_errors,
)
from anju.core.models import ApiToken, NotificationPreference
from anju.core.permissions import may


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
            return redirect(settings.LOGIN_REDIRECT_URL)  # the site's home, named in settings
    return render(request, "core/password_change.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def notification_preferences(request):
    """The user's channels (in-app always; e-mail and the county's webhook where configured) and digest."""
    codes = {c.code for c in offered()}
    options = {"email_offered": EMAIL in codes, "webhook_offered": WEBHOOK in codes}
    preference = NotificationPreference.objects.filter(user=request.user).first()
    initial = {"email_address": request.user.email}
    if preference is not None:
        initial |= {"email": preference.email, "webhook": preference.webhook}
        initial["daily_digest"] = preference.daily_digest
    form = NotificationPreferenceForm(request.POST or None, initial=initial, **options)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_notification_preferences(
                request.user,
                email=data.get("email", False),
                webhook=data.get("webhook", False),
                daily_digest=data.get("daily_digest", False),
                email_address=data.get("email_address") if "email_address" in form.fields else None,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, _("通知方式已保存。"))
            return redirect("core:notification_preferences")
    context = {"form": form, "offered": bool(codes)}
    return render(request, "core/notification_preferences.html", context, status=422 if form.errors else 200)


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
        try:
            actions.unlock_login(request.user, username)
        except NotAllowed as exc:  # the action's guard
            raise PermissionDenied(" ".join(exc.messages)) from None
        messages.success(request, _("已解除账号 %(u)s 的登录锁定。") % {"u": username})
    return redirect("core:lockouts")


@login_required
def api_tokens(request):
    """The user's API tokens (create, list, revoke); administrators also see their users' tokens."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            secret = actions.issue_api_token(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            form = ApiTokenForm()
    own = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    others = None
    if may(request.user, "admin.manage"):
        others = (
            visible_tokens(request.user).exclude(user=request.user).order_by("user__username", "-created_at")
        )
    context = {"form": form, "secret": secret, "own": own, "others": others, "now": timezone.now()}
    return render(request, "core/api_tokens.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def revoke_api_token(request, token_id: int):
    token = visible_tokens(request.user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    try:
        actions.revoke_api_token(request.user, token)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("core:api_tokens")
    messages.success(request, _("已撤销令牌 %(t)s。") % {"t": str(token)})
    return redirect("core:api_tokens")


def _qr_svg(data: str) -> str:
    """The enrolment QR code drawn here (segno, SVG): the secret never leaves the server for a QR service."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True)
    return out.getvalue().decode()


@login_required
def two_factor_setup(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = actions.confirm_totp(request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            otp_login(request, device)
            return render(request, "core/two_factor_codes.html", {"codes": codes})
    device = actions.start_totp_enrolment(request.user)
    secret = b32encode(device.bin_key).decode()
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret}
    return render(request, "core/two_factor_setup.html", context, status=422 if form.errors else 200)


@login_required
def two_factor_verify(request):
    form = TokenForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        device = actions.verify_second_factor(request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", _("验证码不正确或已使用，请重试。"))
    return render(
        request,
        "core/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=422 if form.errors else 200,
    )
