"""``anju screening-tick``: the daily 排查 job (run it from cron, e.g. every day at 06:00).

Opens the rounds whose period has started, lists new areas in open rounds, closes rounds past their
automatic end, and sends the day's reminders to areas that have not filed.
"""

from __future__ import annotations

import datetime as dt


def cmd_screening_tick(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.screening.actions import open_due_rounds, send_reminders

    today = dt.date.fromisoformat(args.today) if args.today else None
    opened = open_due_rounds(today)
    reminders = send_reminders(today)
    for round_ in opened:
        print(
            f"开启 {round_.county.name} {round_}：报送期限 {round_.due_date:%Y-%m-%d}，应报 {round_.returns.count()} 个"
        )
    print(f"新开启 {len(opened)} 轮排查，发送提醒 {reminders} 条。")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "screening-tick", help="开启到期的排查轮次并向未报送的区域发送提醒（每天运行一次）"
    )
    p.add_argument("--today", help="按此日期运行 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_screening_tick)
