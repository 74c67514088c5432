"""The monthly report's 转介 and 回访 part: referrals by service kind, the staff's 回访 records and the
citizens' own ratings (kept apart). Shown when the month has any; reports generated before these figures
existed show nothing here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from anju.core.documents import Block

REFERRAL_COLUMNS = [N_("转介"), N_("已接收"), N_("被拒绝"), N_("已反馈结果")]
REFERRAL_KEYS = ["sent", "accepted", "declined", "with_outcome"]


def _kind_label(kind: str) -> str:
    from anju.care.models import ServiceKind

    return ServiceKind(kind).label if kind in ServiceKind.values else kind


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def referral_rows(f: dict) -> list[list[str]]:
    r = f.get("referrals")
    if not r or not r["totals"]["sent"]:  # a month without referrals: no table
        return []
    return [[str(_kind_label(row["kind"])), *[str(row[k]) for k in REFERRAL_KEYS]] for row in r["by_kind"]]


def follow_up_line(f: dict) -> str:
    u = f.get("follow_up")
    if not u or not (u["staff"]["total"] or u["citizen"]["total"]):  # no 回访 at all this month
        return ""
    staff, citizen = u["staff"], u["citizen"]
    return _(
        "回访：工作人员本月回访 %(staff)s 次（满意 %(s1)s、基本满意 %(s2)s、不满意 %(s3)s、无法联系 %(s4)s，"
        "满意率 %(srate)s）；群众在查询页自行评价 %(citizen)s 件（满意 %(c1)s、基本满意 %(c2)s、不满意 %(c3)s，"
        "满意率 %(crate)s），两者分别统计。"
    ) % {
        "staff": staff["total"],
        "s1": staff["satisfied"],
        "s2": staff["basically"],
        "s3": staff["unsatisfied"],
        "s4": staff["unreachable"],
        "srate": _rate(staff["rate"]),
        "citizen": citizen["total"],
        "c1": citizen["satisfied"],
        "c2": citizen["basically"],
        "c3": citizen["unsatisfied"],
        "crate": _rate(citizen["rate"]),
    }


def blocks(f: dict) -> list:
    out = []
    if rows := referral_rows(f):
        t = f["referrals"]["totals"]
        out += [
            Block("h2", _("转介服务")),
            Block(
                "p",
                _(
                    "本月转介 %(sent)s 人次，至月末已接收 %(accepted)s、被拒绝 %(declined)s、已反馈结果 %(outcome)s。"
                )
                % {
                    "sent": t["sent"],
                    "accepted": t["accepted"],
                    "declined": t["declined"],
                    "outcome": t["with_outcome"],
                },
            ),
            Block("table", header=[_("服务类型"), *[_(c) for c in REFERRAL_COLUMNS]], rows=rows),
        ]
    if line := follow_up_line(f):
        out += [Block("h2", _("回访与群众评价")), Block("p", line)]
    return out


def summary_rows(f: dict) -> list[tuple[str, int]]:
    """Rows of the workbook's summary sheet."""
    out = []
    if referral_rows(f):
        t = f["referrals"]["totals"]
        out += [
            (_("转介"), t["sent"]),
            (_("转介已接收"), t["accepted"]),
            (_("转介被拒绝"), t["declined"]),
            (_("转介已反馈结果"), t["with_outcome"]),
        ]
    if follow_up_line(f):
        u = f["follow_up"]
        out += [
            (_("工作人员回访"), u["staff"]["total"]),
            (_("回访满意率(%)"), u["staff"]["rate"]),
            (_("群众自行评价"), u["citizen"]["total"]),
            (_("群众评价满意率(%)"), u["citizen"]["rate"]),
        ]
    return out


def referral_sheet(wb, f: dict, header_style) -> None:
    """A sheet of referrals by service kind (``header_style(cell)`` styles the header row)."""
    rows = referral_rows(f)
    if not rows:
        return
    from anju.core.spreadsheet import append_row, print_layout

    sheet = wb.create_sheet(_("转介服务"))
    print_layout(sheet, title_rows="1:1", widths={"A": 20})
    append_row(sheet, [_("服务类型"), *[_(c) for c in REFERRAL_COLUMNS]])
    for cell in sheet[1]:
        header_style(cell)
    for row in rows:
        append_row(sheet, [row[0], *[int(v) for v in row[1:]]])
