"""Early-warning signals: weekly counts of matters per (village, domain) watched by surveillance methods."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Area, Domain


class Method(models.TextChoices):
    FARRINGTON_FLEXIBLE = "farrington_flexible", _("改进 Farrington（Noufaily 2013）")
    FARRINGTON = "farrington", _("Farrington（1996）")
    EARS_C1 = "ears_c1", _("EARS C1")
    EARS_C2 = "ears_c2", _("EARS C2")
    EARS_C3 = "ears_c3", _("EARS C3")


class DomainDetection(Versioned):
    """The method of one domain and the R-named controls that differ from the method's defaults
    (``warning.detection.DEFAULTS``); domains without one use the default method. Changed only by
    ``actions.configure_domain``."""

    domain = models.OneToOneField(Domain, on_delete=models.CASCADE, related_name="detection")
    method = models.CharField(
        _("监测方法"), max_length=30, choices=Method.choices, default=Method.FARRINGTON_FLEXIBLE
    )
    controls = models.JSONField(_("参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("领域监测配置")

    def __str__(self) -> str:
        return f"{self.domain.name}：{self.get_method_display()}"


class SignalScan(models.Model):
    """One run of the weekly scan (by cron, the scheduler or a person)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_week = models.DateField(_("评估起始周"))
    last_week = models.DateField(_("评估截止周"))
    series_count = models.PositiveIntegerField(default=0)
    points_evaluated = models.PositiveIntegerField(default=0)
    alarm_count = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    # time spent inside the write transaction (the database's write lock on SQLite); the numbers come first
    write_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]


class Signal(models.Model):
    """The evaluation of one (area, domain) series in one ISO week."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="signals")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="signals")
    week = models.DateField(_("周（周一）"), db_index=True)
    method = models.CharField(max_length=30, choices=Method.choices)
    observed = models.PositiveIntegerField(_("本周件数"))
    expected = models.FloatField(_("预期"), null=True, blank=True)
    upperbound = models.FloatField(_("预警阈值"), null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    alarm = models.BooleanField(_("报警"), default=False, db_index=True)
    status = models.CharField(_("评估状态"), max_length=30, default="ok")
    scan = models.ForeignKey(
        SignalScan, on_delete=models.SET_NULL, null=True, blank=True, related_name="signals"
    )

    scope_area_field = "area"

    class Meta:
        ordering = ["-week", "area__path", "domain__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["area", "domain", "week"], name="signal_unique_series_week"),
        ]
        indexes = [models.Index(fields=["area", "domain", "week"])]

    @property
    def iso_label(self) -> str:
        year, week, _ = self.week.isocalendar()
        return f"{year}-W{week:02d}"


class AlertLevel(models.TextChoices):
    """Four-colour warning levels (local practice for social-stability warnings; see docs/domain notes)."""

    BLUE = "blue", _("四级（蓝色）")
    YELLOW = "yellow", _("三级（黄色）")
    ORANGE = "orange", _("二级（橙色）")
    RED = "red", _("一级（红色）")


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已发布")
    SUPERSEDED = "superseded", _("已更新")
    LIFTED = "lifted", _("已解除")


class MessageType(models.TextChoices):
    ALERT = "Alert", _("发布")
    UPDATE = "Update", _("更新")
    CANCEL = "Cancel", _("解除")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("立即")
    EXPECTED = "Expected", _("1 小时内")
    FUTURE = "Future", _("近期")
    PAST = "Past", _("已过去")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("已发生")
    LIKELY = "Likely", _("很可能（>50%）")
    POSSIBLE = "Possible", _("可能")
    UNLIKELY = "Unlikely", _("不太可能")


class Alert(Versioned):
    """A warning (预警). An update or a lift is a new message that refers to the one it changes."""

    identifier = models.CharField(_("标识"), max_length=64, unique=True, null=True, blank=True)
    msg_type = models.CharField(
        _("消息类型"), max_length=10, choices=MessageType.choices, default=MessageType.ALERT
    )
    references = models.ForeignKey(
        "self",
        verbose_name=_("所变更的预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.DRAFT, db_index=True
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("类别（风险领域）"), on_delete=models.PROTECT, related_name="alerts"
    )
    level = models.CharField(_("预警级别"), max_length=10, choices=AlertLevel.choices)
    headline = models.CharField(_("标题"), max_length=200)
    area = models.ForeignKey(
        Area, verbose_name=_("影响区域"), on_delete=models.PROTECT, related_name="alerts"
    )
    onset = models.DateTimeField(_("起始时间"))
    expires = models.DateTimeField(_("截止时间"), null=True, blank=True)
    expected = models.TextField(_("预计情况"))
    measures = models.TextField(_("应采取的措施"))
    urgency = models.CharField(_("紧迫性"), max_length=12, choices=Urgency.choices, default=Urgency.EXPECTED)
    certainty = models.CharField(
        _("确定性"), max_length=12, choices=Certainty.choices, default=Certainty.LIKELY
    )
    issuing_unit = models.ForeignKey(
        "core.Unit", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="issued_alerts"
    )
    issued_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)  # reason of an update or a lift
    signal = models.ForeignKey(
        Signal,
        verbose_name=_("来源信号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"
    # the recipient units see a warning sent to them, whatever its area (to acknowledge it); a draft is not sent
    scope_unit_field = "recipients__unit"
    scope_unit_condition = ~models.Q(status=AlertStatus.DRAFT)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("预警")

    def __str__(self) -> str:
        return self.headline

    @property
    def is_current(self) -> bool:
        return self.status == AlertStatus.ISSUED and self.msg_type != MessageType.CANCEL


class AlertRecipient(models.Model):
    """A unit that must acknowledge a warning."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="received_alerts")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_area_field = "alert__area"
    scope_unit_field = "unit"
    scope_unit_condition = ~models.Q(alert__status=AlertStatus.DRAFT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "unit"], name="alert_recipient_unique")]


from anju.warning.models_analysis import (  # noqa: E402,F401  (one models module for Django)
    AgendaItem,
    AgendaKind,
    AnalysisMeeting,
    DecisionKind,
    KeyDate,
    MeetingDecision,
    MeetingKind,
    MeetingStatus,
)
from anju.warning.models_forecast import ForecastRun, ForecastSeries  # noqa: E402,F401
from anju.warning.models_transmission import TransmissionFit  # noqa: E402,F401
