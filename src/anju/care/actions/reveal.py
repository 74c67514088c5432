"""Purpose-bound reveal of a party's contact: the handlers of a matter reach the people in it.

The roles that could always reveal personal data in their scope (``personal_data.reveal``) still can, but
for a party they too name a purpose. The people who handle the matter (``care.access``) reveal the name
and phone of its parties, for a purpose, on that matter only. Every reveal is one audit event with its
purpose (``core.actions.record_reveal``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anju.care import access
from anju.core import actions as core_actions
from anju.core.errors import NotAllowed
from anju.core.permissions import may, require
from anju.core.reveal_purposes import clean_purpose
from anju.matters.models import MatterParty


@transaction.atomic
def reveal_party(actor, party: MatterParty, field: str, *, purpose: str, purpose_text: str = "") -> str:
    """The clear value of one personal field of ``party``, revealed for ``purpose`` and logged.

    Refusals come first (role, then scope or handling), then the field, then the purpose: nothing about the
    party is told to someone who may not reach it."""
    # a role that could always reveal in its scope keeps that path (and its scope refusal), unless it is
    # reaching, as a handler, a matter outside its area
    if may(actor, "personal_data.reveal") and (
        access.reveals_by_role(actor, party) or not access.reveals_as_handler(actor, party)
    ):
        require(actor, "personal_data.reveal", party)
        allowed = tuple(MatterParty.personal_fields)
    else:
        require(actor, "care.reveal_contact")  # the role first: "您的角色……无权"
        if not access.reveals_as_handler(actor, party):
            raise NotAllowed(
                _("您不是该事项的承办或关爱人员，只能查看本人承办或关爱的事项当事人的联系方式。")
            )
        allowed = access.CONTACT_FIELDS
    if field not in allowed:
        if field in MatterParty.personal_fields:
            raise NotAllowed(_("承办人员只能查看当事人的姓名和联系电话。"))
        raise ValidationError(
            {"field": _("可查看的个人信息字段：%(fields)s。") % {"fields": "、".join(allowed)}}
        )
    purpose, purpose_text = clean_purpose(purpose, purpose_text)
    value = core_actions.revealed_value(party, field)
    core_actions.record_reveal(
        actor, party, field, purpose=purpose, purpose_text=purpose_text, area=party.matter.area
    )
    return value
