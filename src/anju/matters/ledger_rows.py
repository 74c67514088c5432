"""The ledger page's rows, computed once in Python.

A ledger page shows each of its 25 matters twice — as a table row (wide screens) and as a card (phones,
``_ledger_cards.html``) — and each showed its detail link, level badge, status, overdue flag and dates
through template tags and filters, each evaluated per row and per layout (``{% url %}``, ``|date`` with
its time-zone conversion, ``is_overdue`` asking the clock each time). A ``LedgerRow`` holds those values,
computed once per matter; both layouts print them. The HTML is the same as before.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import template_localtime

from anju.matters.risk import current_matrix
from anju.matters.templatetags.matters_extras import level_badge_html
from anju.matters.workflow import DEADLINE_STATUSES


class LedgerRow:
    """One matter of the page with the values both layouts print."""

    __slots__ = (
        "matter",
        "url",
        "overdue",
        "level_badge",
        "status_label",
        "kind_label",
        "domain_name",
        "area_name",
        "handling_area_name",
        "unit_name",
        "registered_minute",
        "registered_day",
        "deadline_day",
    )

    def __init__(self, matter, *, url: str, today, matrix):
        self.matter = matter
        self.url = url
        self.overdue = bool(
            matter.deadline and matter.status in DEADLINE_STATUSES and matter.deadline < today
        )
        self.level_badge = level_badge_html(matrix, matter.level_for_display)
        self.status_label = matter.get_status_display()
        self.kind_label = matter.get_kind_display()
        self.domain_name = str(matter.domain)
        self.area_name = matter.area.name
        # shown only when the matter is handled at another level than where it happened
        self.handling_area_name = (
            matter.handling_area.name if matter.handling_area_id != matter.area_id else None
        )
        self.unit_name = matter.responsible_unit.name if matter.responsible_unit_id else ""
        self.registered_minute = date_filter(template_localtime(matter.registered_at), "Y-m-d H:i")
        self.registered_day = date_filter(template_localtime(matter.registered_at), "Y-m-d")
        self.deadline_day = date_filter(matter.deadline, "Y-m-d") if matter.deadline else ""


def ledger_rows(matters) -> list[LedgerRow]:
    """The rows of a page of matters (``LEDGER_RELATED`` selected): one clock reading, one read of the risk
    matrix and one URL pattern for the whole page."""
    today = timezone.localdate()
    matrix = current_matrix()
    # the detail URL of every row from one reverse(): the pattern is matters/<int:pk>/ (a placeholder pk)
    pattern = reverse("matters:detail", args=[0])
    head, tail = pattern.rsplit("/0/", 1)
    return [
        LedgerRow(matter, url=f"{head}/{matter.pk}/{tail}", today=today, matrix=matrix) for matter in matters
    ]
