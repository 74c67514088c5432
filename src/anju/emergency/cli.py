"""``anju emergency-tick``: the emergency job cron runs (e.g. every 15 minutes).

Registers every incident report that was late (迟报) or is missing (漏报) as a pending accountability record
(问责), once per report, so the deadlines of 首报/续报/终报 are kept without anyone pressing a button.
"""

from __future__ import annotations


def cmd_emergency_tick(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.emergency.actions import flag_all_report_failures

    count = flag_all_report_failures()
    print(f"新登记迟报、漏报问责记录 {count} 条。")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("emergency-tick", help="应急：登记迟报、漏报的事件报告，列入问责记录（待认定）")
    p.set_defaults(func=cmd_emergency_tick)
