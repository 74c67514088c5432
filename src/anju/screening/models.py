"""排查 (screening rounds): cadences per area level, rounds, returns with one line per domain.

A round is opened for a county and an area level; at opening, one ``Return`` row is created for every area
of that level that must file (pending until filed). So completeness is a count over returns, and every
return is scoped by its area like any other record: a village cadre sees exactly their own obligations.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, AreaLevel, Domain, Unit
from anju.screening import periods


class PeriodKind(models.TextChoices):
    SEMI_MONTHLY = periods.SEMI_MONTHLY, _("每半月")
    MONTHLY = periods.MONTHLY, _("每月")
    QUARTERLY = periods.QUARTERLY, _("每季度")


FILING_LEVELS = [
    (AreaLevel.COUNTY.value, AreaLevel.COUNTY.label),
    (AreaLevel.TOWN.value, AreaLevel.TOWN.label),
    (AreaLevel.VILLAGE.value, AreaLevel.VILLAGE.label),
]


class Cadence(models.Model):
    """How often the areas of one level in one county screen, and how long after the period they report."""

    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("填报层级"), choices=FILING_LEVELS)
    period_kind = models.CharField(_("排查周期"), max_length=20, choices=PeriodKind.choices)
    due_offset_days = models.PositiveSmallIntegerField(
        _("报送期限（期末后天数）"),
        default=3,
        help_text=_("本期结束后多少天内报送，逾期仍可补报但标记为逾期。"),
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("自动结束（期限后天数）"),
        null=True,
        blank=True,
        default=30,
        help_text=_("报送期限过后多少天自动结束本轮；留空则由综治中心手动结束。"),
    )
    # 镇直单位: the department units (UnitKind.DEPARTMENT) placed at the areas of this level file a return of
    # their own in its rounds, next to the areas' returns (a town round: each town and its departments).
    departments_file = models.BooleanField(
        _("职能部门逐单位填报"),
        default=False,
        help_text=_("本层级的职能部门（如镇直单位）在本周期的每轮排查中各自报送本单位的排查报表。"),
    )
    active = models.BooleanField(_("启用"), default=True)

    scope_area_field = "county"

    class Meta:
        ordering = ["county__path", "-level"]
        verbose_name = _("排查周期")
        verbose_name_plural = _("排查周期")
        constraints = [
            models.UniqueConstraint(fields=["county", "level"], name="cadence_one_per_county_level")
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.get_level_display()} {self.get_period_kind_display()}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Round(models.Model):
    """One screening round (一轮排查): a period of a cadence, with its due date."""

    cadence = models.ForeignKey(
        Cadence, verbose_name=_("排查周期"), on_delete=models.PROTECT, related_name="rounds"
    )
    county = models.ForeignKey(Area, verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("填报层级"), choices=FILING_LEVELS)
    period_kind = models.CharField(_("排查周期"), max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    due_date = models.DateField(_("报送期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(_("开启时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    scope_area_field = "county"

    class Meta:
        ordering = ["-period_start", "-level", "-id"]
        verbose_name = _("排查轮次")
        verbose_name_plural = _("排查轮次")
        constraints = [
            models.UniqueConstraint(fields=["cadence", "period_start"], name="round_one_per_cadence_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="round_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.get_level_display()}）"

    @property
    def label(self) -> str:
        return gettext("%(period)s排查") % {
            "period": periods.period_label(self.period_kind, self.period_start)
        }

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Return(Versioned):
    """One area's return (排查报表) for one round, or one department unit's (``department``, placed at the
    area): pending (``filed_at`` empty) until filed; correctable while the round is open."""

    round = models.ForeignKey(
        Round, verbose_name=_("排查轮次"), on_delete=models.PROTECT, related_name="returns"
    )
    area = models.ForeignKey(Area, verbose_name=_("填报区域"), on_delete=models.PROTECT, related_name="+")
    # the department unit whose own return this is (镇直单位); empty for an area's return
    department = models.ForeignKey(
        Unit, verbose_name=_("职能部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("填报单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("填报时间"), null=True, blank=True, db_index=True)
    late = models.BooleanField(_("逾期报送"), default=False)
    zero_report = models.BooleanField(_("零报告"), default=False)
    matters_found = models.PositiveIntegerField(_("发现事项数"), default=0)
    note = models.TextField(_("说明"), blank=True)
    # Why the return says 无 where the ledger holds matters of that domain registered in the period: the
    # filer's explanation, and those matters (the cross-check of ``actions.ledger_conflicts``).
    explanation = models.TextField(_("与台账不一致的说明"), blank=True)
    unlisted_matters = models.ManyToManyField(
        "matters.Matter", verbose_name=_("台账已登记但未列入的事项"), blank=True, related_name="+"
    )

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "department__name"]
        verbose_name = _("排查报表")
        verbose_name_plural = _("排查报表")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "area"],
                condition=Q(department__isnull=True),
                name="return_one_per_round_area",
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=Q(department__isnull=False),
                name="return_one_per_round_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filer_name} · {self.round}"

    @property
    def filer_name(self) -> str:
        """Who owes the return: the department unit, else the area."""
        return self.department.name if self.department_id else self.area.name

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None

    def state(self, today=None) -> str:
        """filed / late (filed after the due date) / overdue (not filed, past due) / pending."""
        if self.filed_at is not None:
            return "late" if self.late else "filed"
        today = today or timezone.localdate()
        return "overdue" if today > self.round.due_date else "pending"


class ReturnLine(models.Model):
    """One domain of a filed return: nothing found (无), or the matters registered from it."""

    ret = models.ForeignKey(
        Return, verbose_name=_("排查报表"), on_delete=models.CASCADE, related_name="lines"
    )
    domain = models.ForeignKey(Domain, verbose_name=_("风险领域"), on_delete=models.PROTECT, related_name="+")
    nothing_found = models.BooleanField(_("无"), default=False)
    matters_count = models.PositiveIntegerField(_("发现事项数"), default=0)
    matters = models.ManyToManyField(
        "matters.Matter", verbose_name=_("登记的事项"), blank=True, related_name="+"
    )

    class Meta:
        ordering = ["domain__sort_order", "domain__code"]
        verbose_name = _("排查报表明细")
        verbose_name_plural = _("排查报表明细")
        constraints = [models.UniqueConstraint(fields=["ret", "domain"], name="return_line_one_per_domain")]

    def __str__(self) -> str:
        return f"{self.ret} · {self.domain.name}"


class ReturnCorrection(models.Model):
    """One correction of a filed return (while its round is open): who, when, why, and what changed."""

    ret = models.ForeignKey(
        Return, verbose_name=_("排查报表"), on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now)
    reason = models.TextField(_("更正原因"))
    # [{"domain": name, "before": text, "after": text}, …] plus note/explanation changes, in words
    changes = models.JSONField(_("更正内容"), default=list)

    scope_area_field = "ret__area"

    class Meta:
        ordering = ["-corrected_at", "-id"]
        verbose_name = _("排查报表更正")
        verbose_name_plural = _("排查报表更正")

    def __str__(self) -> str:
        return f"{self.ret} · {self.corrected_at:%Y-%m-%d %H:%M}"
