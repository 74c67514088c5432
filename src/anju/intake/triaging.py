"""Intake's use of triage, which sits below it: the text a report is triaged on, the one triage pass per
text, and the ledger's labelled matters that train triage's classifier.

Triage is optional (``apps.is_installed``); without it a report simply carries no suggestions. Triage
never reads or writes intake's rows: intake hands it texts and stores what comes back
(``actions.record_triage``).
"""

from __future__ import annotations

import logging

from django.apps import apps

from anju.core.crypto import protect_text
from anju.matters.models import Matter

logger = logging.getLogger(__name__)


def installed() -> bool:
    return apps.is_installed("anju.triage")


def report_text(title: str, text: str) -> str:
    """What a report is triaged on: its title and text as stored (personal data already masked).
    Line ends are unified so that the typing panel and the saved report hash the same text."""
    title = (title or "").strip()
    text = (text or "").strip().replace("\r\n", "\n")
    return f"{title}。{text}" if title else text


def typed_text(title: str, text: str) -> str:
    """The same for a form still being typed: masked as ``submit_report`` will store it."""
    return report_text(title, protect_text((text or "").strip())[0])


def analyse(text: str) -> dict:
    """Triage's pass over ``text`` (cached by triage per text and model, so typing and submitting one
    text run the classifier once)."""
    from anju.triage import service

    return service.analyse(text)


def labelled_matters():
    """Training examples for triage: each matter's text and its domain as staff left it."""
    rows = (
        Matter.objects.filter(domain__active=True)
        .values_list("title", "description", "domain__code")
        .iterator(chunk_size=2000)
    )
    return [(f"{title}。{description}", code) for title, description, code in rows]


def register_training_source() -> None:
    """Called from ``IntakeConfig.ready``: the ledger trains triage without triage importing it."""
    if installed():
        from anju.triage import service

        service.register_training_source(labelled_matters)


def stored_or_live(report) -> tuple[dict, int | None]:
    """The triage pass a staff page fills its form from, and the domain it proposes: the report's stored
    one, or, while the worker has not yet triaged a report sent through the API, a pass run now and not
    stored (the page only reads; triage caches the pass, so the worker reuses it)."""
    if not report.triage_pending or not installed():
        return report.triage or {}, report.suggested_domain_id
    from anju.core.models import Domain

    try:
        result = analyse(report_text(report.title, report.text))
    except Exception:  # a suggestion never costs staff the page
        logger.exception("triage failed for report %s on its page", report.pk)
        return {}, report.suggested_domain_id
    domains = result.get("domains") or []
    top = Domain.objects.filter(code=domains[0][0], active=True).values_list("pk", flat=True).first()
    return result, report.suggested_domain_id or (top if domains else None)
