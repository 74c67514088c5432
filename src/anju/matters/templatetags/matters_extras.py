"""Small display helpers for matter pages: level badges, status and event labels, sort links."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from anju.matters import timeline_lines
from anju.matters.risk import current_matrix
from anju.matters.workflow import Status

register = template.Library()

EVENT_LABELS = {
    "registered": N_("登记"),
    "assessed": N_("研判定级"),
    "residual_assessed": N_("措施后风险"),
    "assigned": N_("交办"),
    "started": N_("开始化解"),
    "resolved": N_("化解办结"),
    "followed_up": N_("回访"),
    "archived": N_("归档"),
    "escalated": N_("上报"),
    "returned": N_("退回"),
    "merged": N_("合并"),
    "merge_received": N_("并入"),
    "linked": N_("关联事项"),
    "unlinked": N_("解除关联"),
    "reopened": N_("复发重开"),
    "opinion_opened": N_("舆情应对"),
    "opinion_responded": N_("舆情回应"),
    "opinion_closed": N_("舆情应对结束"),
    "rejected": N_("不予受理"),
    "mediation": N_("调解"),
    "supervised": N_("督办"),
    "note": N_("备注"),
    "black_swan": N_("黑天鹅研判"),
    "black_swan_dismissed": N_("排除黑天鹅"),
    "mitigation_plan": N_("缓释方案"),
    "regraded": N_("重新定级"),
    "facts_corrected": N_("更正信息"),
    "domain_labelled": N_("标注领域"),
    "root_cause_done": N_("根因分析"),
    "grey_rhino": N_("灰犀牛"),
    "party_added": N_("当事人"),
    "cohandling_added": N_("协办"),
    "cohandling_completed": N_("协办完成"),
    "cohandling_withdrawn": N_("协办撤回"),
    "coordination_requested": N_("协调请求"),
    "coordination_declined": N_("协调请求被拒绝"),
    "accountability": N_("问责"),
    "lead_leader": N_("包案领导"),
    "progress_report": N_("进展报告"),
    "supervision_escalated": N_("督办报上级领导"),
    "level_exemption": N_("不上报理由"),
    "case_added": N_("纳入专案"),
    "case_removed": N_("移出专案"),
    "referral_sent": N_("转介"),
    "referral_accepted": N_("转介已接收"),
    "referral_declined": N_("转介被拒绝"),
    "referral_outcome": N_("转介服务结果"),
    "referral_closed": N_("转介结束"),
}
# First click on a column sorts in its most useful direction.
FIRST_DIRECTION = {"registered": "-registered", "deadline": "deadline", "level": "-level", "number": "number"}


@register.simple_tag(takes_context=True)
def level_badge(context, code: str, prefix: str = ""):
    # the current matrix is read once per rendering, not once per badge (a ledger page shows fifty)
    # a view that read it already passes it as ``anju_current_matrix`` (the matter page)
    matrix = context.get("anju_current_matrix") or context.render_context.get("anju_current_matrix")
    if matrix is None:
        matrix = context.render_context["anju_current_matrix"] = current_matrix()
    return level_badge_html(matrix, code, prefix)


def level_badge_html(matrix, code: str, prefix: str = ""):
    """A level's badge from the given matrix (the ledger's rows compute theirs once, ``ledger_rows``)."""
    level = matrix.levels.get(code or "")
    if level is None:
        return format_html('<span class="badge">{}</span>', _("未研判"))
    return format_html('<span class="badge level-{}">{}{}</span>', level.code, prefix, level.label)


@register.filter
def status_label(code: str) -> str:
    return Status(code).label if code in Status.values else (code or "")


@register.filter
def event_label(kind: str) -> str:
    return _(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind


@register.simple_tag
def sort_link(query: str, current: str, key: str, label: str):
    """A column header link that sorts by ``key``, toggling the direction when it is already the sort."""
    if current == key:
        target, arrow = f"-{key}", " ▲"
    elif current == f"-{key}":
        target, arrow = key, " ▼"
    else:
        target, arrow = FIRST_DIRECTION.get(key, key), ""
    params = QueryDict(query, mutable=True)
    params["sort"] = target
    return format_html('<a href="?{}" class="sort">{}{}</a>', params.urlencode(), label, arrow)


@register.filter
def standard_line(note: str) -> str:
    """A stored timeline note in the reader's language when it is one of the standard lines."""
    return timeline_lines.for_reader(note)
