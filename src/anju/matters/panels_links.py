"""What a matter page shows of its typed links (both directions) and the link, unlink and reopen forms.

The page only decides what to show (``core.permissions.may``); each form's action checks everything again.
A linked matter outside the reader's scope is not named: the page says only how many there are.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from anju.core.permissions import may
from anju.core.scoping import may_act_on, scoped
from anju.matters.actions.links import LINK_PERMISSION, REOPEN_PERMISSION, relation
from anju.matters.forms_links import LinkForm, ReopenForm, UnlinkForm
from anju.matters.models import Matter, MatterLink
from anju.matters.workflow import Status

ONLINE_DOMAIN = "online_opinion"  # 网络舆情 (core/data/domains.json)
ONLINE_CHANNEL = "online"  # intake.Channel.ONLINE: 网上


def links_of(matter: Matter):
    """Every link touching ``matter``, either way, oldest first."""
    return (
        MatterLink.objects.filter(Q(source=matter) | Q(target=matter))
        .select_related("source", "target", "created_by")
        .order_by("created_at", "pk")
    )


def links_context(user, matter: Matter, bound: tuple[str, object] | None = None) -> dict:
    """The links section and forms of a matter page; ``bound`` = (form key, the form sent back with errors)."""

    def form(key, make):
        return bound[1] if bound and bound[0] == key else make()

    links = list(links_of(matter))
    # the linked matters the reader may see, by id (a join over both link directions read the whole ledger)
    others = {link.target_id if link.source_id == matter.pk else link.source_id for link in links}
    visible = (
        set(scoped(user, Matter).filter(pk__in=others).values_list("pk", flat=True)) if others else set()
    )
    can_link = may(user, LINK_PERMISSION) and may_act_on(user, matter)
    items, hidden = [], 0
    for link in links:
        outgoing = link.source_id == matter.pk
        other = link.target if outgoing else link.source
        if other.pk not in visible:
            hidden += 1
            continue
        items.append(
            {
                "link": link,
                "other": other,
                "relation": _(relation(link.kind, outgoing=outgoing)),
                "unlink_form": form(
                    f"unlink-{link.pk}",
                    lambda link=link: UnlinkForm(
                        prefix=f"unlink{link.pk}", initial={"version": matter.version}
                    ),
                )
                if can_link
                else None,
                "open": bool(bound and bound[0] == f"unlink-{link.pk}"),
            }
        )
    may_reopen = (
        matter.status == Status.ARCHIVED and may(user, REOPEN_PERMISSION) and may_act_on(user, matter)
    )
    return {
        "matter_links": items,
        "hidden_link_count": hidden,
        "link_form": form("link", lambda: LinkForm(user=user, matter=matter, prefix="link"))
        if can_link
        else None,
        "reopen_form": form(
            "reopen", lambda: ReopenForm(prefix="reopen", initial={"version": matter.version})
        )
        if may_reopen
        else None,
        "links_bound": bound[0] if bound else "",
        # 舆情应对 (the cases app's pages, named by URL only): offered for online matters
        "opinion_entry": is_online(matter),
        "may_open_opinion": may(user, "cases.opinion"),
    }


def is_online(matter: Matter) -> bool:
    """In the 网络舆情 domain (or one below it), reported through the online channel, or already with a
    舆情应对 (the cases app's ``opinion_responses``, reached by its related name)."""
    domain = matter.domain
    codes = {domain.code, getattr(domain.parent, "code", "")} if domain else set()
    if ONLINE_DOMAIN in codes or matter.reports.filter(channel=ONLINE_CHANNEL).exists():
        return True
    responses = getattr(matter, "opinion_responses", None)
    return responses is not None and responses.exists()
