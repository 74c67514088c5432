"""Reference data every deployment starts with (the default domain taxonomy)."""

from __future__ import annotations

import json
from pathlib import Path

from anju.core import actions
from anju.core.models import Domain

DOMAINS_FILE = Path(__file__).with_name("data") / "domains.json"


def load_domains(path: Path = DOMAINS_FILE, actor=None) -> int:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    by_code = {}
    for order, item in enumerate(data["domains"], start=1):
        parent = by_code.get(item.get("parent")) or (
            Domain.objects.filter(code=item["parent"]).first() if item.get("parent") else None
        )
        by_code[item["code"]] = actions.upsert_domain(
            actor,
            code=item["code"],
            name=item["name"],
            name_en=item.get("name_en", ""),
            emergency_class=item["emergency_class"],
            keywords=item.get("keywords", []),
            parent=parent,
            sort_order=item.get("sort_order", order),
        )
    return len(by_code)


def ensure_reference_data() -> None:
    if not Domain.objects.exists():
        load_domains()
