"""Sign-in policy: session limits, one-time passwords, the second factor, lockout events.

Login throttling and lockout themselves are django-axes (settings ``AXES_*``); this module records its
lockouts in the audit log and enforces what axes does not: sessions that end after ``ANJU_SESSION_IDLE_MINUTES``
without a request or ``ANJU_SESSION_ABSOLUTE_HOURS`` after sign-in, a password change before anything else
when the user's password is one-time, and the second factor (django-otp TOTP) for users who have one or whose
role is in ``ANJU_2FA_REQUIRED_ROLES``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

AUTH_AT = "anju_auth_at"
LAST_SEEN = "anju_last_seen"
# Writing the session on every request would make every page a database write; a minute is precise enough.
LAST_SEEN_RESOLUTION_S = 60


@receiver(user_logged_in)
def _remember_sign_in_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[AUTH_AT] = now
        request.session[LAST_SEEN] = now


def _expired(session, now: float) -> bool:
    auth_at = session.get(AUTH_AT)
    last_seen = session.get(LAST_SEEN, auth_at)
    if auth_at is None:  # a session from before this policy: it starts now
        return False
    if now - auth_at > settings.ANJU_SESSION_ABSOLUTE_HOURS * 3600:
        return True
    return last_seen is not None and now - last_seen > settings.ANJU_SESSION_IDLE_MINUTES * 60


class AccountPolicyMiddleware:
    """After the authentication and message middleware: end stale sessions, and send one-time passwords to the change page."""

    # paths a user with a one-time password, or still without a second factor, may reach
    ALLOWED_PREFIXES = ("/account/password/", "/account/2fa/", "/logout/", "/static/", "/i18n/", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            if _expired(request.session, now):
                logout(request)
                messages.info(request, _("您长时间未操作或登录已超过时限，请重新登录。"))
                return redirect(f"{reverse('core:login')}?next={request.path}")
            session = request.session
            if AUTH_AT not in session:
                session[AUTH_AT] = int(now)
            if now - session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION_S:
                session[LAST_SEEN] = int(now)
            if not request.path.startswith(self.ALLOWED_PREFIXES):
                detour = self._detour(request, user)
                if detour is not None:
                    return detour
        return self.get_response(request)

    def _detour(self, request, user):
        """Where a signed-in user must go first: a new password, then the second factor."""
        if user.must_change_password:
            messages.warning(request, _("您的密码为初始密码或已被管理员重置，请先设置新密码。"))
            return redirect("core:password_change")
        if user.is_verified():  # django-otp: this session passed a second factor
            return None
        if user_has_device(user):
            return redirect(f"{reverse('core:two_factor_verify')}?next={request.get_full_path()}")
        if user.role in settings.ANJU_2FA_REQUIRED_ROLES or user.two_factor_required:
            messages.warning(request, _("您的角色须启用双因素认证：请用手机身份验证器扫描二维码完成绑定。"))
            return redirect("core:two_factor_setup")
        return None


def connect_axes_signals() -> None:
    from axes.signals import user_locked_out

    from anju.core.auth_audit import record_lockout

    def on_locked_out(sender, request, username, ip_address, **kwargs):
        record_lockout(request, username)

    user_locked_out.connect(on_locked_out, dispatch_uid="anju.core.accounts.lockout", weak=False)
