"""The ledger's demo content beyond the generated history, one module per concern: the reviews (re-gradings,
黑天鹅 and 灰犀牛, ``demo_reviews``), the level rules at work (包案领导, the escalated food poisoning, progress
reports and automatic 督办, ``demo_levels``), co-handling, coordination and 问责 (``demo_coordination``), and typed links and a 复发 (``demo_links``)."""

from __future__ import annotations


def load_matters_demo() -> str:
    from anju.matters.demo_coordination import load_coordination_demo
    from anju.matters.demo_levels import load_levels_demo
    from anju.matters.demo_links import load_links_demo
    from anju.matters.demo_reviews import load_review_demo

    parts = [load_review_demo(), load_levels_demo(), load_coordination_demo(), load_links_demo()]
    return "\n".join(p for p in parts if p)
