"""Structured facts from a message: money, people counts, dates, places, organisations, phones, ID numbers.

Every finding is an :class:`Entity` with its ``kind``, the matched ``text``, its ``start``/``end`` offsets in
the *input* string (traditional characters and full-width digits are folded without changing offsets) and a
parsed ``value``:

=========== ============================================================================================
kind        value
=========== ============================================================================================
money       amount in 元 (float); ``approx`` is true for 多/余/来/几
people      number of people or households (int, lower bound for 几十/数百); ``unit`` 人/户/名/位
date        ISO-like string: ``2019-03-05``, ``2019-03``, ``2019``, ``--03-05`` (month-day, year unknown)
place       the place name (``areas`` given by the deployment win over the built-in gazetteer)
org         the organisation name (…公司/厂/学校/医院/小区 …)
phone       digits only; ``unit`` is ``mobile`` or ``landline``
id_card     the 18-character number (checksum-validated, ISO 7064 MOD 11-2)
=========== ============================================================================================
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .normalize import fold_width, to_simplified
from .numerals import CN_NUM_CHARS, parse_number

__all__ = [
    "Entity",
    "Extraction",
    "extract",
    "find_money",
    "find_people",
    "find_dates",
    "find_places",
    "find_orgs",
    "find_phones",
    "find_id_cards",
    "valid_id_card",
    "suggest_area",
]

MAX_EXTRACT_CHARS = 20_000


@dataclass(frozen=True)
class Entity:
    kind: str
    text: str
    start: int
    end: int
    value: object = None
    approx: bool = False
    unit: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "approx": self.approx,
            "unit": self.unit,
        }


@dataclass
class Extraction:
    money: list[Entity] = field(default_factory=list)
    people: list[Entity] = field(default_factory=list)
    dates: list[Entity] = field(default_factory=list)
    places: list[Entity] = field(default_factory=list)
    orgs: list[Entity] = field(default_factory=list)
    phones: list[Entity] = field(default_factory=list)
    id_cards: list[Entity] = field(default_factory=list)

    def all(self) -> list[Entity]:
        items = self.money + self.people + self.dates + self.places + self.orgs + self.phones + self.id_cards
        return sorted(items, key=lambda e: (e.start, e.end))

    def as_dict(self) -> dict[str, list[dict]]:
        return {k: [e.as_dict() for e in getattr(self, k)] for k in self.__dataclass_fields__}

    @property
    def max_money(self) -> float | None:
        return max((e.value for e in self.money), default=None)

    @property
    def max_people(self) -> int | None:
        return max((e.value for e in self.people), default=None)


def _prepare(text: object) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return fold_width(to_simplified(text[:MAX_EXTRACT_CHARS], keep_length=True))


# ---------------------------------------------------------------- numbers
_NUM = rf"(?:\d+(?:[.,]\d+)*|[{CN_NUM_CHARS}])(?:\d|[.,](?=\d)|[{CN_NUM_CHARS}])*"
_MONEY_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<approx>多|余|来|几)?(?P<big>万|亿)?(?P<approx2>多|余)?"
    r"(?P<unit>元|块钱|块(?=[，。,.;；!！?？\s]|$)|人民币)"
)
_PEOPLE_NOUNS = (
    "人|户|村民|居民|工人|农民工|员工|学生|家长|业主|群众|老人|儿童|孩子|职工|教师|商户|住户|患者|病人"
)
_PEOPLE_RE = re.compile(
    rf"(?P<pre>约|近|超过|上|多达)?(?P<num>{_NUM})(?P<approx>多|余|来|几)?"
    rf"(?:(?P<unit>人|户|名|位)|个(?=(?:{_PEOPLE_NOUNS})))"
)
_NOT_PEOPLE_AFTER = re.compile(r"民币|次|均|民法|大|选|口普查")


def find_money(text: str) -> list[Entity]:
    t = _prepare(text)
    out = []
    for m in _MONEY_RE.finditer(t):
        num = m.group("num")
        if num and all(c in "几数" for c in num):
            continue
        value = parse_number(num)
        if value is None:
            continue
        if m.group("big"):
            value *= 10_000 if m.group("big") == "万" else 100_000_000
        approx = bool(m.group("approx") or m.group("approx2")) or any(c in "几数" for c in num)
        out.append(Entity("money", text[m.start() : m.end()], m.start(), m.end(), value, approx, "元"))
    return out


def find_people(text: str) -> list[Entity]:
    t = _prepare(text)
    out = []
    for m in _PEOPLE_RE.finditer(t):
        num = m.group("num")
        unit = m.group("unit") or "人"
        after = t[m.end() : m.end() + 3]
        if m.group("unit") == "人" and _NOT_PEOPLE_AFTER.match(after):
            continue
        value = parse_number(num)
        if value is None or value <= 0 or value > 10_000_000:
            continue
        # not years, dates, money: 2019人? reject digits glued to 年/月/元 context before
        before = t[max(0, m.start() - 1) : m.start()]
        if before.isdigit():
            continue
        approx = bool(m.group("approx") or m.group("pre")) or any(c in "几数" for c in num)
        s = m.start("num")
        out.append(Entity("people", text[s : m.end()], s, m.end(), int(value), approx, unit))
    return out


# ---------------------------------------------------------------- dates
_Y = r"(?P<y>\d{4}|[〇零○一二三四五六七八九]{4})年"
_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9]|三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])[日号]"
_DATE_RES = [
    re.compile(rf"{_Y}(?:{_M}(?:{_D})?)?"),
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])(?:[-/.](?P<d>3[01]|[12]\d|0?[1-9]))?(?!\d)"
    ),
    re.compile(rf"(?P<rel>今年|去年|前年|明年)(?:{_M}(?:{_D})?)?"),
    re.compile(rf"(?<![\d年])(?:{_M})(?:{_D})?"),
]
_REL_YEAR = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


def _int(s: str | None) -> int | None:
    if not s:
        return None
    v = parse_number(s)
    return int(v) if v is not None else None


def find_dates(text: str, *, today: date | None = None) -> list[Entity]:
    """Dates; 今年/去年 are resolved against ``today`` when given (else left without a year)."""
    t = _prepare(text)
    out: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for rx in _DATE_RES:
        for m in rx.finditer(t):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            gd = m.groupdict()
            y = _int(gd.get("y"))
            if gd.get("rel"):
                y = today.year + _REL_YEAR[gd["rel"]] if today else None
            mo, d = _int(gd.get("m")), _int(gd.get("d"))
            if y is not None and not 1900 <= y <= 2100:
                continue
            if mo is not None and not 1 <= mo <= 12 or d is not None and not 1 <= d <= 31:
                continue
            if y is None and mo is None:
                continue
            if y is not None and mo and d:
                try:
                    value = date(y, mo, d).isoformat()
                except ValueError:
                    continue
            elif y is not None:
                value = f"{y:04d}-{mo:02d}" if mo else f"{y:04d}"
            else:
                value = f"--{mo:02d}-{d:02d}" if d else f"--{mo:02d}"
            taken.append((m.start(), m.end()))
            out.append(Entity("date", text[m.start() : m.end()], m.start(), m.end(), value))
    return sorted(out, key=lambda e: e.start)


# ---------------------------------------------------------------- places
_PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 "
    "云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
_ADMIN_SUFFIX = ("省", "市", "县", "区", "州", "镇", "乡", "旗", "盟", "街道")


@functools.cache
def _gazetteer() -> dict[str, str]:
    """name → canonical name, from the provinces and jieba's own dictionary (words tagged ``ns`` that
    end in an administrative suffix: 长沙市, 浏阳市, 岳麓区 …). Nothing is downloaded."""
    import jieba

    names: dict[str, str] = {}
    for p in _PROVINCES:
        full = p + ("市" if p in ("北京", "天津", "上海", "重庆") else "省")
        names[full] = full
        names[p] = full
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) != 3 or parts[2] != "ns":
                    continue
                w = parts[0]
                if (
                    len(w) >= 3
                    and w.endswith(_ADMIN_SUFFIX)
                    and w[-2] not in "上下中内外东西南北前后第一二三四五六七八九十"
                ):
                    names.setdefault(w, w)
                    if w.endswith("市") and len(w) >= 3:
                        names.setdefault(w[:-1], w)
    except OSError:  # pragma: no cover - jieba always ships its dictionary
        pass
    return names


def _scan(t: str, names: Mapping[str, object], max_len: int) -> list[tuple[int, int, object]]:
    """Longest-match scan of ``t`` for keys of ``names``."""
    out = []
    i, n = 0, len(t)
    lengths = sorted({len(k) for k in names}, reverse=True)
    lengths = [L for L in lengths if L <= max_len]
    while i < n:
        for L in lengths:
            if i + L <= n and t[i : i + L] in names:
                out.append((i, i + L, names[t[i : i + L]]))
                i += L
                break
        else:
            i += 1
    return out


def _area_table(areas: Iterable[str] | Mapping[str, Iterable[str] | str] | None) -> dict[str, str]:
    table: dict[str, str] = {}
    if not areas:
        return table
    if isinstance(areas, Mapping):
        for key, aliases in areas.items():
            if isinstance(aliases, str):
                aliases = [aliases]
            for a in [key, *aliases]:
                a = to_simplified(str(a).strip(), keep_length=True)
                if len(a) >= 2:
                    table[a] = str(key)
    else:
        for a in areas:
            a = to_simplified(str(a).strip(), keep_length=True)
            if len(a) >= 2:
                table[a] = a
    return table


def find_places(
    text: str, areas: Iterable[str] | Mapping[str, Iterable[str] | str] | None = None
) -> list[Entity]:
    """Province, city and county names, and the deployment's own ``areas``.

    ``areas`` is a list of names, or a mapping ``{area_key: [name, alias, …]}``; a match on a deployment
    area has ``unit="area"`` and ``value`` = the area key, other matches ``unit="gazetteer"`` and the full
    official name as ``value`` (长沙 → 长沙市).
    """
    t = _prepare(text)
    own = _area_table(areas)
    out = []
    covered = [False] * len(t)
    if own:
        for s, e, key in _scan(t, own, max(len(k) for k in own)):
            out.append(Entity("place", text[s:e], s, e, key, unit="area"))
            covered[s:e] = [True] * (e - s)
    for s, e, name in _scan(t, _gazetteer(), 12):
        if any(covered[s:e]):
            continue
        out.append(Entity("place", text[s:e], s, e, name, unit="gazetteer"))
    return sorted(out, key=lambda x: x.start)


def suggest_area(text: str, areas: Iterable[str] | Mapping[str, Iterable[str] | str]) -> str | None:
    """The deployment area a message most likely concerns: the area key mentioned most often, ties
    broken by the longest (most specific) name, then by first mention. ``None`` when none is named."""
    hits = [e for e in find_places(text, areas) if e.unit == "area"]
    if not hits:
        return None
    score: dict[str, tuple[int, int, int]] = {}
    for e in hits:
        n, length, first = score.get(e.value, (0, 0, -e.start))
        score[e.value] = (n + 1, max(length, e.end - e.start), first)
    return max(score, key=lambda k: score[k])


# ---------------------------------------------------------------- organisations
_ORG_SUFFIX = (
    "有限责任公司|股份有限公司|有限公司|分公司|公司|集团|工厂|厂|中学|小学|大学|学院|学校|幼儿园|职业学校|技校|"
    "卫生院|人民医院|中医院|医院|诊所|小区|花园|社区|银行|酒店|宾馆|超市|商场|市场|物业|合作社|派出所|养老院|敬老院"
)
_ORG_RE = re.compile(rf"[\u4e00-\u9fffA-Za-z0-9()（）·]{{1,16}}?(?:{_ORG_SUFFIX})")
_ORG_CUT = set(
    "在 到 向 对 给 和 与 及 跟 的 是 被 把 让 由 从 于 我 我们 他 他们 她 你 您 该 这 那 这个 那个 位于 反映 投诉 举报 关于 "
    "请 家住 住在 附近 旁边 里 中 内 了 也 都 就 还 又 因 因为 为 为了 将 要 想 说 去 来 有 没有 个 一 一家 一个 某 "
    "本 其 所 所在 所属 属于 叫 名叫 称 工作 上班 就读 就读于 入住 购买 买 卖 进 出 各 每 等 不 不是 没 回 来自 据说 "
    "并且 而且 但 但是 以及 或 或者 如 如果 像 比如 整个 这家 那家 这所 那所 本科 提前 准 不准 绝对 "
    "导致 排入 排放 流入 进入 影响 造成 发生 出现 周边 附近 旁边 门口 对面 大量 经营 开 搞 变成 作为 包括 通过 "
    "，".split()
)
_ADDRESS_RE = re.compile(r".*(?:省|市|区|县|镇|乡|街道|路|街|村|号)")
_ORG_GENERIC = set(
    "公司 集团 工厂 厂 学校 医院 小区 花园 社区 银行 酒店 超市 商场 市场 物业 中学 小学 大学 学院".split()
)


def find_orgs(text: str) -> list[Entity]:
    import jieba

    from .segment import ensure_jieba

    ensure_jieba()
    t = _prepare(text)
    out = []
    for m in _ORG_RE.finditer(t):
        cand = m.group(0)
        toks = jieba.lcut(cand, HMM=False)
        # keep the tokens after the last cut word
        keep = len(toks)
        for i in range(len(toks) - 1, -1, -1):
            if toks[i] in _ORG_CUT or toks[i].isdigit():
                break
            keep = i
        name = "".join(toks[keep:])
        if name.endswith(("小区", "花园", "社区")):
            # an estate is named without its address: 长沙市岳麓区魅力之城小区 → 魅力之城小区
            cut = _ADDRESS_RE.search(name[:-2])
            if cut and len(name) - cut.end() >= 3:
                name = name[cut.end() :]
        if len(name) < 3 or name in _ORG_GENERIC:
            continue
        s = m.end() - len(name)
        out.append(Entity("org", text[s : m.end()], s, m.end(), name))
    return out


# ---------------------------------------------------------------- phones and ID numbers
_MOBILE_RE = re.compile(r"(?<![\d])(?:(?:\+|00)?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE_RE = re.compile(r"(?<![\d\-])(?:\(?(0\d{2,3})\)?[- ]?)(\d{7,8})(?![\d])")
_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx])(?![\dA-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_card(number: str) -> bool:
    """18-character resident ID: region code, a real birth date and the ISO 7064 MOD 11-2 check digit."""
    if not re.fullmatch(r"\d{17}[\dXx]", number or ""):
        return False
    if number[0] not in "12345678":
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1880 <= born.year <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def find_id_cards(text: str) -> list[Entity]:
    t = _prepare(text)
    return [
        Entity("id_card", text[m.start() : m.end()], m.start(), m.end(), m.group(1).upper())
        for m in _ID_RE.finditer(t)
        if valid_id_card(m.group(1))
    ]


def find_phones(text: str) -> list[Entity]:
    t = _prepare(text)
    ids = [(e.start, e.end) for e in find_id_cards(text)]
    out = []
    for m in _MOBILE_RE.finditer(t):
        if any(a <= m.start() < b for a, b in ids):
            continue
        out.append(
            Entity("phone", text[m.start() : m.end()], m.start(), m.end(), "".join(m.groups()), unit="mobile")
        )
    taken = ids + [(e.start, e.end) for e in out]
    for m in _LANDLINE_RE.finditer(t):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        out.append(
            Entity(
                "phone",
                text[m.start() : m.end()],
                m.start(),
                m.end(),
                m.group(1) + m.group(2),
                unit="landline",
            )
        )
    return sorted(out, key=lambda e: e.start)


def extract(
    text: str,
    *,
    areas: Iterable[str] | Mapping[str, Iterable[str] | str] | None = None,
    today: date | None = None,
) -> Extraction:
    """All entity kinds at once (see the module docstring)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    return Extraction(
        money=find_money(text),
        people=find_people(text),
        dates=find_dates(text, today=today),
        places=find_places(text, areas),
        orgs=find_orgs(text),
        phones=find_phones(text),
        id_cards=find_id_cards(text),
    )
