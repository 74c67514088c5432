"""Core sub-commands of ``anju``, run by the server's operator and audited.

``anju unit-domains UNIT_ID [DOMAIN_CODE …]``: the risk domains a department serves (``Unit.domains``). Its
officers see these matters of their area too (``ANJU_DEPARTMENT_VISIBILITY`` "unit+domain"). Without codes it
prints the unit's domains; ``--clear`` removes them all.

``anju import-users FILE --passwords-out OUT.csv``: create the accounts of a .xlsx or .csv file, all or none
(``actions.import_users``); the initial passwords go to a new owner-only file, never to the terminal.
"""

from __future__ import annotations

import sys


def cmd_unit_domains(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.core import actions
    from anju.core.models import Domain, Unit

    unit = Unit.objects.filter(pk=args.unit).select_related("area").first()
    if unit is None:
        print(f"单位 {args.unit} 不存在。", file=sys.stderr)
        return 1
    if args.codes or args.clear:
        domains = list(Domain.objects.filter(code__in=args.codes))
        unknown = sorted(set(args.codes) - {d.code for d in domains})
        if unknown:
            print(f"未知的风险领域代码：{'、'.join(unknown)}", file=sys.stderr)
            return 1
        actions.set_unit_domains(None, unit, domains)
    served = unit.domains.order_by("sort_order", "code")
    print(f"{unit.area.name} {unit.name}：" + ("、".join(f"{d.name}（{d.code}）" for d in served) or "无"))
    return 0


def _print_row_errors(error) -> None:
    from anju.core.user_import import UserRowErrors

    for key, problems in error.message_dict.items():
        where = f"第 {key} 行" if isinstance(error, UserRowErrors) else "文件"
        for problem in problems:
            print(f"{where}：{problem}", file=sys.stderr)


def _write_passwords(path: str, rows: list[list[str]]) -> None:
    """Owner-only (0600), and never over an existing file: the list is the only copy of the passwords."""
    import csv
    import os

    from anju.core.user_import import password_list_workbook

    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    if path.lower().endswith(".xlsx"):
        with os.fdopen(descriptor, "wb") as out:
            out.write(password_list_workbook(rows))
        return
    with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)


def cmd_import_users(args) -> int:
    import os
    from pathlib import Path

    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.core import actions
    from anju.core.models import User
    from anju.core.user_import import check_user_rows, password_list_rows, read_user_file

    if not args.dry_run and not args.passwords_out:
        print("请用 --passwords-out 指定初始密码清单的保存位置（.csv 或 .xlsx）。", file=sys.stderr)
        return 2
    if args.passwords_out and os.path.exists(args.passwords_out):
        print(f"{args.passwords_out} 已存在，不会覆盖。", file=sys.stderr)
        return 2
    actor = None
    if args.actor:
        actor = User.objects.filter(username=args.actor, is_active=True).first()
        if actor is None:
            print(f"用户 {args.actor} 不存在或已停用。", file=sys.stderr)
            return 1
    try:
        rows = read_user_file(args.file, Path(args.file).read_bytes())
        if args.dry_run:
            checked = check_user_rows(actor, rows)
            bad = [c for c in checked if c.errors]
            for c in bad:
                for problem in c.errors:
                    print(f"第 {c.row.line} 行：{problem}", file=sys.stderr)
            print(f"检查了 {len(checked)} 行，{len(bad)} 行不合格；未建立任何账号。")
            return 1 if bad else 0
        created = actions.import_users(actor, rows)
    except OSError as exc:
        print(f"无法读取 {args.file}：{exc.strerror}", file=sys.stderr)
        return 1
    except ValidationError as error:
        _print_row_errors(error)
        print("未建立任何账号。", file=sys.stderr)
        return 1
    _write_passwords(args.passwords_out, password_list_rows(created))
    print(
        f"已建立 {len(created)} 个账号；初始密码清单：{args.passwords_out}（仅此一份，首次登录须修改密码）。"
    )
    return 0


def cmd_import_org(args) -> int:
    from pathlib import Path

    from anju.django_setup import setup_django

    setup_django()
    from django.core.exceptions import ValidationError

    from anju.core import admin_actions
    from anju.core.models import User
    from anju.core.org_import import OrgRowErrors, check_org_rows, read_org_file

    actor = None
    if args.actor:
        actor = User.objects.filter(username=args.actor, is_active=True).first()
        if actor is None:
            print(f"用户 {args.actor} 不存在或已停用。", file=sys.stderr)
            return 1
    try:
        areas, units = read_org_file(Path(args.file).read_bytes())
        plan = check_org_rows(actor, areas, units)
        for error in plan.errors:
            print(f"{error.sheet}表第 {error.line} 行“{error.column}”：{error.message}", file=sys.stderr)
        if args.dry_run or plan.errors:
            for change in plan.changes:
                print(change)
            print(
                f"检查了 {len(areas)} 个区域、{len(units)} 个单位，{len(plan.errors)} 处问题；未导入任何内容。"
            )
            return 1 if plan.errors else 0
        created_areas, created_units = admin_actions.import_organisation(actor, areas, units)
    except OSError as exc:
        print(f"无法读取 {args.file}：{exc.strerror}", file=sys.stderr)
        return 1
    except OrgRowErrors as error:
        for problem in error.plan.errors:
            print(
                f"{problem.sheet}表第 {problem.line} 行“{problem.column}”：{problem.message}", file=sys.stderr
            )
        print("未导入任何内容。", file=sys.stderr)
        return 1
    except ValidationError as error:
        print("；".join(error.messages), file=sys.stderr)
        print("未导入任何内容。", file=sys.stderr)
        return 1
    print(f"已导入 {len(created_areas)} 个区域、{len(created_units)} 个单位。")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("unit-domains", help="查看或设置职能部门负责的风险领域")
    p.add_argument("unit", type=int, help="单位编号")
    p.add_argument("codes", nargs="*", help="风险领域代码，如 social_security_wages")
    p.add_argument("--clear", action="store_true", help="清空该单位的风险领域")
    p.set_defaults(func=cmd_unit_domains)

    p = subparsers.add_parser(
        "import-users", help="从 .xlsx 或 .csv 文件批量导入账号（全部成功或全部不导入）"
    )
    p.add_argument("file", help="账号文件，第一行为列名：用户名、姓名、角色、管辖范围、所属单位、手机号码")
    p.add_argument("--passwords-out", help="初始密码清单的保存位置（.csv 或 .xlsx，新文件，仅本人可读）")
    p.add_argument("--actor", help="以该管理员的身份导入（检查其管辖范围）；不填为服务器管理员")
    p.add_argument("--dry-run", action="store_true", help="只检查，不建立账号")
    p.set_defaults(func=cmd_import_users)

    p = subparsers.add_parser("import-org", help="从 .xlsx 文件批量导入区域和单位（全部成功或全部不导入）")
    p.add_argument("file", help="含“区域”表和“单位”表的 .xlsx 文件（模板见“管理 → 批量导入区域和单位”）")
    p.add_argument("--actor", help="以该管理员的身份导入（检查其管辖范围）；不填为服务器管理员")
    p.add_argument("--dry-run", action="store_true", help="只检查并列出将要进行的修改，不导入")
    p.set_defaults(func=cmd_import_org)
