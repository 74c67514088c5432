"""Plain Chinese sentences for signals, for pages, warnings and reports."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from anju.warning.models import Method, Signal

# EARS compares a week with the weeks just before it, the Farrington methods with the same weeks of past years.
RECENT_BASELINE_METHODS = (Method.EARS_C1, Method.EARS_C2, Method.EARS_C3)


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
    values = {
        "when": when,
        "area": signal.area.name,
        "domain": signal.domain.name,
        "n": signal.observed,
        "e": expected,
        "u": bound,
    }
    if signal.method in RECENT_BASELINE_METHODS:
        return (
            _("%(when)s %(area)s %(domain)s 类事项 %(n)s 件，此前几周平均 %(e)s 件，预警阈值 %(u)s 件")
            % values
        )
    return (
        _("%(when)s %(area)s %(domain)s 类事项 %(n)s 件，往年同期预期 %(e)s 件，预警阈值 %(u)s 件") % values
    )


def plain_comparison(signal: Signal) -> str:
    """What the alarm means, in words a township officer uses; the method's name goes in a tooltip."""
    if signal.method in RECENT_BASELINE_METHODS:
        return _("比此前几周明显偏多")
    return _("比往年同期明显偏多")


def alert_text_from_signal(signal: Signal, today: dt.date) -> dict[str, str]:
    """The headline, expected situation and measures a warning drafted from ``signal`` starts with.

    The one source of this text: the draft form and ``draft_from_signal`` both use it."""
    if signal.method in RECENT_BASELINE_METHODS:
        comparison = _("，明显高于此前几周。")
    else:
        comparison = _("，明显高于往年同期。")
    return {
        "headline": _("%(area)s%(domain)s类事项异常增多预警")
        % {"area": signal.area.name, "domain": signal.domain.name},
        "expected": describe(signal, today) + comparison,
        "measures": _("请属地村（社区）和相关部门立即开展排查，逐件登记化解，及时报告进展。"),
    }
