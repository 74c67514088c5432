"""Registering a matter (登记) and adding its parties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.crypto import protect_text
from anju.core.permissions import require
from anju.core.textsafety import refuse_invisible_in
from anju.matters.actions.base import begin, finish, log_event
from anju.matters.actions.steps import assess
from anju.matters.models import Matter, MatterParty
from anju.matters.workflow import WORKFLOW


def _next_number(area, when: dt.datetime) -> str:
    prefix = f"{area.code[:6]}-{when:%Y}-"
    last = (
        Matter.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _save_numbered(matter: Matter, area, when: dt.datetime, attempts: int = 5) -> None:
    """Insert a new matter under the next free number. Registrations at the same moment (PostgreSQL runs
    them side by side) may read the same last number; the loser takes the next one instead of failing."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():  # a savepoint: only this insert is undone
                matter.save()
            return
        except IntegrityError:
            if attempt == attempts - 1 or not Matter.objects.filter(number=matter.number).exists():
                raise
            matter.number = _next_number(area, when)


@transaction.atomic
def create_matter(
    actor,
    *,
    kind: str,
    domain,
    area,
    title: str,
    description: str,
    people_involved: int = 0,
    amount_involved: Decimal | int | str = 0,
    occurred_at: dt.datetime | None = None,
    parties: list[dict] | None = None,
    likelihood: int | None = None,
    consequence: int | None = None,
    assessment_note: str = "",
    is_demo: bool = False,
    registered_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Matter:
    """Register (登记) a new matter; with likelihood and consequence given it is assessed at once.

    ``registered_at`` is for records registered from a filing made at a known earlier time (a screening
    return); it may not lie after ``now``. The audit event still carries the real time of the write."""
    action = WORKFLOW["create"]
    require(actor, action.permission, area)
    now = now or timezone.now()
    if registered_at is not None and registered_at > now:
        raise ValidationError({"registered_at": _("登记时间不能晚于当前时间。")})
    registered_at = registered_at or now
    description, description_original = protect_text((description or "").strip())
    matter = Matter(
        number=_next_number(area, registered_at),
        kind=kind,
        domain=domain,
        area=area,
        handling_area=area,
        title=(title or "").strip(),
        description=description,
        description_original=description_original,
        people_involved=people_involved or 0,
        amount_involved=Decimal(str(amount_involved or 0)),
        occurred_at=occurred_at or registered_at,
        registered_at=registered_at,
        created_by=actor if actor and actor.pk else None,
        is_demo=is_demo,
        status=action.target,
    )
    errors = {}
    if not matter.title:
        errors["title"] = _("请填写标题。")
    if not matter.description:
        errors["description"] = _("请填写情况描述。")
    if matter.amount_involved < 0:
        errors["amount_involved"] = _("涉及金额不能为负数。")
    if errors:
        raise ValidationError(errors)
    matter.full_clean(exclude=["number", "handling_area"])
    # 黑天鹅 is suggested once graded (matters.swans: first of its kind and severe), by ``assess``.
    matter.black_swan_suggested = False
    _save_numbered(matter, area, registered_at)
    for party in parties or []:
        _new_party(matter, **party)
    log_event(
        actor,
        matter,
        action.event,
        {},
        statuses=action.step(""),
        note=_("事项已登记"),
        data={"parties": len(parties or [])},
        at=registered_at,
    )
    if likelihood is not None and consequence is not None:
        assess(actor, matter, likelihood=likelihood, consequence=consequence, note=assessment_note, now=now)
    return matter


def _new_party(
    matter: Matter,
    *,
    role: str = "applicant",
    name: str = "",
    phone: str = "",
    id_number: str = "",
    is_organisation: bool = False,
) -> MatterParty:
    refuse_invisible_in(name=name)
    party = MatterParty(
        matter=matter,
        role=role,
        name=name.strip(),
        phone=phone.strip(),
        id_number=id_number.strip(),
        is_organisation=is_organisation,
    )
    party.full_clean(exclude=["matter"])
    party.save()
    return party


@transaction.atomic
def add_party(
    actor,
    matter: Matter,
    *,
    role: str = "applicant",
    name: str = "",
    phone: str = "",
    id_number: str = "",
    is_organisation: bool = False,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MatterParty:
    """A party (当事人) of an open matter; personal data is stored encrypted and shown masked."""
    step = begin(actor, matter, "parties", version, now)
    party = _new_party(
        step.matter, role=role, name=name, phone=phone, id_number=id_number, is_organisation=is_organisation
    )
    finish(step, note=_("添加当事人（%(role)s）") % {"role": party.get_role_display()})
    return party
