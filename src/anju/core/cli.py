"""``anju unit-domains UNIT_ID [DOMAIN_CODE …]``: the risk domains a department serves (``Unit.domains``).

Its officers see these matters of their area too (``ANJU_DEPARTMENT_VISIBILITY`` "unit+domain"). Without
codes it prints the unit's domains; ``--clear`` removes them all. Run by the server's operator; audited."""

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


def register(subparsers) -> None:
    p = subparsers.add_parser("unit-domains", help="查看或设置职能部门负责的风险领域")
    p.add_argument("unit", type=int, help="单位编号")
    p.add_argument("codes", nargs="*", help="风险领域代码，如 social_security_wages")
    p.add_argument("--clear", action="store_true", help="清空该单位的风险领域")
    p.set_defaults(func=cmd_unit_domains)
