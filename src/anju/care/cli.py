"""``anju care-tick``: the daily care job (run it from cron, e.g. every day at 07:10).

Ends the care plans whose matter has been archived for ``ANJU_CARE_AFTER_ARCHIVE_DAYS`` days (default 90),
removes the need markers no active care plan keeps (each removal in the audit log), and reminds each care
person of visits due today or tomorrow and of those overdue, once per visit and day: running it twice on one
day writes and sends nothing more."""

from __future__ import annotations

import datetime as dt


def cmd_care_tick(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.utils import timezone

    from anju.care.actions import care_tick

    now = None
    if args.today:
        day = dt.date.fromisoformat(args.today)
        now = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 10)))
    done = care_tick(now)
    print(
        f"关爱计划到期结束 {done['plans_ended']} 项，删除到期需求标记 {done['needs_removed']} 个，"
        f"发送走访提醒 {done['reminders']} 条。"
    )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "care-tick", help="结束到期的关爱计划，删除到期的需求标记，提醒关爱走访（每天运行一次）"
    )
    p.add_argument("--today", help="按此日期运行 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_care_tick)
