"""Finding the API token a request carries (``Authorization: Bearer <token>``), for the API and the feeds.

A token authenticates only while its user is active and it has not expired; each use updates
``last_used_at`` (to the minute). What it may do then is its scope's business (``ApiToken.can_act``).

``login_or_token_required`` opens a page to programs as well as to signed-in browsers: the warning feeds (CAP
message, Atom feed) are syndicated by other systems that have no session."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.models import ApiToken
from anju.core.permissions import may
from anju.core.scoping import scoped

LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def bearer_secret(request) -> str | None:
    """The token in the request's ``Authorization: Bearer …`` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def valid_token(secret: str | None, now=None) -> ApiToken | None:
    """The live token with this secret (user active, not expired), its use recorded; else None."""
    if not secret:
        return None
    token = ApiToken.objects.select_related("user", "user__area").filter(digest=ApiToken.hash(secret)).first()
    now = now or timezone.now()
    if token is None or not token.user.is_active or token.is_expired(now):
        return None
    # Recorded to the minute: a program sending many requests a second writes the token's row once a
    # minute, not once per request (on SQLite every write takes the database's one write lock).
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def is_expired_token(secret: str, now=None) -> bool:
    return ApiToken.objects.filter(
        digest=ApiToken.hash(secret), expires_at__lte=now or timezone.now()
    ).exists()


def visible_tokens(user):
    """The tokens a user may see and revoke: their own, and (administrators) those of their area's users."""
    tokens = ApiToken.objects.select_related("user", "user__area")
    if may(user, "admin.manage"):
        return (scoped(user, tokens) | tokens.filter(user=user)).distinct()
    return tokens.filter(user=user)


def login_or_token_required(view):
    """Like ``login_required``, but a request with ``Authorization: Bearer <token>`` is let in as the token's
    user, read scope enough, for reading only (GET/HEAD). The view then checks permission and scope as for
    anyone signed in. A bad, expired or revoked token is 401, never a redirect to the sign-in page."""
    browser_view = login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        secret = bearer_secret(request)
        if secret is None and "Authorization" not in request.headers:
            return browser_view(request, *args, **kwargs)
        token = valid_token(secret)
        if token is None:
            expired = secret is not None and is_expired_token(secret)
            message = (
                _("API 令牌已过期，请签发新令牌。")
                if expired
                else _("请提供有效的 API 令牌（Authorization: Bearer …）。")
            )
            response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
            response["WWW-Authenticate"] = 'Bearer realm="anju"'
            return response
        if request.method not in ("GET", "HEAD"):
            return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
        request.user = token.user
        request.api_token = token
        return view(request, *args, **kwargs)

    return wrapped
