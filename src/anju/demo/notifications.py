"""The demo's notices of the daily jobs: what ``anju deadline-tick`` would tell the demo county today
(deadlines near or past, matters waiting for 研判), so the bell and the 工作台 have something to show."""

from __future__ import annotations


def load_notifications_demo() -> str:
    from anju.matters.actions import remind_deadlines, remind_ungraded

    deadlines = remind_deadlines()
    ungraded = remind_ungraded()
    return f"通知：办理期限提醒 {deadlines} 条，待研判提醒 {ungraded} 条。"
