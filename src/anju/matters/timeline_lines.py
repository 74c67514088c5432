"""Standard timeline lines in the reader's language.

``MatterEvent.note`` is stored when the action happens, in the actor's language (Chinese in practice). The
lines an action writes by itself follow the templates below; for an English reader a stored note that
matches one is rendered again from the catalogue, with its values (a level, a satisfaction, a role) also
translated when they are catalogue words. Anything else — text a user typed, a unit's or area's name, a
reason — stays as entered. The citizen's page never shows notes (see ``matters.audience``).
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language, gettext, pgettext
from django.utils.translation import gettext_noop as N_

# The notes the actions write by themselves (matters, intake, screening); keep in step with them.
STANDARD_LINES: tuple[str, ...] = (
    N_("事项已登记"),
    N_("添加当事人（%(role)s）"),
    N_("调解（%(d)s）：%(r)s"),
    N_("督办：%(n)s"),
    N_("措施后风险：%(level)s"),
    N_("确认为黑天鹅事件"),
    N_("排除黑天鹅"),
    N_("标记为灰犀牛"),
    N_("取消灰犀牛标记"),
    N_("导出台账 %(n)s 条"),
    # the level rules' proposal is appended to the grading line (matters.actions.steps.assess): first, as
    # the plain line's pattern would also match it
    N_("研判定级：%(level)s（按等级处置规则须由%(area)s办理，建议上报）"),
    N_("研判定级：%(level)s"),
    N_("交办%(unit)s办理，期限 %(deadline)s"),
    N_("开始化解"),
    N_("事项已化解"),
    N_("已回访：%(s)s"),
    N_("已回访"),
    N_("已归档"),
    N_("上报至%(area)s：%(reason)s"),
    N_("退回：%(r)s"),
    N_("已并入事项 %(n)s"),
    N_("并入事项 %(n)s"),
    N_("不予受理：%(r)s"),
    N_("协办单位：%(unit)s；协办事项：%(task)s；期限 %(deadline)s"),
    N_("%(unit)s接受协调请求，承担协办：%(task)s；期限 %(deadline)s"),
    N_("%(unit)s拒绝协调请求：%(reply)s"),
    N_("导入历史事项 %(n)s 件"),
    N_("关联事项 %(n)s（%(relation)s）：%(r)s"),
    N_("解除与事项 %(n)s 的关联（%(relation)s）：%(r)s"),
    N_("复发，重新登记为事项 %(n)s：%(r)s"),
    # written on the matter by the cases app's 舆情应对 (cases.actions.opinion)
    N_("登记舆情应对：%(t)s（%(p)s）"),
    N_("舆情回应已发布（%(c)s）"),
    N_("舆情应对结束：%(s)s"),
    N_("收到重复反映（%(channel)s，%(date)s），已并入本事项。"),
    N_("由%(round)s登记（%(area)s排查报表）"),
)
# Contexts under which a captured value may be a catalogue word (risk levels use "risk level").
VALUE_CONTEXTS = ("risk level",)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    compiled = []
    for template in STANDARD_LINES:
        parts, last = [], 0
        for match in PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[last : match.start()]))
            parts.append(f"(?P<{match.group(1)}>.+?)")
            last = match.end()
        parts.append(re.escape(template[last:]))
        compiled.append((re.compile("^" + "".join(parts) + "$", re.DOTALL), template))
    return tuple(compiled)


def _value(text: str) -> str:
    for context in VALUE_CONTEXTS:
        translated = pgettext(context, text)
        if translated != text:
            return translated
    return gettext(text) if text else text


def for_reader(note: str) -> str:
    """The stored note, rendered again in English for an English reader when it is a standard line."""
    if not note or not (get_language() or "").startswith("en"):
        return note
    for pattern, template in _patterns():
        match = pattern.match(note)
        if match:
            translated = gettext(template)
            if translated == template:
                return note
            return translated % {name: _value(value) for name, value in match.groupdict().items()}
    return note
