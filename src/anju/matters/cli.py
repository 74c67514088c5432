"""``anju deadline-tick``: the daily deadline reminder (run it from cron, e.g. every day at 08:00).

Tells the responsible unit of each assigned matter whose deadline is near (``ANJU_DEADLINE_REMINDER_DAYS``,
default 3) or past, and each centre staff member how many matters wait for 研判 longer than
``ANJU_UNGRADED_REMINDER_HOURS`` (default 24); once per matter (or person) and day, so running it twice sends
nothing more. Then applies the level
rules (``matters.actions.levels.apply_level_rules``): due progress reports and their reminders, automatic
督办 of matters overdue by their rule's days, and unanswered 督办 reported to the next level's leaders; each
written once, so running it twice writes nothing twice.
"""

from __future__ import annotations

import datetime as dt


def cmd_deadline_tick(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from django.utils import timezone

    from anju.matters.actions import apply_level_rules, remind_deadlines, remind_ungraded

    now = None
    if args.today:
        day = dt.date.fromisoformat(args.today)
        now = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
    sent = remind_deadlines(now, days_before=args.days)
    print(f"发送办理期限提醒 {sent} 条。")
    print(f"发送待研判提醒 {remind_ungraded(now)} 条。")
    done = apply_level_rules(now)
    print(
        f"等级处置规则：新增应报进展报告 {done['progress_due']} 份，进展报告提醒 {done['progress_reminders']} 条，"
        f"自动督办 {done['auto_supervised']} 件，督办未回应报上级领导 {done['escalated']} 件。"
    )
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "deadline-tick", help="提醒责任单位即将到期或已逾期的事项，提醒综治中心待研判事项（每天运行一次）"
    )
    p.add_argument("--today", help="按此日期运行 YYYY-MM-DD（默认今天）")
    p.add_argument(
        "--days", type=int, default=None, help="提前几天提醒（默认 ANJU_DEADLINE_REMINDER_DAYS，3）"
    )
    p.set_defaults(func=cmd_deadline_tick)
