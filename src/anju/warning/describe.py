"""Plain Chinese sentences for signals, for pages, warnings and reports."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from anju.warning.models import Signal


def describe(signal: Signal, today: dt.date) -> str:
    """One Chinese sentence a duty officer can read aloud."""
    this_monday = today - dt.timedelta(days=today.weekday())
    when = (
        _("本周")
        if signal.week == this_monday
        else (
            _("上周")
            if signal.week == this_monday - dt.timedelta(days=7)
            else _("%(label)s（%(date)s 起）") % {"label": signal.iso_label, "date": signal.week}
        )
    )
    expected = f"{signal.expected:.1f}" if signal.expected is not None else "—"
    bound = f"{signal.upperbound:.1f}" if signal.upperbound is not None else "—"
    return _("%(when)s %(area)s %(domain)s 类事项 %(n)s 件，往年同期预期 %(e)s 件，预警阈值 %(u)s 件") % {
        "when": when,
        "area": signal.area.name,
        "domain": signal.domain.name,
        "n": signal.observed,
        "e": expected,
        "u": bound,
    }
