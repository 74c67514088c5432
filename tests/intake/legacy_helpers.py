"""Building legacy 台账 files in memory for the import tests."""

from __future__ import annotations

import io

from openpyxl import Workbook

HEADER = [
    "序号",
    "事项名称",
    "登记日期",
    "村/社区",
    "类别",
    "当事人",
    "联系电话",
    "状态",
    "办结时间",
    "化解结果",
]
GOOD_ROWS = [
    [
        "1",
        "东一村工地拖欠工资",
        "2023-03-15",
        "东一村",
        "社会保障和民工欠薪",
        "王大明",
        "13812345678",
        "已办结",
        "2023-04-02",
        "已结清工资",
    ],
    ["2", "东二村宅基地界址纠纷", "2023/05/20", "东二村", "征地拆迁", "李小红", "", "在办", "", ""],
]


def xlsx(rows, header=HEADER, title: str | None = "东镇矛盾纠纷排查化解台账") -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, encoding: str = "utf-8-sig") -> bytes:
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)
