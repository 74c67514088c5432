"""Chinese and mixed numerals: ``三十``, ``一万二千``, ``二〇一九``, ``3.5万``, ``壹佰``, ``十几``."""

from __future__ import annotations

__all__ = ["parse_number", "CN_DIGITS", "CN_NUM_CHARS"]

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
    # vague quantities, counted at their lower bound: 几十 ≥ 20, 数百 ≥ 200
    "几": 2,
    "数": 2,
}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_NUM_CHARS = "".join(CN_DIGITS) + "".join(_SMALL) + "".join(_BIG)


def parse_number(text: str) -> float | None:
    """Value of a numeral written with Arabic digits, Chinese digits and units, or a mix.

    ``parse_number("三十") == 30``, ``parse_number("1.5万") == 15000``, ``parse_number("二〇一九") == 2019``,
    ``parse_number("三万五") == 35000`` (colloquial), ``parse_number("十几") == 12`` (vague digits count as
    2, a conservative lower bound). Returns ``None`` when ``text`` holds no number.
    """
    s = (text or "").replace(",", "").replace("，", "").strip()
    if not s:
        return None
    # plain digit strings (also 二〇一九 → 2019)
    if all(c.isdigit() or c == "." for c in s):
        try:
            return float(s)
        except ValueError:
            return None
    if all(c in CN_DIGITS for c in s) and len(s) > 1 and not set(s) & {"几", "数"}:
        return float("".join(str(CN_DIGITS[c]) for c in s))
    total = 0.0  # 亿 level and above, finished
    section = 0.0  # below 亿, finished part
    number: float | None = None  # pending digits
    last_unit = 0
    seen = False
    i = 0
    while i < len(s):
        c = s[i]
        if c.isdigit() or c == ".":
            j = i
            while j < len(s) and (s[j].isdigit() or s[j] == "."):
                j += 1
            try:
                number = float(s[i:j])
            except ValueError:
                return None
            seen = True
            last_unit = 0
            i = j
            continue
        if c in CN_DIGITS:
            number = float(CN_DIGITS[c])
            seen = True
            if c in "零〇○":
                last_unit = 0
        elif c in _SMALL:
            unit = _SMALL[c]
            # 十 at the start means 一十; a unit after a finished group multiplies it (十几 stays 1x)
            section += (number if number is not None else 1.0) * unit
            number = None
            last_unit = unit
            seen = True
        elif c in _BIG:
            unit = _BIG[c]
            group = section + (number or 0.0)
            if group == 0 and not seen:
                group = 1.0
            if unit >= 100_000_000:
                total = (total + group) * unit
                section = 0.0
            else:
                section = group * unit
            number = None
            last_unit = unit
            seen = True
        elif c in "多余来左右几":
            pass
        else:
            return None
        i += 1
    if not seen:
        return None
    if number is not None:
        prev = s[-2] if len(s) >= 2 else ""
        if last_unit >= 100 and s[-1] in CN_DIGITS and (prev in _SMALL or prev in _BIG):
            # colloquial 三万五 = 35,000, 一百五 = 150
            number = number * last_unit / 10
        section += number
    return total + section
