"""舆情应对: the response to an online item about an offline matter, step by step.

核实 (verify the claim) → 口径 (the approved wording) → 回应 (the response published, where and when) → 跟踪
(further posts and views, as counted by staff) → 结束 (a summary). Online items are what staff or citizens
report: a platform and the text of an address or a description, never crawled, and no account or person is
followed. Changed only by ``cases.actions.opinion``; scoped through its matter's area.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import User


class OpinionStage(models.TextChoices):
    VERIFY = "verify", _("核实")
    WORDING = "wording", _("口径")
    RESPOND = "respond", _("回应")
    TRACK = "track", _("跟踪")
    CLOSED = "closed", _("结束")


# The stages in their order: each step moves a response from one to the next.
STAGE_ORDER = [s.value for s in OpinionStage]


class ReportedBy(models.TextChoices):
    STAFF = "staff", _("工作人员发现")
    CITIZEN = "citizen", _("群众反映")
    DEPARTMENT = "department", _("部门通报")


class Verification(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不实")
    UNCLEAR = "unclear", _("暂无法核实")


class OpinionResponse(Versioned):
    """Internal, except the wording and the response text, which are written to be published."""

    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("所涉事项"),
        on_delete=models.PROTECT,
        related_name="opinion_responses",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("所属专案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_responses",
    )
    title = models.CharField(_("舆情摘要"), max_length=200)
    platform = models.CharField(_("发现平台"), max_length=100)
    source_text = models.TextField(_("来源说明"), blank=True)  # an address as text, or where it was seen
    reported_by = models.CharField(_("信息来源"), max_length=20, choices=ReportedBy.choices)
    seen_at = models.DateTimeField(_("发现时间"))
    stage = models.CharField(
        _("阶段"), max_length=10, choices=OpinionStage.choices, default=OpinionStage.VERIFY, db_index=True
    )
    # 核实
    verification = models.CharField(_("核实结论"), max_length=10, choices=Verification.choices, blank=True)
    verification_note = models.TextField(_("核实情况"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 口径: PUBLIC once approved (it is the text the response is built on)
    wording = models.TextField(_("回应口径"), blank=True)
    wording_drafted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    wording_approved_at = models.DateTimeField(_("口径审定时间"), null=True, blank=True)
    wording_approved_by = models.ForeignKey(
        User, verbose_name=_("口径审定人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 回应: PUBLIC (what was published)
    response_channel = models.CharField(_("发布渠道"), max_length=100, blank=True)
    response_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    response_text = models.TextField(_("发布内容"), blank=True)
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 结束
    summary = models.TextField(_("处置小结"), blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("舆情应对")
        verbose_name_plural = _("舆情应对")

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.stage == OpinionStage.CLOSED

    def stage_reached(self, stage: str) -> bool:
        return STAGE_ORDER.index(self.stage) >= STAGE_ORDER.index(stage)


class OpinionTracking(models.Model):
    """跟踪: one count of further posts and views on a day, as staff saw and entered them."""

    response = models.ForeignKey(OpinionResponse, on_delete=models.CASCADE, related_name="tracking")
    on_date = models.DateField(_("日期"))
    posts = models.PositiveIntegerField(_("相关帖文数"))
    views = models.PositiveIntegerField(_("浏览量"))
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "response__matter__area"
    scope_matter_field = "response__matter"

    class Meta:
        ordering = ["on_date", "pk"]
        verbose_name = _("舆情跟踪")
        verbose_name_plural = _("舆情跟踪")
