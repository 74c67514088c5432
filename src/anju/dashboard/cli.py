"""``anju rollup-refresh`` and ``anju rollup-rebuild``: the overview's aggregates (``dashboard.rollup``).

The worker runs ``rollup-refresh`` every minute (``core.scheduler``); it counts the matters changed since the
last run and, until the counts have caught up, goes on batch after batch. ``rollup-rebuild`` recomputes every
count from the ledger (after an import that bypassed the actions, or to check the counts).
"""

from __future__ import annotations


def cmd_rollup_refresh(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.dashboard import rollup

    read = changed = 0
    while True:
        done = rollup.refresh(wait=False)
        if done["skipped"]:
            print("另一汇总更新正在运行，本次跳过。")
            return 0
        read, changed = read + done["read"], changed + done["changed"]
        if not done["behind"]:
            break
    print(f"态势汇总已更新：读取事项 {read} 件，其中有变化 {changed} 件。")
    return 0


def cmd_rollup_rebuild(args) -> int:
    from anju.django_setup import setup_django

    setup_django()
    from anju.dashboard import rollup

    done = rollup.rebuild()
    print(f"态势汇总已重建：事项 {done['read']} 件，汇总 {done['rows']} 行。")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "rollup-refresh", help="更新态势汇总数据（读取上次以来有变化的事项；每分钟运行）"
    )
    p.set_defaults(func=cmd_rollup_refresh)
    p = subparsers.add_parser("rollup-rebuild", help="从事项台账重新计算全部态势汇总数据")
    p.set_defaults(func=cmd_rollup_rebuild)
