"""Masking of personal data: person names, phone numbers and ID-card numbers.

Use :func:`mask` wherever text is shown to a role that may not see personal data, and in exports::

    >>> mask("联系人：张三丰，电话13812345678")
    '联系人：张**，电话138****5678'

Phones and ID numbers are found reliably (ID numbers only when the check digit is right). Names are hard:
they are found from context — after 姓名/联系人/反映人/投诉人/我叫/名叫…, and before 先生/女士/书记/主任/
经理… — and only when they start with a common surname. Names written with no cue at all are missed, so
masking lowers the exposure of personal data but does not guarantee anonymity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import Entity, _prepare, find_id_cards, find_phones

__all__ = ["mask", "find_personal", "find_names", "SURNAMES", "MaskResult"]

# the most common single-character surnames (covering well over 90 % of the population) and compound ones
SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂"
    "章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银"
    "亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
SURNAMES_2 = {
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
}
SURNAMES = frozenset(SURNAMES_1 | SURNAMES_2)
_COMMON_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
)

# characters that do not occur inside a name right after the cue: they end the name
_NOT_NAME = set(
    "，。、；：:,.;!！?？ （）()“”\"'的是在了和与及家住今年男女电话手机联系号码身份证村镇县区市省街路向对给被把让从于说反映投诉"
    "举报要求请我你他她们也都就还又因为将想去来有没个0123456789同志先生女士老师师傅书记主任经理"
)
_LABEL_CUES = "姓名|联系人|反映人|投诉人|举报人|当事人|申请人|来访人|户主|负责人|业主|法人|法定代表人|监护人|被投诉人|被举报人"
_SPEECH_CUES = "我叫|本人叫|名叫|叫做|我是|本人是|本人"
_TITLES = (
    "先生|女士|小姐|老师|师傅|书记|主任|经理|阿姨|大爷|大妈|老板|局长|镇长|乡长|村长|支书|队长|同志|律师|医生|院长|校长|"
    "组长|委员|部长|处长|科长|所长|总|工|警官"
)
_CUE_RE = re.compile(rf"(?:{_LABEL_CUES})\s*(?:[:：是为]|\s)?\s*|(?:{_SPEECH_CUES})")
_TITLE_RE = re.compile(rf"(?:{_TITLES})")


@dataclass(frozen=True)
class MaskResult:
    text: str
    entities: list[Entity]


def _name_at(t: str, i: int, *, labelled: bool) -> int:
    """Length of a name starting at ``t[i]`` (0 if none): surname + one or two given characters."""
    two = t[i : i + 2]
    if two in SURNAMES_2:
        s_len = 2
    elif t[i : i + 1] in SURNAMES_1:
        s_len = 1
    elif labelled and t[i : i + 1] and "\u4e00" <= t[i] <= "\u9fff" and t[i] not in _NOT_NAME:
        s_len = 1  # after 姓名： anything Chinese is a name
    else:
        return 0
    n = s_len
    while n < s_len + 2 and i + n < len(t) and "\u4e00" <= t[i + n] <= "\u9fff" and t[i + n] not in _NOT_NAME:
        n += 1
    if n == s_len:
        return 0
    # a trailing 某/某某 is already anonymous, a trailing title is not part of the name
    return n


def find_names(text: str, *, titles: bool = True) -> list[Entity]:
    """Person names found from context cues (see the module docstring). ``titles=False`` keeps only names
    after a label or speech cue (姓名：, 联系人, 我叫 …): names before a title (…先生, …工) are the less
    reliable finds (十余名工人 reads as 余名 + 工)."""
    t = _prepare(text)
    out: dict[int, Entity] = {}
    for m in _CUE_RE.finditer(t):
        i = m.end()
        labelled = not m.group(0).startswith(("我", "本人", "名叫", "叫做"))
        n = _name_at(t, i, labelled=labelled)
        if n and "某" not in t[i : i + n]:
            out[i] = Entity("name", text[i : i + n], i, i + n, t[i : i + n])
    for m in _TITLE_RE.finditer(t) if titles else ():
        end = m.start()
        for n in (3, 2):
            i = end - n
            if i < 0:
                continue
            cand = t[i:end]
            if any(c in _NOT_NAME or not "\u4e00" <= c <= "\u9fff" for c in cand):
                continue
            if n == 2 and cand[1] in _COMMON_SURNAMES:
                continue  # 邻居赵先生: 赵 alone is the surname, 居 is not
            if (cand[:2] in SURNAMES_2 and n == 3) or cand[0] in SURNAMES_1:
                if "某" in cand or i in out or any(e.start <= i < e.end for e in out.values()):
                    break
                out[i] = Entity("name", text[i:end], i, end, cand)
                break
    return sorted(out.values(), key=lambda e: e.start)


def find_personal(text: str, *, name_titles: bool = True) -> list[Entity]:
    """Names, phone numbers and ID-card numbers, without overlaps, in text order (``name_titles``: see
    :func:`find_names`)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    found = sorted(
        find_id_cards(text) + find_phones(text) + find_names(text, titles=name_titles),
        key=lambda e: (e.start, -e.end),
    )
    out: list[Entity] = []
    for e in found:
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out


def _masked(e: Entity) -> str:
    s = e.text
    if e.kind == "name":
        keep = 2 if s[:2] in SURNAMES_2 and len(s) > 2 else 1
        return s[:keep] + "*" * (len(s) - keep)
    if e.kind == "id_card":
        return s[:4] + "*" * (len(s) - 8) + s[-4:]
    if e.kind == "phone":
        digits = [i for i, c in enumerate(s) if c.isdigit()]
        if e.unit == "mobile":
            hide = digits[-8:-4]  # 138****5678
        else:  # 0731-84561234 → 0731-****1234; 3+8 and 4+7 digit forms are ambiguous: hide 3
            hide = digits[-8:-4] if len(digits) >= 12 else digits[-7:-4]
        chars = list(s)
        for i in hide:
            chars[i] = "*"
        return "".join(chars)
    return "*" * len(s)


def mask(
    text: str,
    *,
    names: bool = True,
    phones: bool = True,
    id_cards: bool = True,
    name_titles: bool = True,
) -> str:
    """``text`` with personal data replaced by ``*`` (same length): ``张**``, ``138****5678``,
    ``1101**********1234``. ``None`` becomes ``""``. ``name_titles=False`` masks only cued names (see
    :func:`find_names`)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    kinds = {k for k, on in (("name", names), ("phone", phones), ("id_card", id_cards)) if on}
    parts = []
    pos = 0
    for e in find_personal(text, name_titles=name_titles):
        if e.kind not in kinds:
            continue
        parts.append(text[pos : e.start])
        parts.append(_masked(e))
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)
