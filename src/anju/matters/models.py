"""The matters ledger (矛盾纠纷/风险隐患台账): matters, parties, timeline, mediation, follow-up, supervision."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField, mask_id_number, mask_name, mask_phone
from anju.core.models import Area, Domain, Unit
from anju.matters import audience
from anju.matters.risk import LEVEL_CHOICES, LEVEL_RANK
from anju.matters.workflow import DEADLINE_STATUSES, OPEN_STATUSES, Status


def level_rank_of(inherent_level: str, residual_level: str) -> int:
    """The order of the level a matter shows (its residual level once assessed after measures, else its
    inherent one): ``risk.LEVEL_RANK``, 0 when ungraded. Migration 0016 writes the same as SQL."""
    return LEVEL_RANK.get(residual_level or inherent_level or "", 0)


class MatterKind(models.TextChoices):
    DISPUTE = "dispute", _("矛盾纠纷")
    HAZARD = "hazard", _("风险隐患")
    INCIDENT = "incident", _("突发事件")
    DEMAND = "demand", _("群众诉求")


class MatterQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: dt.date | None = None):
        today = today or timezone.localdate()
        return self.filter(status__in=DEADLINE_STATUSES, deadline__lt=today)


class Matter(Versioned, models.Model):
    number = models.CharField(_("编号"), max_length=30, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20, choices=MatterKind.choices)
    domain = models.ForeignKey(
        Domain, verbose_name=_("风险领域"), on_delete=models.PROTECT, related_name="matters"
    )
    area = models.ForeignKey(Area, verbose_name=_("发生地"), on_delete=models.PROTECT, related_name="matters")
    # The area whose centre handles it now: the place itself, or an ancestor after escalation (上报).
    handling_area = models.ForeignKey(
        Area, verbose_name=_("当前办理层级"), on_delete=models.PROTECT, related_name="handled_matters"
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("情况描述"))  # personal data masked: core.crypto.protect_text
    description_original = EncryptedTextField(_("情况描述（原文）"), blank=True, editable=False)
    people_involved = models.PositiveIntegerField(_("涉及人数"), default=0)
    amount_involved = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )

    likelihood = models.PositiveSmallIntegerField(_("可能性"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("后果"), null=True, blank=True)
    inherent_level = models.CharField(
        _("固有风险等级"), max_length=10, choices=LEVEL_CHOICES, blank=True, db_index=True
    )
    residual_likelihood = models.PositiveSmallIntegerField(_("措施后可能性"), null=True, blank=True)
    residual_consequence = models.PositiveSmallIntegerField(_("措施后后果"), null=True, blank=True)
    residual_level = models.CharField(_("剩余风险等级"), max_length=10, choices=LEVEL_CHOICES, blank=True)
    # The order of the level the matter shows now (0 ungraded, 1 低 … 4 最高), stored so the ledger's
    # 风险等级 sort walks an index: kept by save() (``level_rank_of``); bulk paths call ``sync_level_rank``.
    level_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    matrix_version = models.CharField(_("矩阵版本"), max_length=50, blank=True)
    grey_rhino = models.BooleanField(_("灰犀牛"), default=False)
    black_swan_suggested = models.BooleanField(_("疑似黑天鹅"), default=False)
    black_swan_confirmed = models.BooleanField(_("黑天鹅（已确认）"), null=True, blank=True)
    # 缓释方案: how a grey-rhino risk is being reduced (internal); required before a grey rhino is assigned.
    mitigation_plan = models.TextField(_("缓释方案"), blank=True)

    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matters",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_matters",
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    # 协办: the units helping the responsible unit, each with its own task (models_coordination)
    co_units = models.ManyToManyField(
        Unit,
        verbose_name=_("协办单位"),
        through="matters.CoHandlingTask",
        blank=True,
        related_name="co_handled_matters",
    )
    # 包案领导: a leader whose area contains the matter's; required by the level rules (matters.level_rules).
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包案领导"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_matters",
    )
    # Internal: why the matter is handled below the level its risk level asks for (not escalated).
    handling_exemption = models.TextField(_("不上报理由"), blank=True)

    occurred_at = models.DateTimeField(_("发生/受理时间"), default=timezone.now, db_index=True)
    registered_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("化解时间"), null=True, blank=True)
    outcome = models.TextField(_("化解结果"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=20, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_matters",
    )
    # Internal: the latest reject / return / escalate reason (a reject reason also reaches the citizen).
    closing_reason = models.TextField(_("原因"), blank=True)
    # PUBLIC: written for the citizen (resolve's 对外公开说明, the 不予受理原因).
    public_note = models.TextField(_("对外公开说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)

    objects = MatterQuerySet.as_manager()
    scope_area_field = "area"
    # free-text fields stored masked, with the encrypted original beside them (revealed like party fields)
    personal_text_fields = {"description": "description_original"}
    scope_matter_field = ""  # department officers see part of their area: core.scoping

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        indexes = [
            # the monthly report: matters resolved in a month, and the 灰犀牛 by registration
            models.Index(fields=["resolved_at"], name="matter_resolved_at"),
            models.Index(fields=["registered_at"], condition=Q(grey_rhino=True), name="matter_grey_rhino"),
            models.Index(fields=["area", "domain", "occurred_at"]),
            models.Index(fields=["status", "deadline"]),
            # the duplicate index reads the matters changed since its last look on every intake
            models.Index(fields=["updated_at"], name="matter_updated_at"),
            # the monthly report's per-unit and per-leader lists probe (unit, area) within the report's areas
            models.Index(fields=["responsible_unit", "area"], name="matter_unit_area"),
            models.Index(fields=["lead_leader", "area"], name="matter_leader_area"),
            # the ledger's 风险等级 sort (seek.SORT_KEYS "-level", and "level" walking it backwards);
            # built CONCURRENTLY on PostgreSQL by migration 0017
            models.Index(fields=["level_rank", "registered_at", "id"], name="matter_level_rank"),
            # the overview's overdue list: running matters in deadline order, not every past deadline
            models.Index(
                fields=["deadline"],
                condition=Q(status__in=sorted(DEADLINE_STATUSES)),
                name="matter_running_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=9),
                name="matter_likelihood_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def sync_level_rank(self) -> None:
        """Set ``level_rank`` from the levels; for paths that write rows without ``save()`` (bulk_create)."""
        self.level_rank = level_rank_of(self.inherent_level, self.residual_level)

    def save(self, *args, **kwargs):
        self.sync_level_rank()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"inherent_level", "residual_level"} & set(update_fields):
            kwargs["update_fields"] = [*update_fields, "level_rank"]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.deadline and self.status in DEADLINE_STATUSES and self.deadline < timezone.localdate()
        )

    @property
    def level_for_display(self) -> str:
        return self.residual_level or self.inherent_level


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人/反映人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")


class MatterParty(models.Model):
    """A party the matter must serve. Personal data is encrypted at rest and masked by default."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=20, choices=PartyRole.choices, default=PartyRole.APPLICANT)
    name = EncryptedTextField(_("姓名/名称"), blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)
    id_number = EncryptedTextField(_("身份证号"), blank=True)
    is_organisation = models.BooleanField(_("单位/组织"), default=False)

    personal_fields = ("name", "phone", "id_number")
    # revealed only for a purpose (调解联系, 回访 …), by the matter's handlers too: care.actions.reveal
    reveal_needs_purpose = True
    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.masked_name}"

    @property
    def scope_area(self):
        return self.matter.area

    @property
    def masked_name(self) -> str:
        return self.name if self.is_organisation else mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class MatterEvent(models.Model):
    """The matter's timeline (an event log per matter); written only by ``matters.actions``."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)  # internal: the staff timeline only (personal data masked at input)
    note_original = EncryptedTextField(blank=True, editable=False)  # the note before masking (core.crypto)
    # Shown on the citizen's status page, as the neutral line of ``audience.PUBLIC_LINES`` for its kind;
    # set by ``audience.is_public`` when the event is written, never by hand.
    public = models.BooleanField(default=False)
    # PUBLIC: text a user wrote for the citizen in a field labelled 对外公开 (resolve, reject, public note).
    public_text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"
    personal_text_fields = {"note": "note_original"}

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # the monthly report: a month's escalations, and whether a matter was ever escalated
            models.Index(
                fields=["at", "matter"], condition=Q(kind="escalated"), name="matterevent_escalated_at"
            ),
            models.Index(fields=["matter"], condition=Q(kind="escalated"), name="matterevent_escalated"),
        ]

    @property
    def scope_area(self):
        return self.matter.area

    @property
    def public_line(self) -> str:
        """The neutral line the citizen reads for this event ("" when the event is staff-only)."""
        return audience.public_line(self.kind, self.public_text) if self.public else ""


class MediationResult(models.TextChoices):
    AGREED = "agreed", _("调解成功")
    PARTIAL = "partial", _("部分达成")
    FAILED = "failed", _("调解不成")
    CONTINUING = "continuing", _("继续调解")


class MediationSession(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="mediation_sessions")
    held_on = models.DateField(_("调解日期"))
    mediators = models.CharField(_("调解员"), max_length=200)
    parties_present = models.CharField(_("到场当事人"), max_length=300, blank=True)
    summary = models.TextField(_("调解经过"))  # personal data masked: core.crypto.protect_text
    summary_original = EncryptedTextField(_("调解经过（原文）"), blank=True, editable=False)
    result = models.CharField(_("调解结果"), max_length=20, choices=MediationResult.choices)
    agreement_text = models.TextField(_("协议内容"), blank=True)  # masked like the summary
    agreement_text_original = EncryptedTextField(_("协议内容（原文）"), blank=True, editable=False)
    agreement_file = models.FileField(_("协议文件"), upload_to="agreements/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"
    personal_text_fields = {"summary": "summary_original", "agreement_text": "agreement_text_original"}

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("调解记录")

    @property
    def scope_area(self):
        return self.matter.area


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系")


class FollowUpVisit(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    method = models.CharField(_("回访方式"), max_length=20, default="电话")
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices)
    note = models.TextField(_("回访情况"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["visited_on", "id"]
        verbose_name = _("回访记录")
        # the monthly report counts a month's 回访
        indexes = [models.Index(fields=["visited_on"], name="followupvisit_visited_on")]


class SupervisionNote(models.Model):
    """督办: a supervising note on an overdue or high-level matter, optionally with a new deadline."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="supervision_notes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("督办意见"))
    new_deadline = models.DateField(_("新期限"), null=True, blank=True)
    # Written by ``anju deadline-tick`` (matters.actions.levels): once per matter and deadline.
    automatic = models.BooleanField(_("自动督办"), default=False)
    for_deadline = models.DateField(null=True, blank=True)
    # Unanswered for the rule's days: reported to the next level's leaders (once per note).
    escalated_at = models.DateTimeField(_("报上级领导时间"), null=True, blank=True)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("督办记录")


