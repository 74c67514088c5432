"""The closing report of an incident (事件总结报告), .docx and PDF from one list of blocks
(``core.documents``: A4, Simplified-Chinese faces, page numbers, local time), in the customary outline:
一、事件基本情况 二、应急处置情况 三、原因调查 四、问题查处 五、整改落实 六、举一反三 七、善后恢复.

Casualties are counts, problems name units and duties, recovery names categories of recipients: the report
carries no person's name or phone (free text was masked when it was typed)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core.documents import Block, exported_at, render_docx, render_pdf
from anju.emergency.models import Incident, Investigation, TaskSource, TaskStatus


def title(incident: Incident) -> str:
    return _("关于“%(t)s”的总结报告") % {"t": incident.title}


def _at(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _money(amount) -> str:
    return f"{amount:,.2f}"


def _basic(incident: Incident) -> list[Block]:
    text = _(
        "%(occurred)s，%(area)s发生%(title)s（%(cls)s，%(grade)s），%(learned)s获知。"
        "涉及 %(affected)s 人，死亡 %(deaths)s 人，受伤 %(injuries)s 人，失踪 %(missing)s 人。"
    ) % {
        "occurred": _at(incident.occurred_at),
        "area": incident.area.name,
        "title": incident.title,
        "cls": incident.get_emergency_class_display(),
        "grade": incident.get_grade_display(),
        "learned": _at(incident.learned_at),
        "affected": incident.affected,
        "deaths": incident.deaths,
        "injuries": incident.injuries,
        "missing": incident.missing,
    }
    return [Block("h1", _("一、事件基本情况")), Block("p", text), Block("p", incident.description)]


def _response(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("二、应急处置情况"))]
    if incident.plan_id:
        blocks.append(Block("p", _("启动“%(p)s”。") % {"p": incident.plan.title}))
    changes = list(incident.changes.all())
    if changes:
        rows = [
            [_at(c.at), c.get_kind_display(), c.get_level_to_display() if c.level_to else "—", c.note or "—"]
            for c in changes
        ]
        blocks.append(Block("table", header=[_("时间"), _("变更"), _("响应级别"), _("说明")], rows=rows))
    else:
        blocks.append(Block("p", _("未启动应急响应。")))
    reports = list(incident.reports.all())
    if reports:
        kinds = "、".join(f"{r.get_kind_display()}（{_at(r.submitted_at)}）" for r in reports)
        blocks.append(Block("p", _("信息报送：%(k)s。") % {"k": kinds}))
    tasks = [t for t in incident.tasks.all() if t.source == TaskSource.RESPONSE]
    if tasks:
        done = sum(1 for t in tasks if t.status == TaskStatus.DONE)
        blocks.append(
            Block("p", _("各工作组处置任务 %(n)s 项，已办结 %(d)s 项。") % {"n": len(tasks), "d": done})
        )
    return blocks


def _investigation(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("三、原因调查"))]
    investigation = Investigation.objects.filter(incident=incident).first()
    if investigation is None:
        blocks.append(Block("p", incident.cause or _("原因调查尚未完成。")))
        return blocks
    blocks.append(
        Block(
            "p",
            _("原因类别：%(c)s。调查于 %(d)s 完成。")
            % {"c": investigation.cause_category, "d": investigation.concluded_at.isoformat()},
        )
    )
    blocks.append(Block("p", investigation.findings))
    return blocks


def _problems(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("四、问题查处"))]
    problems = list(incident.problems.select_related("unit"))
    if not problems:
        blocks.append(Block("p", _("未查明需要处理的问题。")))
        return blocks
    blocks.append(
        Block(
            "table",
            header=[_("责任单位"), _("涉及职责"), _("查明的问题"), _("处理决定")],
            rows=[[p.unit.name, p.duty, p.finding, p.decision] for p in problems],
        )
    )
    return blocks


def _rectification(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("五、整改落实"))]
    tasks = [t for t in incident.tasks.select_related("owner_unit") if t.source == TaskSource.AFTERMATH]
    if not tasks:
        blocks.append(Block("p", _("未下达整改任务。")))
        return blocks
    verified = sum(1 for t in tasks if t.verified_at)
    done = sum(1 for t in tasks if t.status == TaskStatus.DONE)
    blocks.append(
        Block(
            "p",
            _("下达整改任务 %(n)s 项，已办结 %(d)s 项，已验收 %(v)s 项。")
            % {"n": len(tasks), "d": done, "v": verified},
        )
    )
    rows = []
    for t in tasks:
        if t.verified_at:
            state = _("已验收")
        elif t.status == TaskStatus.DONE:
            state = _("已办结待验收")
        else:
            state = _("整改中")
        rows.append(
            [
                t.title,
                t.owner_unit.name if t.owner_unit else "—",
                t.deadline.isoformat() if t.deadline else "—",
                state,
            ]
        )
    blocks.append(Block("table", header=[_("整改任务"), _("责任单位"), _("完成期限"), _("状态")], rows=rows))
    return blocks


def _lessons(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("六、举一反三"))]
    matters = list(incident.related_matters.select_related("matter__area"))
    plans = list(incident.plan_revisions.select_related("plan", "version"))
    if not matters and not plans:
        blocks.append(Block("p", _("尚未关联同类事项或需修订的预案。")))
        return blocks
    if matters:
        blocks.append(Block("h2", _("（一）排查的同类事项")))
        blocks.append(
            Block(
                "table",
                header=[_("编号"), _("事项"), _("发生地"), _("状态"), _("说明")],
                rows=[
                    [
                        m.matter.number,
                        m.matter.title,
                        m.matter.area.name,
                        m.matter.get_status_display(),
                        m.note or "—",
                    ]
                    for m in matters
                ],
            )
        )
    if plans:
        blocks.append(Block("h2", _("（二）修订的预案")))
        for link in plans:
            blocks.append(
                Block(
                    "p",
                    _("“%(p)s”列入修订（第 %(n)s 版修订稿）：%(r)s")
                    % {
                        "p": link.plan.title,
                        "n": link.version.number if link.version else "—",
                        "r": link.reason,
                    },
                )
            )
    return blocks


def _recovery(incident: Incident) -> list[Block]:
    blocks = [Block("h1", _("七、善后恢复"))]
    recoveries = list(incident.recoveries.all())
    if not recoveries:
        blocks.append(Block("p", _("暂无补偿、救助或恢复重建记录。")))
        return blocks
    total = sum((r.amount for r in recoveries), start=0)
    blocks.append(
        Block(
            "table",
            header=[_("日期"), _("类型"), _("内容"), _("对象"), _("数量"), _("金额（元）")],
            rows=[
                [
                    r.date.isoformat(),
                    r.get_kind_display(),
                    r.item,
                    r.recipients,
                    str(r.recipient_count),
                    _money(r.amount),
                ]
                for r in recoveries
            ],
        )
    )
    blocks.append(Block("p", _("合计金额 %(t)s 元。") % {"t": _money(total)}))
    return blocks


def closing_blocks(incident: Incident) -> list[Block]:
    return [
        Block("title", title(incident)),
        Block("meta", f"{incident.area.name} {exported_at()}"),
        *_basic(incident),
        *_response(incident),
        *_investigation(incident),
        *_problems(incident),
        *_rectification(incident),
        *_lessons(incident),
        *_recovery(incident),
    ]


def closing_document(incident: Incident, fmt: str) -> bytes:
    blocks = closing_blocks(incident)
    if fmt == "docx":
        return render_docx(blocks)
    if fmt == "pdf":
        return render_pdf(blocks, title(incident))
    raise ValueError(f"unknown format {fmt!r}")
