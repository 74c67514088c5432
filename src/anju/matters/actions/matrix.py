"""Uploading a new version of the risk matrix (风险矩阵): a new key, never an edit of a version in use."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.models import Area
from anju.core.permissions import require
from anju.matters.models_matrix import RiskMatrixVersion
from anju.matters.risk import LEVEL_RANK, RiskMatrix, file_matrix, parse

MAX_DOCUMENT_CHARS = 200_000


def _said(parser_error: str) -> str:
    """The parser's (English) complaint, said in Chinese."""
    if parser_error.startswith("likelihood values"):
        return _("矩阵定义格式不符：可能性的取值须为 1…n。")
    if parser_error.startswith("consequence values"):
        return _("矩阵定义格式不符：后果的取值须为 1…n。")
    if parser_error.startswith("grid must be"):
        return _("矩阵定义格式不符：网格的行数须等于可能性档数，每行格数须等于后果档数。")
    if parser_error.startswith("grid uses undefined levels"):
        return _("矩阵定义格式不符：网格用了 levels 中未定义的等级。")
    return _("矩阵定义格式不符（须为 n×n 网格，可能性与后果取值 1…n）：%(why)s") % {"why": parser_error}


def _checked_matrix(document_text: str) -> tuple[dict, RiskMatrix]:
    """(the document, its parsed matrix) or ``ValidationError`` on "document" with a Chinese message."""
    text = (document_text or "").strip()
    if not text:
        raise ValidationError({"document": _("请上传或粘贴风险矩阵定义（JSON）。")})
    if len(text) > MAX_DOCUMENT_CHARS:
        raise ValidationError({"document": _("矩阵定义过长。")})
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ValidationError(
            {
                "document": _("不是有效的 JSON：第 %(line)s 行附近有错误。")
                % {"line": getattr(exc, "lineno", "?")}
            }
        ) from exc
    if not isinstance(document, dict):
        raise ValidationError({"document": _("矩阵定义须是一个 JSON 对象。")})
    try:
        matrix = parse(document)
    except KeyError as exc:
        raise ValidationError(
            {"document": _("矩阵定义缺少字段 %(field)s。") % {"field": exc.args[0] if exc.args else "?"}}
        ) from exc
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError({"document": _said(str(exc))}) from exc
    unknown = set(matrix.levels) - set(LEVEL_RANK)
    if unknown:
        raise ValidationError(
            {
                "document": _("未知的等级代码：%(codes)s（可用 %(known)s）。")
                % {"codes": "、".join(sorted(unknown)), "known": "、".join(LEVEL_RANK)}
            }
        )
    if len(matrix.likelihood) != len(matrix.consequence):
        raise ValidationError({"document": _("可能性与后果的档数须相同（n×n）。")})
    unlabelled = [lv.code for lv in matrix.levels.values() if not lv.label_zh.strip()]
    unlabelled += [str(s.value) for s in matrix.likelihood + matrix.consequence if not s.label.strip()]
    if unlabelled or not matrix.title_zh.strip():
        raise ValidationError({"document": _("矩阵标题、每个等级和每一档都须有名称。")})
    return document, matrix


@transaction.atomic
def upload_risk_matrix(
    actor, county: Area, document_text: str, *, now: dt.datetime | None = None
) -> RiskMatrixVersion:
    """Store a new matrix version, which becomes current; its key (``id@version``) must be new."""
    require(actor, "level_rules.edit", county)
    if county.parent_id is not None:
        raise ValidationError({"__all__": _("风险矩阵由县级设置。")})
    document, matrix = _checked_matrix(document_text)
    # Serialise uploads: two at once with one key get the clear message, not an integrity error.
    Area.objects.select_for_update().get(pk=county.pk)
    if matrix.key == file_matrix().key or RiskMatrixVersion.objects.filter(key=matrix.key).exists():
        raise ValidationError(
            {
                "document": _("矩阵版本 %(key)s 已存在：已在使用的版本不可修改，请提高 version。")
                % {"key": matrix.key}
            }
        )
    version = RiskMatrixVersion.objects.create(
        key=matrix.key,
        document=document,
        uploaded_by=actor,
        uploaded_at=now or timezone.now(),
        active=True,
    )
    audit.record(
        actor,
        "risk_matrix.uploaded",
        version,
        after={"key": matrix.key, "levels": list(matrix.levels)},
        area=county,
        note=_("上传风险矩阵 %(key)s") % {"key": matrix.key},
    )
    return version
