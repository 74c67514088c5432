"""API tokens: the caller's own, and (administrators) those of the users in their area; revoking one.

Tokens are issued on the account page or with ``anju token create``; the API never shows a token itself,
only its prefix. Revoking goes through ``core.actions.revoke_api_token`` (audited)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from anju.api.pagination import PageParams, paginate
from anju.api.schemas import Page
from anju.api.strict import QueryBool
from anju.core import actions
from anju.core.api_tokens import visible_tokens
from anju.core.models import ApiToken
from anju.core.permissions import require

router = Router(tags=["API tokens"])


class TokenOwner(Schema):
    id: int
    username: str
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="the token's first characters, e.g. anju_Ab3dE6gH…; never the token")
    scope: str = Field(description="read: GET requests and the warning feeds; actions: also every write")
    scope_label: str
    created_at: dt.datetime
    expires_at: dt.datetime
    expired: bool
    last_used_at: dt.datetime | None = None
    user: TokenOwner


class TokenPage(Page):
    items: list[TokenOut]


class TokenFilters(Schema):
    all: QueryBool = Field(False, description="administrators: the tokens of every user in their area")


def token_out(token: ApiToken, now=None) -> dict:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": f"anju_{token.prefix}…",
        "scope": token.scope,
        "scope_label": str(token.get_scope_display()),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "expired": token.is_expired(now),
        "last_used_at": token.last_used_at,
        "user": {"id": token.user.pk, "username": token.user.username, "name": str(token.user)},
    }


@router.get(
    "/tokens", response=TokenPage, summary="API tokens: your own, or (administrators) all in your area"
)
def list_tokens(request, filters: Query[TokenFilters], page: Query[PageParams]):
    user = request.auth
    if filters.all:
        require(user, "admin.manage")
        tokens = visible_tokens(user)
    else:
        tokens = ApiToken.objects.select_related("user").filter(user=user)
    now = timezone.now()
    return paginate(
        tokens.order_by("user__username", "-created_at", "-id"), page, lambda t: token_out(t, now)
    )


@router.post(
    "/tokens/{token_id}/revoke",
    response={204: None},
    summary="Revoke a token (yours, or as an administrator one in your area); it stops working at once",
)
def revoke_token(request, token_id: int):
    token = visible_tokens(request.auth).filter(pk=token_id).first()
    if token is None:
        raise Http404
    actions.revoke_api_token(request.auth, token)
    return Status(204, None)
