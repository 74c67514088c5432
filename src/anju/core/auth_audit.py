"""Sign-in events in the audit log: login, failed login, logout and lockout.

Django's auth signals feed the first three. The username tried is recorded, never the password; the client
address is the real client's, also behind the trusted proxies (``anju.core.proxies``). Lockouts come from
django-axes, whose ``user_locked_out`` signal ``anju.core.accounts`` connects to ``record_lockout``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from anju.core import audit
from anju.core.proxies import client_address as proxied_client_address

LOGIN, LOGIN_FAILED, LOGOUT, LOCKOUT = "auth.login", "auth.login_failed", "auth.logout", "auth.lockout"
USERNAME_MAX = 150


def client_address(request) -> str:
    return proxied_client_address(request) if request is not None else ""


def _record_for_user(action: str, user, request, *, actor) -> None:
    audit.append(
        actor=actor,
        action=action,
        object_type=user._meta.label_lower,
        object_id=str(user.pk),
        object_repr=str(user),
        area=user.area,
        after={"username": user.get_username(), "client_address": client_address(request)},
    )


def _record_for_username(action: str, username: str, request) -> None:
    """An event about a username someone typed: the account's own when it exists, else one without area."""
    username = (username or "")[:USERNAME_MAX]
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if user is not None:
        _record_for_user(action, user, request, actor=None)
        return
    audit.append(
        actor=None,
        action=action,
        object_type=User._meta.label_lower,
        object_id="",
        object_repr=username,
        after={"username": username, "client_address": client_address(request)},
    )


def record_lockout(request, username: str) -> None:
    """A login throttle locked ``username`` (or the client) out after too many failed attempts."""
    _record_for_username(LOCKOUT, username, request)


def _logged_in(sender, request, user, **kwargs) -> None:
    _record_for_user(LOGIN, user, request, actor=user)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and user.is_authenticated:  # logging out without a session changes nothing
        _record_for_user(LOGOUT, user, request, actor=user)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked secret-looking keys in ``credentials``; only the username is read here.
    field = get_user_model().USERNAME_FIELD
    _record_for_username(
        LOGIN_FAILED, str(credentials.get(field) or credentials.get("username") or ""), request
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="anju_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="anju_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="anju_audit_login_failed")
