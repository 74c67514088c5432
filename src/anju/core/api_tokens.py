"""Finding the API token a request carries (``Authorization: Bearer <token>``), for the API and the feeds.

A token authenticates only while its user is active and it has not expired; each use updates
``last_used_at``. What it may do then is its scope's business (``ApiToken.can_act``)."""

from __future__ import annotations

from django.utils import timezone

from anju.core.models import ApiToken
from anju.core.permissions import may
from anju.core.scoping import scoped


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
    # One write per request is cheap; updating only the column keeps concurrent requests harmless.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def is_expired_token(secret: str, now=None) -> bool:
    return ApiToken.objects.filter(digest=ApiToken.hash(secret), expires_at__lte=now or timezone.now()).exists()


def visible_tokens(user):
    """The tokens a user may see and revoke: their own, and (administrators) those of their area's users."""
    tokens = ApiToken.objects.select_related("user", "user__area")
    if may(user, "admin.manage"):
        return (scoped(user, tokens) | tokens.filter(user=user)).distinct()
    return tokens.filter(user=user)
