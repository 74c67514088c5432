"""A plan as a Word document or PDF (A4, Simplified-Chinese faces, page numbers: ``core.documents``).

The duty roster's phones stay masked in the file: a document travels further than the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from anju.core.documents import Block, exported_at, render_docx, render_pdf


def plan_blocks(plan, version) -> list[Block]:
    blocks = [
        Block("title", plan.title),
        Block(
            "meta",
            _("%(type)s · 第 %(n)s 版 · %(status)s %(at)s")
            % {
                "type": plan.get_plan_type_display(),
                "n": version.number,
                "status": version.get_status_display(),
                "at": exported_at(),
            },
        ),
        Block("h1", _("一、总则")),
        Block("p", version.summary or _("（未填写）")),
        Block(
            "p",
            _("适用区域：%(area)s；适用事件类别：%(classes)s；适用风险领域：%(domains)s。")
            % {
                "area": plan.area.name,
                "classes": "、".join(plan.class_labels()) or _("全部"),
                "domains": "、".join(d.name for d in plan.domains.all()) or _("全部"),
            },
        ),
        Block("h1", _("二、组织指挥体系")),
    ]
    positions = version.command_positions()
    if positions:
        blocks.append(
            Block("table", header=[_("职位"), _("由谁担任（职务）")], rows=[list(p) for p in positions])
        )
    groups = list(version.groups.select_related("lead_unit"))
    if groups:
        blocks.append(Block("h2", _("工作组")))
        blocks.append(
            Block(
                "table",
                header=[_("工作组"), _("牵头单位"), _("职责"), _("启动响应时的任务")],
                rows=[
                    [
                        g.name,
                        g.lead_unit.name if g.lead_unit else "—",
                        g.duties or "—",
                        "；".join(g.task_lines()) or "—",
                    ]
                    for g in groups
                ],
            )
        )
    blocks.append(Block("h1", _("三、响应分级与措施")))
    for level in version.levels.all():
        blocks.append(Block("h2", level.get_level_display()))
        blocks.append(Block("p", _("启动条件：%(t)s") % {"t": level.trigger}))
        if level.measures:
            blocks.append(Block("p", _("响应措施：%(m)s") % {"m": level.measures}))
    posts = list(plan.duty_posts.select_related("unit"))
    if posts:
        blocks.append(Block("h1", _("四、值班安排")))
        blocks.append(
            Block(
                "table",
                header=[_("值班岗位"), _("所属单位"), _("班次"), _("联系电话")],
                rows=[
                    [p.position, p.unit.name if p.unit else "—", p.shift or "—", p.masked_phone or "—"]
                    for p in posts
                ],
            )
        )
    blocks.append(Block("h1", _("五、预案管理")))
    blocks.append(
        Block(
            "p",
            _("本预案每 %(years)s 年至少评估修订一次；下次修订期限：%(due)s。")
            % {
                "years": plan.review_years,
                "due": plan.review_due.isoformat() if plan.review_due else _("发布后确定"),
            },
        )
    )
    if version.revision_note:
        blocks.append(Block("p", _("修订说明：%(note)s") % {"note": version.revision_note}))
    if version.body:  # the imported text (预案原文): its "#" lines are its headings again
        blocks.append(Block("h1", _("附：预案原文")))
        for line in version.body.splitlines():
            if line.startswith("#"):
                blocks.append(Block("h2", line.lstrip("#").strip()))
            elif line.strip():
                blocks.append(Block("p", line))
    return blocks


def plan_docx(plan, version) -> bytes:
    return render_docx(plan_blocks(plan, version))


def plan_pdf(plan, version) -> bytes:
    """The same outline as the .docx (LibreOffice's conversion when installed, else fpdf2 with CJK faces)."""
    blocks = plan_blocks(plan, version)
    return render_pdf(blocks, plan.title, docx=render_docx(blocks))
