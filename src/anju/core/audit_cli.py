"""``anju audit verify``: link pending events, then check the audit log's hash chain and its guard triggers;
exit 1 on the first fault."""

from __future__ import annotations

import sys


def cmd_audit_verify(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.db import connection

    from anju.core import audit_chain, audit_guard

    # Link what is pending first (events of transactions committed a moment ago, or left behind by a
    # process that died before linking them), so that the whole log is checked as one chain.
    audit_chain.link_pending()
    report = audit_chain.verify()
    if not report.intact:
        print(f"审计日志链断开：{report.problem}。此前 {report.checked} 条完好。", file=sys.stderr)
        return 1
    missing = audit_guard.missing_triggers(connection)
    if missing:
        print(
            f"审计日志链完好（{report.checked} 条），但保护触发器缺失或被停用：{', '.join(sorted(missing))}。"
            "请运行 anju migrate 恢复。",
            file=sys.stderr,
        )
        return 1
    print(f"审计日志完好：共 {report.checked} 条，链接无误。")
    if report.unlinked:  # written by transactions that committed while verify ran: the next run links them
        print(f"另有 {report.unlinked} 条刚写入的记录尚未入链。")
    if report.head_seq:
        # Noted outside the system, these show later whether the newest events were deleted.
        print(f"最新一条：第 {report.head_seq} 条，哈希 {report.head_hash}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="审计日志")
    audit_sub = p.add_subparsers(dest="audit_command", metavar="ACTION")
    p.set_defaults(func=lambda args: p.print_help() or 2)
    verify = audit_sub.add_parser("verify", help="校验审计日志的哈希链与保护触发器，发现断链时退出码为 1")
    verify.set_defaults(func=cmd_audit_verify)
