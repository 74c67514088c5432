"""Sub-commands for the data at rest: ``anju keys rotate|status``, ``anju backup``, ``anju restore``."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from anju.django_setup import setup_django

# the environment variable's name, not a password
PASSPHRASE_VARIABLE = "ANJU_BACKUP_PASSPHRASE"  # nosec B105


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


def _new_passphrase() -> str:
    if os.environ.get(PASSPHRASE_VARIABLE):
        return os.environ[PASSPHRASE_VARIABLE]
    first = getpass.getpass("备份口令: ")
    if first != getpass.getpass("再输入一次: "):
        raise SystemExit("两次输入的口令不一致。")
    return first


def _passphrase() -> str:
    return os.environ.get(PASSPHRASE_VARIABLE) or getpass.getpass("备份口令: ")


def cmd_backup(args) -> int:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from anju.core import crypto
    from anju.core.backup import BackupError, create_backup
    from anju.core.object_storage import describe

    ring = crypto.keyring()
    bucket = describe(settings.STORAGES["default"])
    try:
        summary = create_backup(
            Path(args.out),
            connection=connection,
            data_dir=settings.DATA_DIR,
            field_key_ids=ring.ids if ring else [],
            field_keys_in_archive=bool(ring and ring.from_file),
            passphrase=_new_passphrase() if args.encrypt else None,
            uploads_elsewhere=bucket,
        )
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    manifest = summary.manifest
    print(
        f"备份已写入 {summary.path}：{manifest['database']['vendor']} 数据库和 {summary.files} 个文件，"
        f"共 {summary.size / 1e6:.1f} MB（压缩前）{'，已用口令加密' if args.encrypt else ''}。"
    )
    if ring is not None and not ring.from_file:
        print(
            "注意：字段加密密钥来自环境变量 ANJU_FIELD_KEY，不在备份中；请另行妥善保存"
            f"（需要的密钥：{', '.join(ring.ids)}）。",
            file=sys.stderr,
        )
    elif not args.encrypt:
        print("注意：备份中有字段加密密钥和个人信息，请像保管密钥一样保管它（或用 --encrypt 加密）。")
    if bucket:
        print(
            f"注意：上传文件和生成的文件保存在对象存储 {bucket} 中，不在这个归档里；"
            "请按 docs/deployment.md 另行备份存储桶（版本控制、复制到另一处）。",
            file=sys.stderr,
        )
    return 0


def cmd_restore(args) -> int:
    # No Django here: settings would create files in the data folder before it is checked to be empty.
    import dj_database_url

    from anju.core.backup import BackupError, restore_backup
    from anju.core.keyfiles import data_dir

    target = data_dir()
    url = os.environ.get("ANJU_DATABASE_URL") or f"sqlite:///{target / 'anju.sqlite3'}"
    try:
        manifest = restore_backup(
            Path(args.archive), data_dir=target, database=dj_database_url.parse(url), passphrase=_passphrase
        )
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"已从 {args.archive}（{manifest['created_at']}，anju {manifest['anju_version']}）恢复到 {target}，"
        f"{len(manifest['files'])} 个文件校验无误。运行 anju serve 启动（会先升级数据库）。"
    )
    if manifest.get("uploads"):
        print(
            f"注意：上传文件在对象存储 {manifest['uploads']} 中，不在备份里：请把 ANJU_S3_BUCKET 等设置为"
            "备份时的存储桶（或从存储桶的备份恢复出的桶）。"
        )
    keys = manifest.get("field_keys", {})
    if keys and not keys.get("in_archive"):
        print(f"注意：请用 ANJU_FIELD_KEY 给出备份时的字段加密密钥（{', '.join(keys['key_ids'])}）。")
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

    p = subparsers.add_parser("backup", help="把数据库、密钥文件和上传文件备份成一个归档（服务运行时也可）")
    p.add_argument("out", help="归档文件名，如 anju-2026-12-01.tar.gz")
    p.add_argument(
        "--encrypt", action="store_true", help=f"用口令加密（口令取 {PASSPHRASE_VARIABLE}，或交互输入）"
    )
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser("restore", help="把备份恢复到空的数据目录和空的数据库（先校验）")
    p.add_argument("archive")
    p.set_defaults(func=cmd_restore)
