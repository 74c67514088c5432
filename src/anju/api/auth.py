"""API authentication: bearer tokens (``core.ApiToken``) for programs, the session for the logged-in browser."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from anju.core.api_tokens import is_expired_token, valid_token
from anju.core.errors import NotAllowed

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``. Only the token's hash is stored, so we look the hash up.

    An unknown, expired or revoked token, or one of a deactivated user, is not authenticated (401); a
    read-only token is refused every write (403) before the operation runs."""

    def authenticate(self, request, token: str):
        secret = (token or "").strip()
        api_token = valid_token(secret)
        if api_token is None:
            # only to word the 401: an expired token is told so, and what to do
            request.anju_token_expired = bool(secret) and is_expired_token(secret)
            return None
        if request.method not in SAFE_METHODS and not api_token.can_act:
            raise NotAllowed(_("此令牌为只读令牌，不能执行写操作；请使用读写令牌。"))
        request.api_token = api_token
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
