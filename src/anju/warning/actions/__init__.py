"""Every state change of early warning goes through one function here, one module per concern.

``scan`` (count and evaluate the series), ``detection_config`` (each domain's method), ``forecast`` (the nightly four-week forecast), ``alerts`` (预警: draft,
issue, update, lift, acknowledge) and ``analysis`` (研判会 and key dates). Each checks its guard with
``anju.core.permissions.require``, writes the audit log in its transaction and takes its clock as ``now``.
"""

from anju.warning.actions.alerts import (
    ALERT_FIELDS,
    STALE_ALERT,
    acknowledge_alert,
    at_issuing_level,
    draft_alert,
    draft_from_signal,
    issue_alert,
    lift_alert,
    update_alert,
)
from anju.warning.actions.analysis import (
    STALE_MEETING,
    active_key_dates,
    add_decision,
    complete_task,
    daily_meeting_areas,
    ensure_daily_meetings,
    key_dates_for,
    plan_meeting,
    prefill_agenda,
    record_minutes,
    save_key_date,
)
from anju.warning.actions.detection_config import configure_domain, may_configure_detection
from anju.warning.actions.forecast import forecast_counties, run_forecast
from anju.warning.actions.scan import MAX_SCAN_WEEKS, run_scan, scan_weeks
from anju.warning.actions.transmission import counties_due, county_of, fit_due, fit_transmission

__all__ = [
    "counties_due",
    "county_of",
    "fit_due",
    "fit_transmission",
    "ALERT_FIELDS",
    "MAX_SCAN_WEEKS",
    "STALE_ALERT",
    "STALE_MEETING",
    "acknowledge_alert",
    "active_key_dates",
    "add_decision",
    "at_issuing_level",
    "complete_task",
    "configure_domain",
    "draft_alert",
    "draft_from_signal",
    "forecast_counties",
    "daily_meeting_areas",
    "ensure_daily_meetings",
    "key_dates_for",
    "issue_alert",
    "lift_alert",
    "may_configure_detection",
    "plan_meeting",
    "prefill_agenda",
    "record_minutes",
    "run_forecast",
    "run_scan",
    "save_key_date",
    "scan_weeks",
    "update_alert",
]
