"""``anju token create USERNAME [--name NAME] [--scope read|actions] [--days N]``: issue an API token and
print it once.
``anju token list USERNAME``: the user's tokens (name, prefix, created, last used), never the tokens.
``anju token revoke USERNAME PREFIX``: withdraw one token."""

from __future__ import annotations

import sys


def cmd_token_create(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.core import actions
    from anju.core.models import User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"用户 {args.username} 不存在。", file=sys.stderr)
        return 1
    if not user.is_active:
        print(f"用户 {args.username} 已停用，不能签发令牌。", file=sys.stderr)
        return 1
    try:
        token = actions.issue_api_token(
            user, args.name, scope=getattr(args, "scope", "actions"), days=getattr(args, "days", None)
        )
    except ValidationError as exc:
        print("；".join(exc.messages), file=sys.stderr)
        return 1
    print(token)
    print("请妥善保存：令牌只显示这一次。使用方式：Authorization: Bearer <令牌>", file=sys.stderr)
    return 0


def cmd_token_list(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.utils import timezone

    from anju.core.models import ApiToken, User

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"用户 {args.username} 不存在。", file=sys.stderr)
        return 1
    tokens = ApiToken.objects.filter(user=user).order_by("created_at")
    if not tokens:
        print(f"用户 {args.username} 没有 API 令牌。")
    for token in tokens:
        used = (
            timezone.localtime(token.last_used_at).strftime("%Y-%m-%d %H:%M")
            if token.last_used_at
            else "从未使用"
        )
        created = timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        expired = "（已过期）" if token.is_expired() else ""
        print(
            f"anju_{token.prefix}…\t{token.name}\t{token.get_scope_display()}\t创建于 {created}"
            f"\t有效期至 {expires}{expired}\t最近使用 {used}"
        )
    return 0


def cmd_token_revoke(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.core import actions
    from anju.core.models import ApiToken

    prefix = args.prefix.removeprefix("anju_").rstrip("…")
    tokens = list(ApiToken.objects.filter(user__username=args.username, prefix__startswith=prefix))
    if len(tokens) != 1:
        print(f"找到 {len(tokens)} 个匹配的令牌，请给出唯一的前缀（见 anju token list）。", file=sys.stderr)
        return 1
    actions.revoke_api_token(None, tokens[0])
    print(f"已撤销令牌 anju_{tokens[0].prefix}…（{tokens[0].name}）。")
    return 0


def register(subparsers) -> None:
    token = subparsers.add_parser("token", help="API 令牌")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    create = token_sub.add_parser("create", help="为用户签发 API 令牌（只显示一次）")
    create.add_argument("username")
    create.add_argument("--name", default="api", help="令牌名称，便于日后识别（默认 api）")
    create.add_argument(
        "--scope",
        choices=("read", "actions"),
        default="actions",
        help="read：只读（查询、订阅预警）；actions：可执行角色允许的操作（默认）",
    )
    create.add_argument("--days", type=int, default=None, help="有效天数（默认 ANJU_API_TOKEN_DAYS，90）")
    create.set_defaults(func=cmd_token_create)
    listing = token_sub.add_parser("list", help="列出用户的 API 令牌（不显示令牌本身）")
    listing.add_argument("username")
    listing.set_defaults(func=cmd_token_list)
    revoke = token_sub.add_parser("revoke", help="撤销用户的一个 API 令牌")
    revoke.add_argument("username")
    revoke.add_argument("prefix", help="令牌前缀（anju token list 显示的 anju_xxxxxxxx）")
    revoke.set_defaults(func=cmd_token_revoke)
    token.set_defaults(func=lambda args: token.print_help() or 2)
