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


def cmd_transmission_fit(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.core.models import Area, AreaLevel
    from anju.warning.actions import county_of, fit_due, fit_transmission

    if args.if_due:
        outcomes = fit_due()
        for county, line in outcomes:
            print(f"{county.name}：{line}")
        if not outcomes:
            print("各县的风险传导模型均在 7 天内计算过，无需重算。")
        return 0
    if args.area:
        area = Area.objects.filter(code=args.area).first()
        if area is None:
            print(f"没有区划代码为 {args.area} 的区域。", file=sys.stderr)
            return 2
        counties = [county_of(area)]
    else:
        counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))
    code = 0
    for county in counties:
        try:
            rows = fit_transmission(None, county=county)
        except ValidationError as exc:
            print("; ".join(exc.messages), file=sys.stderr)
            code = 2
            continue
        first = rows[0]
        print(
            f"{county.name}：{first.series_count} 个序列，{first.weeks} 周（{first.first_week} – {first.last_week}），"
            f"{len(rows)} 个区域，用时 {first.duration_ms} ms"
        )
    return code


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

    p = subparsers.add_parser(
        "transmission-fit", help="拟合风险传导模型（地方性—流行性模型），保存县及各乡镇的结果"
    )
    p.add_argument("--area", help="区划代码：只计算该区域所在的县（默认全部县）")
    p.add_argument(
        "--if-due", action="store_true", help="只重算尚未计算或计算已满 7 天的县（夜间定时任务用）"
    )
    p.set_defaults(func=cmd_transmission_fit)
