"""API authentication: bearer tokens (``core.ApiToken``) for programs, the session for the logged-in browser."""

from __future__ import annotations

from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from anju.core.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``. Only the token's hash is stored, so we look the hash up."""

    def authenticate(self, request, token: str):
        token = (token or "").strip()
        if not token:
            return None
        api_token = (
            ApiToken.objects.select_related("user", "user__area").filter(digest=ApiToken.hash(token)).first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        # One write per request is cheap; updating only the column keeps concurrent requests harmless.
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        return api_token.user


class BrowserSession(SessionAuth):
    """Django's session with its CSRF check, consulted only when a user is logged in.

    Without this guard a request carrying a wrong bearer token would fall through to the session check
    and fail on CSRF (403) instead of being told it is unauthenticated (401).
    """

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
browser_session = BrowserSession()
AUTH = [token_auth, browser_session]
