"""Who may read each entry of a matter's timeline: staff only, or the citizen too.

Everything staff type is internal by default. ``MatterEvent.note`` is the staff timeline and never leaves
it. The citizen's status page (``intake.actions.public_status``) shows, for an event, only

1. a neutral, translatable line chosen by the event's kind from ``PUBLIC_LINES`` below — never the level,
   an opinion, a reason of 上报/退回, a note, party data or the name of a person; and
2. ``MatterEvent.public_text``: text a user deliberately wrote *for the citizen*, in a form field that
   says so next to it. Only the kinds in ``PUBLIC_TEXT_KINDS`` carry such text.

An event kind missing from ``PUBLIC_LINES`` shows nothing, unless it is a public note. The table:

=================  ===========================  ==================================================
kind               public line                  public text (field labelled 对外公开)
=================  ===========================  ==================================================
registered         已登记受理                   —
assessed           已研判，正在交办             — (level and 研判意见 stay internal)
assigned           已交办责任单位办理           — (unit, person, deadline, 交办意见 stay internal)
started            责任单位已开始化解           —
mediation          已组织调解                   — (result, mediators, summary stay internal)
resolved           已化解                       resolve's 对外公开说明 (``public_note``)
followed_up        已回访                       —
archived           已办结归档                   —
escalated          已报上级综治中心办理         — (the 上报 reason stays internal)
merged             已与反映同一问题的事项合并办理  —
rejected           不予受理                     the 不予受理原因 (the form says it is public)
note               办理说明                     the note, only when staff ticked 群众可见
returned, merge_received, residual_assessed, supervised, party_added, black_swan, black_swan_dismissed,
grey_rhino, mitigation_plan, regraded, facts_corrected, domain_labelled, root_cause_done: nothing
=================  ===========================  ==================================================

The status shown to the citizen comes from ``PUBLIC_STATUS_LABELS``: 退回 reads 办理中, so that a hidden
step does not show through the status either. docs/audience.md explains the rule for new fields.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from anju.matters.workflow import Status

PUBLIC_LINES: dict[str, str] = {
    "registered": N_("已登记受理"),
    "assessed": N_("已研判，正在交办"),
    "assigned": N_("已交办责任单位办理"),
    "started": N_("责任单位已开始化解"),
    "mediation": N_("已组织调解"),
    "resolved": N_("已化解"),
    "followed_up": N_("已回访"),
    "archived": N_("已办结归档"),
    "escalated": N_("已报上级综治中心办理"),
    "merged": N_("已与反映同一问题的事项合并办理"),
    "rejected": N_("不予受理"),
}
# Kinds whose event may carry text written for the citizen; a note is public only with such text.
PUBLIC_TEXT_KINDS = frozenset({"resolved", "rejected", "note"})
NOTE_LINE = N_("办理说明")

PUBLIC_STATUS_LABELS: dict[str, str] = {
    Status.REGISTERED: N_("已登记"),
    Status.ASSESSED: N_("已研判"),
    Status.ASSIGNED: N_("已交办"),
    Status.RESOLVING: N_("化解中"),
    Status.RESOLVED: N_("已化解"),
    Status.FOLLOWED_UP: N_("已回访"),
    Status.ARCHIVED: N_("已办结"),
    Status.ESCALATED: N_("上级办理中"),
    Status.RETURNED: N_("办理中"),
    Status.MERGED: N_("已合并办理"),
    Status.REJECTED: N_("不予受理"),
}


def is_public(kind: str, public_text: str = "") -> bool:
    """Whether an event of this kind (with this citizen-facing text) appears on the citizen's page."""
    return kind in PUBLIC_LINES or (kind in PUBLIC_TEXT_KINDS and bool((public_text or "").strip()))


def checked_public_text(kind: str, public_text: str) -> str:
    """The citizen-facing text of a new event; only the kinds of ``PUBLIC_TEXT_KINDS`` may carry one."""
    text = (public_text or "").strip()
    if text and kind not in PUBLIC_TEXT_KINDS:
        raise ValueError(f"a {kind!r} event carries no text for the citizen")
    return text


def public_line(kind: str, public_text: str = "") -> str:
    """The neutral line the citizen reads for an event, in the active language ("" when not public)."""
    if not is_public(kind, public_text):
        return ""
    return gettext(PUBLIC_LINES.get(kind, NOTE_LINE))


def public_status_label(status: str) -> str:
    return gettext(PUBLIC_STATUS_LABELS[status]) if status in PUBLIC_STATUS_LABELS else ""
