"""``anju warn-scan``: the weekly early-warning job (run it from cron, e.g. every Monday 06:00)."""

from __future__ import annotations

import datetime as dt
import sys


def cmd_warn_scan(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.warning.actions import run_scan

    through = dt.date.fromisoformat(args.through) if args.through else None
    try:
        scan = run_scan(None, through=through, weeks=args.weeks)
    except ValidationError as exc:
        print("; ".join(exc.messages), file=sys.stderr)
        return 2
    print(
        f"扫描 {scan.first_week} – {scan.last_week}: {scan.series_count} 个序列, {scan.points_evaluated} 个点, "
        f"{scan.alarm_count} 个报警, 用时 {scan.duration_ms} ms（写入 {scan.write_ms} ms）"
    )
    return 0


def cmd_analysis_tick(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.warning.actions import ensure_daily_meetings

    today = dt.date.fromisoformat(args.today) if args.today else None
    for meeting in ensure_daily_meetings(today):
        print(f"已生成：{meeting.title}（议程 {meeting.agenda.count()} 项）")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("analysis-tick", help="重要节点期间每天生成节点每日研判会（每天由 cron 运行）")
    p.add_argument("--today", help="YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_analysis_tick)

    p = subparsers.add_parser("warn-scan", help="按村×领域×周统计事项并运行预警方法，保存信号")
    p.add_argument("--through", help="评估截止日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--weeks", type=int, default=4, help="重新评估最近多少周（回填历史可用 156）")
    p.set_defaults(func=cmd_warn_scan)