class Grading(models.Model):
    """定级记录: one (re-)grading of a matter's inherent risk, with the grading it replaced and why."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="gradings")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    likelihood = models.PositiveSmallIntegerField(_("可能性"))
    consequence = models.PositiveSmallIntegerField(_("后果"))
    level = models.CharField(_("风险等级"), max_length=10, choices=LEVEL_CHOICES)
    matrix_version = models.CharField(_("矩阵版本"), max_length=50)
    # The grading this one replaced (blank when the matter had none)
    previous_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_level = models.CharField(max_length=10, choices=LEVEL_CHOICES, blank=True)
    previous_matrix_version = models.CharField(max_length=50, blank=True)
    reason = models.TextField(_("调整原因"))  # internal

    scope_area_field = "matter__area"
    scope_matter_field = "matter"

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("定级记录")
        verbose_name_plural = _("定级记录")


class RootCauseTask(Versioned, models.Model):
    """根因分析: the follow-up work a confirmed 黑天鹅 matter gets, owned by a unit, with a deadline."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="root_cause_tasks")
    unit = models.ForeignKey(Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("完成期限"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("根因分析结论"), blank=True)  # internal
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_area_field = "matter__area"

    class Meta:
        ordering = ["completed_at", "deadline", "id"]
        verbose_name = _("根因分析任务")
        verbose_name_plural = _("根因分析任务")

    def __str__(self) -> str:
        return f"{self.matter.number} {self.unit.name}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.is_done and self.deadline < (today or timezone.localdate())


from anju.matters.models_coordination import (  # noqa: E402, F401  (this app's models, in a module of their own)
    AccountabilityRecord,
    CoHandlingTask,
    CoordinationRequest,
)

# The level rules and the progress reports they make due live in their own module.
from anju.matters.models_levels import LevelRule, LevelRuleSet, ProgressReport  # noqa: E402, F401
from anju.matters.models_links import LinkKind, MatterLink  # noqa: E402, F401

# Uploaded versions of the risk matrix.
from anju.matters.models_matrix import RiskMatrixVersion  # noqa: E402, F401
