"""The assessment report (社会稳定风险评估报告), written from the records in the customary outline.

``outline`` turns an assessment into a list of blocks (headings, paragraphs, tables); ``render_docx`` and
``render_pdf`` lay the same blocks out, so the Word file and the PDF always say the same thing. The PDF is
converted by LibreOffice when it is installed, else drawn with fpdf2 in a CJK font found on the system.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone, translation

from anju.assessment import verdict
from anju.assessment.models import AssessmentMethod, Dimension, Handling, VerdictLevel
from anju.assessment.models.items import ItemCategory
from anju.core import documents
from anju.core.documents import Block

SECTIONS = [
    "一、基本情况",
    "二、合法性、合理性、可行性、可控性分析",
    "三、意见征求及采纳情况",
    "四、风险因素识别与估计",
    "五、风险防范化解措施",
    "六、风险等级与建议",
    "七、应急处置预案",
    "八、评估结论",
]
CHINESE_NUMBERS = "一二三四五六七八九十"


def _d(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _level(code: str) -> str:
    from anju.matters.risk import current_matrix

    levels = {lv.code: lv.label for lv in current_matrix().levels.values()}
    return levels.get(code, code or "—")


def _pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def _method_label(value: str) -> str:
    return str(AssessmentMethod(value).label) if value in AssessmentMethod.values else value


def outline(assessment) -> list[Block]:
    from anju.matters.models import Matter

    item = assessment.item
    blocks: list[Block] = [
        Block("title", f"{item.title}\n社会稳定风险评估报告"),
        Block(
            "meta",
            f"{assessment.report_number or '（未编号）'}    评估主体：{assessment.body_unit.name}    "
            f"报告日期：{_d(assessment.report_issued_on)}",
        ),
    ]
    add = blocks.append

    # 一、基本情况
    add(Block("h1", SECTIONS[0]))
    affected = "、".join(a.name for a in item.affected_areas.all()) or "—"
    domains = "、".join(d.name for d in item.domains.all()) or "—"
    add(
        Block(
            "p",
            f"{item.title}为{item.year}年度{ItemCategory(item.category).label}类评估事项，由{item.sponsor_unit.name}"
            f"提出，所属区域为{item.area.full_name()}，涉及{affected}，涉及领域为{domains}，预计涉及群众"
            f"{item.people_affected}人，计划于{_d(item.planned_decision_date)}作出决策。",
        )
    )
    add(Block("p", item.description))
    year_ago = (assessment.report_issued_on or timezone.localdate()) - dt.timedelta(days=365)
    from django.db.models import Q

    where = Q()
    for area in item.affected_areas.all():
        where |= Q(area__path__startswith=area.path)
    recent = (
        Matter.objects.filter(where, registered_at__date__gte=year_ago) if where else Matter.objects.none()
    )
    add(
        Block(
            "p",
            f"社会环境：近一年涉及区域共登记矛盾纠纷、风险隐患等事项{recent.count()}件，涉及"
            f"{recent.aggregate(n=Sum('people_involved'))['n'] or 0}人（据本平台台账）。",
        )
    )
    methods = "、".join(_method_label(m) for m in assessment.methods) or "—"
    add(
        Block(
            "p",
            f"评估组织：评估主体为{assessment.body_unit.name}；评估小组：{assessment.team or '—'}；"
            f"评估方法：{methods}；时间安排：{_d(assessment.schedule_start)}至{_d(assessment.schedule_end)}；"
            f"征求意见对象：{assessment.consult_whom or '—'}；决策机关：{assessment.decision_body or '—'}。",
        )
    )

    # 二、四性分析
    add(Block("h1", SECTIONS[1]))
    factors = list(assessment.factors.prefetch_related("measures__owner_unit"))
    for index, dim in enumerate(verdict.enabled_dimensions()):
        add(Block("h2", f"（{CHINESE_NUMBERS[index]}）{Dimension(dim).label}"))
        text = (assessment.analysis or {}).get(dim) or "（未填写）"
        count = sum(1 for f in factors if f.dimension == dim)
        add(Block("p", f"{text}本维度识别风险因素{count}个。"))

    # 三、意见征求及采纳情况
    add(Block("h1", SECTIONS[2]))
    notices = list(assessment.notices.all())
    add(Block("h2", "（一）公示"))
    if notices:
        add(
            Block(
                "table",
                header=["公示方式/地点", "起止日期", "天数", "收到意见"],
                rows=[
                    [n.channel, f"{_d(n.start_on)}至{_d(n.end_on)}", str(n.days), str(n.opinions_received)]
                    for n in notices
                ],
            )
        )
    else:
        add(Block("p", "未进行公示。"))
    add(Block("h2", "（二）问卷调查"))
    surveys = list(assessment.surveys.prefetch_related("groups"))
    for survey in surveys:
        groups = list(survey.groups.all())
        add(
            Block(
                "p",
                f"{survey.title}（{_d(survey.conducted_from)}至{_d(survey.conducted_to)}，"
                f"{survey.method or '问卷'}），共回收有效问卷{sum(g.total for g in groups)}份。",
            )
        )
        rows = [
            [g.group, str(g.support), str(g.neutral), str(g.opposed), str(g.total), _pct(g.opposed, g.total)]
            for g in groups
        ]
        add(Block("table", header=["利益相关群体", "支持", "中立", "反对", "合计", "反对比例"], rows=rows))
    if not surveys:
        add(Block("p", "未进行问卷调查。"))
    add(Block("h2", "（三）座谈、走访和听证"))
    meetings = list(assessment.meetings.all())
    if meetings:
        add(
            Block(
                "table",
                header=["形式", "日期", "地点/对象", "人数", "主要意见"],
                rows=[
                    [m.get_kind_display(), _d(m.held_on), m.place, str(m.attendance), m.summary]
                    for m in meetings
                ],
            )
        )
    else:
        add(Block("p", "未召开座谈会、听证会或开展走访。"))
    add(Block("h2", "（四）专家论证"))
    experts = list(assessment.experts.all())
    if experts:
        add(
            Block(
                "table",
                header=["专家", "专业领域", "风险评分", "权重", "论证意见"],
                rows=[
                    [e.expert, e.field or "—", str(e.score), f"{e.weight.normalize():f}", e.opinion]
                    for e in experts
                ],
            )
        )
    else:
        add(Block("p", "未组织专家论证。"))
    add(Block("h2", "（五）意见采纳情况"))
    opinions = list(assessment.opinions.all())
    counts = {h: sum(1 for o in opinions if o.handling == h) for h in Handling.values}
    add(
        Block(
            "p",
            f"共梳理意见{len(opinions)}条，其中采纳{counts[Handling.ADOPTED]}条、部分采纳"
            f"{counts[Handling.PARTLY]}条、不予采纳{counts[Handling.NOT_ADOPTED]}条。",
        )
    )
    if opinions:
        add(
            Block(
                "table",
                header=["来源", "意见内容", "处理情况", "理由"],
                rows=[[o.source, o.content, o.get_handling_display(), o.reason or "—"] for o in opinions],
            )
        )

    # 四、风险因素识别与估计
    add(Block("h1", SECTIONS[3]))
    add(Block("p", f"共识别风险因素{len(factors)}个，按风险矩阵（可能性×影响程度）估计单因素风险等级如下。"))
    add(
        Block(
            "table",
            header=["维度", "风险因素", "可能性", "影响", "可能涉及人数", "措施前等级"],
            rows=[
                [
                    f.get_dimension_display(),
                    f.title,
                    str(f.likelihood),
                    str(f.impact),
                    str(f.people_involved),
                    _level(f.level_before),
                ]
                for f in factors
            ],
        )
    )
    for index, f in enumerate(factors, start=1):
        add(Block("p", f"{index}. {f.title}：{f.description}"))

    # 五、风险防范化解措施
    add(Block("h1", SECTIONS[4]))
    rows = []
    for f in factors:
        for m in f.measures.all():
            rows.append(
                [
                    f.title,
                    m.description,
                    m.owner_unit.name,
                    m.owner_person or "—",
                    _d(m.due_on),
                    _level(f.level_after),
                ]
            )
    if rows:
        add(
            Block(
                "table",
                header=["风险因素", "防范化解措施", "责任单位", "责任人", "完成时限", "措施后等级"],
                rows=rows,
            )
        )
    else:
        add(Block("p", "未制定防范化解措施。"))

    # 六、风险等级与建议
    add(Block("h1", SECTIONS[5]))
    reasons = assessment.verdict_reasons or {}
    if assessment.final_level:
        initial = VerdictLevel(assessment.computed_initial_level).label
        final = VerdictLevel(assessment.final_level).label
        add(
            Block(
                "p",
                f"按本县稳评风险等级判定规则（{assessment.rule_version}），该事项初始风险等级为{initial}"
                f"（综合得分{reasons.get('initial_score', 0):.2f}），采取防范化解措施后风险等级为{final}"
                f"（综合得分{reasons.get('final_score', 0):.2f}）。",
            )
        )
        if assessment.is_overridden:
            add(
                Block(
                    "p",
                    f"计算得出的措施后等级为{VerdictLevel(assessment.computed_final_level).label}，评估主体"
                    f"调整为{final}，理由：{assessment.override_justification}",
                )
            )
        add(Block("p", "判定依据："))
        for reason in reasons.get("reasons", []):
            add(Block("li", reason))
        add(Block("p", f"建议：{assessment.recommendation}。（等级与建议的对应关系为本县设定。）"))
    else:
        add(Block("p", "尚未确定风险等级。"))

    add(Block("h1", SECTIONS[6]))
    add(Block("p", assessment.emergency_plan or "（未填写）"))
    add(Block("h1", SECTIONS[7]))
    add(Block("p", assessment.conclusion or "（未填写）"))
    return blocks


# ---------------------------------------------------------------- files


def title(assessment) -> str:
    return f"{assessment.item.title} 社会稳定风险评估报告"


def filename_title(assessment) -> str:
    """The downloaded file's name: ``东镇农贸市场搬迁改造社会稳定风险评估报告（第1版）``."""
    return f"{assessment.item.title}社会稳定风险评估报告（第{assessment.revision}版）"


# The issued report is the official record filed with the decision body: it is written in Chinese whatever
# language the issuer reads the pages in (level labels and other translated words included).


def render_docx(assessment) -> bytes:
    with translation.override("zh-hans"):
        return documents.render_docx(outline(assessment))


def render_pdf(assessment, docx: bytes | None = None) -> bytes:
    with translation.override("zh-hans"):
        return documents.render_pdf(outline(assessment), title(assessment), docx=docx)
