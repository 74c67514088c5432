"""Sub-commands for the data at rest: ``anju keys rotate|status``, ``anju backup``, ``anju restore``."""

from __future__ import annotations

import sys

from anju.platform_cli import setup_django


def cmd_keys_status(args) -> int:
    setup_django()
    from anju.core import crypto, fieldkeys

    ring = crypto.keyring()
    usage = fieldkeys.key_usage()
    if ring is not None:
        where = "环境变量 ANJU_FIELD_KEY" if not ring.from_file else f"密钥文件 {ring.source}"
        print(f"字段加密密钥（{where}，最新在前）：")
        for n, kid in enumerate(ring.ids):
            print(f"  {kid}  {usage.counts.get(kid, 0):>8} 个值{'  （最新，用于加密）' if n == 0 else ''}")
    for kid in usage.key_ids():
        if ring is None or kid not in ring.fernets:
            print(f"  {kid}  {usage.counts[kid]:>8} 个值  （缺少此密钥！）")
    if usage.counts.get(fieldkeys.LEGACY):
        print(f"  旧格式（无密钥编号） {usage.counts[fieldkeys.LEGACY]} 个值：运行 anju keys rotate 转换")
    problems = fieldkeys.field_key_problems(create=False)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def cmd_keys_rotate(args) -> int:
    setup_django()
    from anju.core import fieldkeys
    from anju.core.crypto import FieldKeyError

    def progress(label, count):
        print(f"  {label}: {count}", flush=True)

    try:
        report = fieldkeys.rotate(new_key=not args.no_new_key, batch_size=args.batch_size, progress=progress)
    except FieldKeyError as exc:
        print(exc, file=sys.stderr)
        return 1
    if report.added_key:
        print(f"新密钥 {report.new_key_id} 已加在密钥文件最前面；旧密钥仍保留在文件中。")
    print(f"已用密钥 {report.new_key_id} 重新加密 {report.total} 个值：")
    for label, count in sorted(report.reencrypted.items()):
        if count:
            print(f"  {label}: {count}")
    for kid, count in sorted(report.from_keys.items()):
        print(f"  原密钥 {kid if kid != fieldkeys.LEGACY else '旧格式'}: {count}")
    if report.unused_key_ids:
        print(
            f"已不再需要的旧密钥：{', '.join(report.unused_key_ids)}。备份之后可以把它们从密钥文件"
            "（或 ANJU_FIELD_KEY）中删去；正在运行的服务会自动读取新的密钥文件。"
        )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("keys", help="字段加密密钥：查看、轮换")
    keys = p.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    k = keys.add_parser("status", help="列出密钥及各密钥加密的值的个数，检查缺少的密钥")
    k.set_defaults(func=cmd_keys_status)
    k = keys.add_parser("rotate", help="生成新密钥（加在密钥文件最前面），并用它重新加密所有个人信息")
    k.add_argument(
        "--no-new-key",
        action="store_true",
        help="不生成新密钥，只用现有最新密钥重新加密（ANJU_FIELD_KEY 已加上新密钥，或继续中断的轮换）",
    )
    k.add_argument("--batch-size", type=int, default=500, help="每个事务重新加密的行数")
    k.set_defaults(func=cmd_keys_rotate)
