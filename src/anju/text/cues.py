"""Escalation cues: phrases that suggest a matter may escalate (集体上访, 堵路, 跳楼, 讨薪 …).

:func:`escalation_cues` returns every matched phrase with its span and category, so the interface can
show *why* a flag was raised. A deployment can add its own phrases. Cues are deliberately simple
phrase matches: they raise a flag for a person to read, they decide nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .extract import _prepare

__all__ = ["Cue", "DEFAULT_CUES", "escalation_cues", "has_escalation"]

#: category → phrases. Longer phrases win over the shorter ones they contain.
DEFAULT_CUES: dict[str, tuple[str, ...]] = {
    "群体聚集": (
        "集体上访",
        "群体上访",
        "联名上访",
        "越级上访",
        "进京上访",
        "赴京上访",
        "上访",
        "集体访",
        "群体性",
        "群体",
        "聚集",
        "静坐",
        "拉横幅",
        "打横幅",
        "拉条幅",
        "游行",
        "示威",
        "联名",
    ),
    "阻断围堵": (
        "堵路",
        "堵门",
        "堵塞道路",
        "封路",
        "围堵",
        "围攻",
        "围困",
        "冲击",
        "堵大门",
        "拦车",
        "堵高速",
    ),
    "极端行为": (
        "跳楼",
        "跳河",
        "跳桥",
        "自杀",
        "自焚",
        "轻生",
        "喝农药",
        "服毒",
        "割腕",
        "同归于尽",
        "以死相逼",
        "不想活",
        "报复社会",
        "报复",
        "炸药",
        "爆炸",
        "纵火",
        "持刀",
        "砍人",
    ),
    "劳资纠纷": (
        "罢工",
        "停工",
        "讨薪",
        "欠薪",
        "拖欠工资",
        "拖欠农民工工资",
        "讨要工资",
        "追讨工资",
        "工资拖欠",
    ),
    "冲突暴力": ("打砸", "械斗", "斗殴", "打架", "殴打", "冲突", "暴力", "伤人"),
    "舆情": ("媒体曝光", "网上曝光", "曝光", "发抖音", "上热搜", "找记者", "记者"),
}


@dataclass(frozen=True)
class Cue:
    phrase: str
    category: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"phrase": self.phrase, "category": self.category, "start": self.start, "end": self.end}


_compiled: dict[tuple, tuple[re.Pattern[str], dict[str, str]]] = {}


def _pattern(cues: Mapping[str, Iterable[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    key = tuple((c, tuple(p)) for c, p in cues.items())
    if key not in _compiled:
        cat = {}
        for category, phrases in cues.items():
            for p in phrases:
                p = p.strip()
                if p:
                    cat.setdefault(p, category)
        alternatives = sorted(cat, key=len, reverse=True)
        _compiled[key] = (re.compile("|".join(map(re.escape, alternatives)) or r"(?!x)x"), cat)
    return _compiled[key]


def escalation_cues(text: str, extra: Mapping[str, Iterable[str]] | Iterable[str] | None = None) -> list[Cue]:
    """Escalation phrases in ``text`` (offsets refer to ``text``). ``extra`` adds a deployment's own
    phrases, as ``{category: [phrases]}`` or a plain list (category ``自定义``)."""
    t = _prepare(text)
    cues: dict[str, tuple[str, ...]] = dict(DEFAULT_CUES)
    if extra:
        if isinstance(extra, Mapping):
            for c, ps in extra.items():
                cues[c] = tuple(cues.get(c, ())) + tuple(ps)
        else:
            cues["自定义"] = tuple(extra)
    rx, cat = _pattern(cues)
    return [Cue(m.group(0), cat[m.group(0)], m.start(), m.end()) for m in rx.finditer(t)]


def has_escalation(text: str, extra: Mapping[str, Iterable[str]] | Iterable[str] | None = None) -> bool:
    return bool(escalation_cues(text, extra))
