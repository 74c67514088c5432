"""``anju token create USERNAME [--name NAME]``: issue an API token and print it once."""

from __future__ import annotations

import sys


def cmd_token_create(args) -> int:
    from anju.platform_cli import setup_django

    setup_django()
    from django.core.exceptions import PermissionDenied

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
        token = actions.issue_api_token(user, args.name)
    except PermissionDenied as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(token)
    print("请妥善保存：令牌只显示这一次。使用方式：Authorization: Bearer <令牌>", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    token = subparsers.add_parser("token", help="API 令牌")
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION")
    create = token_sub.add_parser("create", help="为用户签发 API 令牌（只显示一次）")
    create.add_argument("username")
    create.add_argument("--name", default="api", help="令牌名称，便于日后识别（默认 api）")
    create.set_defaults(func=cmd_token_create)
    token.set_defaults(func=lambda args: token.print_help() or 2)
