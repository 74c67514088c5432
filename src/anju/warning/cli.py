"""``anju warn-scan``: the weekly early-warning job (run it from cron, e.g. every Monday 06:00);
``anju forecast``: the nightly forecast; ``anju analysis-tick``: daily meetings on key dates."""

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


def cmd_forecast(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.core.models import Area
    from anju.warning.actions import forecast_counties, run_forecast

    if args.area:
        counties = list(Area.objects.filter(code=args.area))
        if not counties:
            print(f"没有编码为 {args.area} 的区域", file=sys.stderr)
            return 2
    else:
        counties = forecast_counties()
    for county in counties:
        try:
            run = run_forecast(None, county, refit=True if args.refit else None)
        except ValidationError as exc:
            print("; ".join(exc.messages), file=sys.stderr)
            return 2
        skill = run.skill.get("skill") or {}
        told = ", ".join(f"{k} {v:+.0%}" for k, v in skill.items() if v is not None) or run.skill.get(
            "reason", "—"
        )
        print(
            f"{county.name}：起点周 {run.origin_week}，{run.series.count()} 个序列，"
            f"{'重新拟合' if run.refitted else '沿用本周模型'}，技能（CRPS）{told}，用时 {run.duration_ms} ms"
        )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "forecast", help="预测各县各镇×领域未来四周的事项数（每晚运行；模型每周重新拟合）"
    )
    p.add_argument("--area", help="只计算这个县（区域编码）")
    p.add_argument("--refit", action="store_true", help="立即重新拟合并重做滚动评估")
    p.set_defaults(func=cmd_forecast)

    p = subparsers.add_parser("analysis-tick", help="重要节点期间每天生成节点每日研判会（每天由 cron 运行）")
    p.add_argument("--today", help="YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_analysis_tick)

    p = subparsers.add_parser("warn-scan", help="按村×领域×周统计事项并运行预警方法，保存信号")
    p.add_argument("--through", help="评估截止日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--weeks", type=int, default=4, help="重新评估最近多少周（回填历史可用 156）")
    p.set_defaults(func=cmd_warn_scan)
