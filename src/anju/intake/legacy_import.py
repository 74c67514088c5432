"""Every state change of a legacy 台账 import (``intake/legacy_sheet.py`` reads and checks the sheet).

upload → (mapping, saved mappings) → dry run (finds row errors and likely duplicates of the ledger; the
ledger is not touched) → commit (all rows or none: one transaction through ``history_import``).
Permission ``intake.legacy_import`` (centre staff and administrators), in the import's area.
"""

from __future__ import annotations

import base64

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import audit
from anju.core.concurrency import lock_checked
from anju.core.errors import WorkflowError
from anju.core.permissions import require
from anju.intake import legacy_sheet
from anju.intake.duplicates import matter_text, similar_matters
from anju.intake.history_import import import_historical_matters
from anju.intake.models_legacy import LegacyImport, LegacyImportStatus, LegacyMapping

PERMISSION = "intake.legacy_import"
MAX_STORED_FINDINGS = 5_000  # errors and duplicate suspicions kept for the results table
STALE = gettext_lazy("该导入已被他人修改，请刷新后重试。")
AUDITED = ("file_name", "status", "row_count", "valid_count", "error_count", "matter_count")


def _content(legacy: LegacyImport) -> bytes:
    return base64.b64decode(legacy.content)


def sheet_of(legacy: LegacyImport) -> legacy_sheet.Sheet:
    return legacy_sheet.read_sheet(legacy.file_name, _content(legacy))


def upload_legacy_sheet(actor, *, file_name: str, content: bytes, area=None, now=None) -> LegacyImport:
    """Keep an uploaded sheet (encrypted) with the mapping guessed from its header; nothing is checked yet."""
    area = area or actor.area
    require(actor, PERMISSION, area)
    file_name = (file_name or "").strip()[-200:]
    try:
        sheet = legacy_sheet.read_sheet(file_name, content)
    except legacy_sheet.SheetError as error:
        raise ValidationError({"file": str(error)}) from None
    with transaction.atomic():
        legacy = LegacyImport.objects.create(
            area=area,
            file_name=file_name,
            file_kind=legacy_sheet.file_kind(file_name),
            content=base64.b64encode(content).decode("ascii"),
            headers=sheet.headers,
            mapping=legacy_sheet.guess_mapping(sheet.headers),
            row_count=len(sheet.rows),
            uploaded_by=actor,
            uploaded_at=now or timezone.now(),
        )
        audit.record(actor, "legacy_import.upload", legacy, after=audit.snapshot(legacy, AUDITED), area=area)
    return legacy


def _lock_open(actor, legacy: LegacyImport, version) -> None:
    require(actor, PERMISSION, legacy.area)
    lock_checked(legacy, version, message=STALE)
    if legacy.status == LegacyImportStatus.COMMITTED:
        raise WorkflowError(_("该台账已导入，不能再修改。"))


def _clear_findings(legacy: LegacyImport) -> None:
    legacy.status = LegacyImportStatus.UPLOADED
    legacy.errors, legacy.duplicates = [], []
    legacy.valid_count = legacy.error_count = 0
    legacy.checked_at = None


@transaction.atomic
def set_legacy_mapping(actor, legacy: LegacyImport, mapping: dict, *, version=None) -> LegacyImport:
    """Which column holds each field (a column index, or None for 不导入); the dry run must be run again."""
    _lock_open(actor, legacy, version)
    clean, errors = {}, {}
    used: dict[int, str] = {}
    for name, column in mapping.items():
        if name not in legacy_sheet.FIELDS or column in (None, ""):
            continue
        column = int(column)
        if not 0 <= column < len(legacy.headers):
            errors[name] = _("请选择表中的一列。")
        elif column in used:
            errors[name] = _("“%(col)s”已对应“%(other)s”，一列只能对应一项。") % {
                "col": legacy.headers[column],
                "other": legacy_sheet.FIELDS[used[column]][0],
            }
        else:
            clean[name], used[column] = column, name
    if errors:
        raise ValidationError(errors)
    before = {"mapping": legacy.mapping}
    legacy.mapping = clean
    _clear_findings(legacy)
    legacy.save()
    audit.record(
        actor, "legacy_import.mapping", legacy, before=before, after={"mapping": clean}, area=legacy.area
    )
    return legacy


