"""The action panel of a matter page: which forms a user sees, and which single action each one calls.

One table (``PANELS``) ties a form to one ``matters.actions`` function. The action's label, permission and
the statuses in which it may run come from the workflow table (``matters.workflow.WORKFLOW``); a panel only
adds when a form makes no sense to show (``shown_when``). The view looks a panel up, validates its form and
calls ``run``; the action checks everything again itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _

from anju.core.permissions import may
from anju.core.scoping import may_act_on, may_move
from anju.matters import actions, forms, forms_levels
from anju.matters import forms_review as review
from anju.matters.models import Matter
from anju.matters.workflow import WORKFLOW, Action


@dataclass(frozen=True)
class Panel:
    key: str  # in the page's URL and the form's prefix
    form_class: type
    run: Callable  # (actor, matter, cleaned_data) -> object; cleaned_data["version"] is the version shown
    success: str
    action: str = ""  # the key of WORKFLOW ("" → the panel's key)
    shown_when: Callable[[Matter], bool] | None = None  # beyond the table: when the form makes sense
    confirm: bool = False  # irreversible: the form carries a confirmation checkbox
    needs_user: bool = False
    needs_matter: bool = False
    # action error key -> form field, where the action names a field differently from the form
    error_fields: dict = field(default_factory=dict)

    @property
    def spec(self) -> Action:
        return WORKFLOW[self.action or self.key]

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def permission(self) -> str:
        return self.spec.permission

    def available(self, matter: Matter) -> bool:
        return self.spec.allows(matter.status) and (self.shown_when is None or self.shown_when(matter))

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
        return (
            may(user, self.permission)
            and may_act_on(user, matter)
            and (self.spec.target is None or may_move(user, matter))
            and self.available(matter)
        )


PANEL_LIST = [
    Panel(
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
    Panel(
        "assign",
        forms.AssignForm,
        lambda u, m, c: actions.assign(
            u,
            m,
            unit=c["unit"],
            person=c["person"],
            deadline=c["deadline"],
            lead_leader=c.get("lead_leader"),
            exemption_reason=c.get("exemption_reason", ""),
            note=c["note"],
            version=c["version"],
        ),
        _("已交办。"),
        needs_user=True,
        needs_matter=True,
    ),
    Panel(
        "start",
        forms.NoteOnlyForm,
        lambda u, m, c: actions.start(u, m, note=c["note"], version=c["version"]),
        _("已开始化解。"),
    ),
    Panel(
        "resolve",
        forms.ResolveForm,
        lambda u, m, c: actions.resolve(
            u, m, outcome=c["outcome"], public_note=c["public_note"], version=c["version"]
        ),
        _("已办结。"),
    ),
    Panel(
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
    Panel(
        "archive",
        forms.ArchiveForm,
        lambda u, m, c: actions.archive(u, m, note=c["note"], version=c["version"]),
        _("已归档。"),
        confirm=True,
    ),
    Panel(
        "escalate",
        forms.ReasonForm,
        lambda u, m, c: actions.escalate(u, m, reason=c["reason"], version=c["version"]),
        _("已上报上级综治中心。"),
        shown_when=lambda m: m.handling_area.parent_id is not None,  # not from the top level
    ),
    Panel(
        "return",
        forms.ReasonForm,
        lambda u, m, c: actions.return_matter(u, m, reason=c["reason"], version=c["version"]),
        _("已退回。"),
    ),
    Panel(
        "merge",
        forms.MergeForm,
        lambda u, m, c: actions.merge(u, m, into=c["into"], note=c["note"], version=c["version"]),
        _("已合并。"),
        confirm=True,
        needs_user=True,
        needs_matter=True,
        error_fields={"into": "into_number"},
    ),
    Panel(
        "reject",
        forms.RejectForm,
        lambda u, m, c: actions.reject(u, m, reason=c["reason"], version=c["version"]),
        _("已不予受理。"),
        confirm=True,
    ),
    Panel(
        "residual",
        forms.ResidualForm,
        lambda u, m, c: actions.set_residual_risk(
            u,
            m,
            likelihood=c["likelihood"],
            consequence=c["consequence"],
            note=c["note"],
            version=c["version"],
        ),
        _("已记录措施后风险等级。"),
        shown_when=lambda m: bool(m.inherent_level),  # assessed first
    ),
    Panel(
        "regrade",
        review.RegradeForm,
        lambda u, m, c: actions.regrade(
            u,
            m,
            likelihood=c["likelihood"],
            consequence=c["consequence"],
            reason=c["reason"],
            version=c["version"],
        ),
        _("已重新定级。"),
        shown_when=lambda m: bool(m.inherent_level),  # the first grading is 研判定级
    ),
    Panel(
        "correct",
        review.CorrectFactsForm,
        lambda u, m, c: actions.correct_facts(
            u,
            m,
            people_involved=c["people_involved"],
            amount_involved=c["amount_involved"],
            domain=c["domain"],
            area=c["area"],
            kind=c["kind"],
            reason=c["reason"],
            version=c["version"],
        ),
        _("已更正事项信息。"),
        needs_user=True,
        needs_matter=True,
    ),
    Panel(
        "mediation",
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
        _("已记录调解。"),
    ),
    Panel(
        "supervise",
        forms.SupervisionForm,
        lambda u, m, c: actions.supervise(
            u, m, note=c["note"], new_deadline=c["new_deadline"], version=c["version"]
        ),
        _("已记录督办意见。"),
    ),
    Panel(
        "party",
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
        _("已添加当事人。"),
        action="parties",
        needs_matter=True,  # to warn of a party the matter has already
    ),
    Panel(
        "black_swan",
        review.BlackSwanConfirmForm,
        lambda u, m, c: actions.confirm_black_swan(
            u, m, reason=c["reason"], unit=c["unit"], deadline=c["deadline"], version=c["version"]
        ),
        _("已确认为黑天鹅，并建立根因分析任务。"),
        shown_when=lambda m: m.black_swan_confirmed is not True,
        needs_user=True,
    ),
    Panel(
        "black_swan_dismiss",
        review.BlackSwanDismissForm,
        lambda u, m, c: actions.dismiss_black_swan(u, m, reason=c["reason"], version=c["version"]),
        _("已排除黑天鹅。"),
        shown_when=lambda m: m.black_swan_suggested and m.black_swan_confirmed is None,
    ),
    Panel(
        "mitigation",
        review.MitigationForm,
        lambda u, m, c: actions.set_mitigation_plan(u, m, plan=c["plan"], version=c["version"]),
        _("已保存缓释方案。"),
        shown_when=lambda m: m.grey_rhino or bool(m.mitigation_plan),  # the plan a grey rhino needs
        needs_matter=True,
    ),
    Panel(
        "grey_rhino",
        forms.GreyRhinoForm,
        lambda u, m, c: actions.set_grey_rhino(u, m, marked=c["marked"], version=c["version"]),
        _("已更新灰犀牛标记。"),
    ),
    Panel(
        "lead_leader",
        forms_levels.LeadLeaderForm,
        lambda u, m, c: actions.set_lead_leader(
            u, m, leader=c["leader"], note=c["note"], version=c["version"]
        ),
        _("已明确包案领导。"),
        needs_matter=True,
        error_fields={"lead_leader": "leader"},
    ),
    Panel(
        "progress_report",
        forms_levels.ProgressReportForm,
        lambda u, m, c: actions.file_progress_report(u, m, text=c["text"], version=c["version"]),
        _("已报告进展。"),
    ),
    Panel(
        "note",
        forms.FreeNoteForm,
        lambda u, m, c: actions.add_note(u, m, note=c["note"], public=c["public"], version=c["version"]),
        _("已添加备注。"),
    ),
]
PANELS: dict[str, Panel] = {p.key: p for p in PANEL_LIST}


def panels_for(user, matter) -> list[Panel]:
    return [p for p in PANEL_LIST if p.visible_to(user, matter)]
