"""The action panel of a matter page: which forms a user sees, and which single action each one calls.

One table (``PANELS``) ties a form to one ``matters.actions`` function, the permission it needs and the
statuses in which it makes sense. The view only looks a panel up, validates its form and calls ``run``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import may_act_on
from anju.matters import actions, forms
from anju.matters.models import Matter
from anju.matters.workflow import TRANSITIONS, Status


@dataclass(frozen=True)
class Panel:
    key: str
    label: str
    permission: str
    form_class: type
    run: Callable  # (actor, matter, cleaned_data) -> object; cleaned_data["version"] is the version shown
    available: Callable[[Matter], bool]
    success: str
    confirm: bool = False  # irreversible: the form carries a confirmation checkbox
    needs_user: bool = False
    needs_matter: bool = False
    # action error key -> form field, where the action names a field differently from the form
    error_fields: dict = field(default_factory=dict)

    def form(self, user, matter, data=None, files=None):
        kwargs = {"prefix": self.key}
        if self.needs_user:
            kwargs["user"] = user
        if self.needs_matter:
            kwargs["matter"] = matter
        if self.key == "grey_rhino":
            kwargs["initial"] = {"marked": "no" if matter.grey_rhino else "yes"}
        form = self.form_class(data, files, **kwargs)
        # The version of the matter the page showed: the action refuses it when the matter changed since.
        # A CharField: a mangled value is a stale version (409), not a form error about a hidden field.
        form.fields["version"] = django_forms.CharField(
            widget=django_forms.HiddenInput, required=False, initial=matter.version
        )
        return form

    def visible_to(self, user, matter) -> bool:
        return user.can(self.permission) and may_act_on(user, matter) and self.available(matter)


def _in(action: str) -> Callable[[Matter], bool]:
    return lambda m: m.status in TRANSITIONS[action].sources


def _transition_panel(action: str, form_class, run, success, **kw) -> Panel:
    return Panel(
        action, TRANSITIONS[action].label, f"matter.{action}", form_class, run, _in(action), success, **kw
    )


PANEL_LIST = [
    _transition_panel(
        "assess",
        forms.AssessForm,
        lambda u, m, c: actions.assess(
            u,
            m,
            likelihood=c["likelihood"],
            consequence=c["consequence"],
            note=c["note"],
            version=c["version"],
        ),
        _("已完成研判定级。"),
    ),
    _transition_panel(
        "assign",
        forms.AssignForm,
        lambda u, m, c: actions.assign(
            u,
            m,
            unit=c["unit"],
            person=c["person"],
            deadline=c["deadline"],
            note=c["note"],
            version=c["version"],
        ),
        _("已交办。"),
        needs_user=True,
    ),
    _transition_panel(
        "start",
        forms.NoteOnlyForm,
        lambda u, m, c: actions.start(u, m, note=c["note"], version=c["version"]),
        _("已开始化解。"),
    ),
    _transition_panel(
        "resolve",
        forms.ResolveForm,
        lambda u, m, c: actions.resolve(
            u, m, outcome=c["outcome"], public_note=c["public_note"], version=c["version"]
        ),
        _("已办结。"),
    ),
    _transition_panel(
        "follow_up",
        forms.FollowUpForm,
        lambda u, m, c: actions.follow_up(
            u,
            m,
            visited_on=c["visited_on"],
            satisfaction=c["satisfaction"],
            method=c["method"],
            note=c["note"],
            version=c["version"],
        ),
        _("已记录回访。"),
    ),
    _transition_panel(
        "archive",
        forms.ArchiveForm,
        lambda u, m, c: actions.archive(u, m, note=c["note"], version=c["version"]),
        _("已归档。"),
        confirm=True,
    ),
    Panel(
        "escalate",
        TRANSITIONS["escalate"].label,
        "matter.escalate",
        forms.ReasonForm,
        lambda u, m, c: actions.escalate(u, m, reason=c["reason"], version=c["version"]),
        lambda m: _in("escalate")(m) and m.handling_area.parent_id is not None,
        _("已上报上级综治中心。"),
    ),
    _transition_panel(
        "return",
        forms.ReasonForm,
        lambda u, m, c: actions.return_matter(u, m, reason=c["reason"], version=c["version"]),
        _("已退回。"),
    ),
    _transition_panel(
        "merge",
        forms.MergeForm,
        lambda u, m, c: actions.merge(u, m, into=c["into"], note=c["note"], version=c["version"]),
        _("已合并。"),
        confirm=True,
        needs_user=True,
        needs_matter=True,
        error_fields={"into": "into_number"},
    ),
    _transition_panel(
        "reject",
        forms.RejectForm,
        lambda u, m, c: actions.reject(u, m, reason=c["reason"], version=c["version"]),
        _("已不予受理。"),
        confirm=True,
    ),
    Panel(
        "residual",
        _("措施后风险"),
        "matter.assess",
        forms.ResidualForm,
        lambda u, m, c: actions.set_residual_risk(
            u,
            m,
            likelihood=c["likelihood"],
            consequence=c["consequence"],
            note=c["note"],
            version=c["version"],
        ),
        lambda m: bool(m.inherent_level) and (m.is_open or m.status == Status.RESOLVED),
        _("已记录措施后风险等级。"),
    ),
    Panel(
        "mediation",
        _("调解记录"),
        "mediation.record",
        forms.MediationForm,
        lambda u, m, c: actions.record_mediation(
            u,
            m,
            held_on=c["held_on"],
            mediators=c["mediators"],
            summary=c["summary"],
            result=c["result"],
            parties_present=c["parties_present"],
            agreement_text=c["agreement_text"],
            agreement_file=c["agreement_file"],
            version=c["version"],
        ),
        lambda m: m.status in (Status.ASSIGNED, Status.RESOLVING),
        _("已记录调解。"),
    ),
    Panel(
        "supervise",
        _("督办"),
        "matter.supervise",
        forms.SupervisionForm,
        lambda u, m, c: actions.supervise(
            u, m, note=c["note"], new_deadline=c["new_deadline"], version=c["version"]
        ),
        lambda m: m.is_open,
        _("已记录督办意见。"),
    ),
    Panel(
        "party",
        _("添加当事人"),
        "matter.note",
        forms.PartyForm,
        lambda u, m, c: actions.add_party(
            u,
            m,
            role=c["role"],
            name=c["name"],
            phone=c["phone"],
            id_number=c["id_number"],
            is_organisation=c["is_organisation"],
            version=c["version"],
        ),
        lambda m: m.is_open,
        _("已添加当事人。"),
    ),
    Panel(
        "black_swan",
        _("黑天鹅研判"),
        "matter.flag",
        forms.BlackSwanForm,
        lambda u, m, c: actions.confirm_black_swan(u, m, confirmed=c["confirmed"], version=c["version"]),
        lambda m: m.black_swan_suggested,
        _("已记录黑天鹅研判结论。"),
    ),
    Panel(
        "grey_rhino",
        _("灰犀牛标记"),
        "matter.flag",
        forms.GreyRhinoForm,
        lambda u, m, c: actions.set_grey_rhino(u, m, marked=c["marked"], version=c["version"]),
        lambda m: True,
        _("已更新灰犀牛标记。"),
    ),
    Panel(
        "note",
        _("备注"),
        "matter.note",
        forms.FreeNoteForm,
        lambda u, m, c: actions.add_note(u, m, note=c["note"], public=c["public"], version=c["version"]),
        lambda m: True,
        _("已添加备注。"),
    ),
]
PANELS: dict[str, Panel] = {p.key: p for p in PANEL_LIST}


def panels_for(user, matter) -> list[Panel]:
    return [p for p in PANEL_LIST if p.visible_to(user, matter)]