@transaction.atomic
def save_legacy_mapping(actor, legacy: LegacyImport, *, name: str) -> LegacyMapping:
    """Save the import's mapping under a name (by header names), replacing one of the same name."""
    require(actor, PERMISSION, legacy.area)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写对应关系的名称。")})
    if len(name) > 100:
        raise ValidationError({"name": _("名称不能超过 100 字。")})
    columns = {field: legacy.headers[column] for field, column in legacy.mapping.items()}
    try:
        saved, _created = LegacyMapping.objects.update_or_create(
            area=legacy.area, name=name, defaults={"columns": columns, "created_by": actor}
        )
    except IntegrityError:  # two saves of one name at once
        raise ValidationError({"name": _("该名称刚被他人使用，请重试。")}) from None
    audit.record(
        actor,
        "legacy_import.mapping_saved",
        saved,
        after={"name": name, "columns": columns},
        area=legacy.area,
    )
    return saved


def apply_saved_mapping(actor, legacy: LegacyImport, saved: LegacyMapping, *, version=None) -> LegacyImport:
    require(actor, PERMISSION, saved.area)
    mapping = legacy_sheet.mapping_from_names(legacy.headers, saved.columns)
    return set_legacy_mapping(actor, legacy, mapping, version=version)


def _duplicates(actor, result: legacy_sheet.CheckResult) -> list[dict]:
    found, seen = [], {}
    for row in result.rows:
        matter = row.matter
        text = matter_text(matter.title, matter.description)
        same = (matter.title.strip(), matter.area.pk, matter.occurred_at.date())
        if same in seen:
            found.append(
                {
                    "line": row.line,
                    "title": matter.title,
                    "number": "",
                    "other_line": seen[same],
                    "score": 1.0,
                }
            )
        else:
            seen[same] = row.line
        for candidate in similar_matters(actor, text, limit=1):
            found.append(
                {
                    "line": row.line,
                    "title": matter.title,
                    "number": candidate.matter.number,
                    "other_line": None,
                    "score": candidate.score,
                }
            )
        if len(found) >= MAX_STORED_FINDINGS:
            break
    return found


@transaction.atomic
def dry_run(actor, legacy: LegacyImport, *, version=None, now=None) -> LegacyImport:
    """Check every row and look for likely duplicates in the ledger; the ledger is not changed. The findings
    are kept on the import for the results table."""
    _lock_open(actor, legacy, version)
    result = legacy_sheet.check_rows(actor, legacy.area, sheet_of(legacy), legacy.mapping, now=now)
    legacy.errors = [e.as_dict() for e in result.errors[:MAX_STORED_FINDINGS]]
    legacy.duplicates = _duplicates(actor, result)
    legacy.row_count = result.row_count
    legacy.error_count = len(result.error_lines)
    legacy.valid_count = len(result.rows)
    legacy.status = LegacyImportStatus.CHECKED
    legacy.checked_at = now or timezone.now()
    legacy.save()
    audit.record(
        actor, "legacy_import.check", legacy, after=audit.snapshot(legacy, AUDITED), area=legacy.area
    )
    return legacy


@transaction.atomic
def commit_import(actor, legacy: LegacyImport, *, version=None, now=None) -> LegacyImport:
    """Import every row as a historical matter, or none: the rows are checked again, and any error (or any
    refusal of ``history_import``) leaves the ledger as it was."""
    _lock_open(actor, legacy, version)
    if legacy.status != LegacyImportStatus.CHECKED:
        raise WorkflowError(_("请先试导入，核对结果后再正式导入。"))
    now = now or timezone.now()
    result = legacy_sheet.check_rows(actor, legacy.area, sheet_of(legacy), legacy.mapping, now=now)
    if result.errors:
        raise ValidationError(
            {
                "rows": _("有 %(n)s 行有误，全部改正后才能导入（本次未导入任何事项）。")
                % {"n": len(result.error_lines)}
            }
        )
    if not result.rows:
        raise ValidationError({"rows": _("表中没有可导入的数据行。")})
    matters = import_historical_matters(
        actor, [row.matter for row in result.rows], now=now, permission=PERMISSION
    )
    legacy.status = LegacyImportStatus.COMMITTED
    legacy.matter_count = len(matters)
    legacy.committed_by, legacy.committed_at = actor, now
    legacy.save()
    audit.record(
        actor, "legacy_import.commit", legacy, after=audit.snapshot(legacy, AUDITED), area=legacy.area
    )
    return legacy
