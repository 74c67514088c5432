"""Who may reach a party of a matter (reads only; the actions guard with these).

Two ways: the roles that always could reveal personal data in their scope (``personal_data.reveal``:
centre staff, administrators), and the people who handle **this** matter — members of its responsible unit
and of the units with an open co-handling task (协办), the responsible person (the assigned cadre or grid
worker), and the care person of an active care plan of the party — when their role holds
``care.reveal_contact``. Neither reaches the parties of another matter."""

from __future__ import annotations

from django.http import Http404

from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, handles, in_scope
from anju.matters.models import MatterParty

# what a matter's handler may reveal of a party: how to reach them (the ID number stays with the roles that
# could always reveal it)
CONTACT_FIELDS = ("name", "phone")

__all__ = ["CONTACT_FIELDS", "handles", "may_reveal_party", "party_or_404", "revealable_fields_for"]


def cares_for(user, party: MatterParty) -> bool:
    """Whether ``user`` is the care person of an active care plan of ``party``."""
    return party.care_plans.filter(status="active", care_person_id=user.pk).exists()


def reveals_as_handler(user, party: MatterParty) -> bool:
    """Whether ``user`` may reveal the party's contact because they handle or care for it."""
    return may(user, "care.reveal_contact") and (handles(user, party.matter) or cares_for(user, party))


def reveals_by_role(user, party: MatterParty) -> bool:
    return may(user, "personal_data.reveal") and in_scope(user, party.matter.area)


def may_reveal_party(user, party: MatterParty) -> bool:
    """Whether ``user`` may reveal ``party`` at all: who may see its need markers and plan its care."""
    return reveals_by_role(user, party) or reveals_as_handler(user, party)


def revealable_fields_for(user, party: MatterParty) -> tuple[str, ...]:
    if reveals_by_role(user, party):
        return tuple(MatterParty.personal_fields)
    if reveals_as_handler(user, party):
        return CONTACT_FIELDS
    return ()


def party_or_404(user, pk) -> MatterParty:
    """A party the user sees in scope, or one of a matter they handle or whose party they care for (a
    co-handling unit of another town sees no party through its area); otherwise 404."""
    try:
        party = MatterParty.objects.select_related("matter", "matter__area").get(pk=pk)
    except (MatterParty.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if reveals_as_handler(user, party):
        return party
    return get_scoped_or_404(user, MatterParty.objects.select_related("matter", "matter__area"), pk=pk)
