"""An assessment of one item. A decided assessment is locked; later changes are a new revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.models import Unit


class Stage(models.TextChoices):
    PLAN = "plan", _("评估方案")
    CONSULTATION = "consultation", _("征求意见")
    ANALYSIS = "analysis", _("分析论证")
    LEVELLED = "levelled", _("确定等级")
    REPORTED = "reported", _("形成报告")
    DECIDED = "decided", _("集体决策")


STAGE_ORDER = [s.value for s in Stage]


class AssessmentMethod(models.TextChoices):
    """How an assessment consults and weighs (评估方法); ``Assessment.methods`` lists the values chosen."""

    NOTICE = "notice", _("公示")
    SURVEY = "survey", _("问卷调查")
    VISIT = "visit", _("实地走访")
    FORUM = "forum", _("座谈会")
    HEARING = "hearing", _("听证会")
    EXPERT = "expert", _("专家论证")


class Dimension(models.TextChoices):
    LEGALITY = "legality", _("合法性")
    RATIONALITY = "rationality", _("合理性")
    FEASIBILITY = "feasibility", _("可行性")
    CONTROLLABILITY = "controllability", _("可控性")
    SAFETY = "safety", _("安全性")  # optional fifth dimension, switched on in the verdict rule file


class VerdictLevel(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


VERDICT_RANK = {"low": 1, "medium": 2, "high": 3}


class Assessment(Versioned):
    item = models.ForeignKey(
        "assessment.AssessmentItem", on_delete=models.PROTECT, related_name="assessments"
    )
    revision = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_revision"
    )
    revision_reason = models.TextField(_("修订原因"), blank=True)
    stage = models.CharField(
        _("当前环节"), max_length=20, choices=Stage.choices, default=Stage.PLAN, db_index=True
    )
    locked = models.BooleanField(_("已锁定"), default=False)

    # plan (评估方案)
    body_unit = models.ForeignKey(
        Unit, verbose_name=_("评估主体"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.TextField(_("评估小组"), blank=True)
    methods = models.JSONField(_("评估方法"), default=list, blank=True)
    schedule_start = models.DateField(_("计划开始日期"), null=True, blank=True)
    schedule_end = models.DateField(_("计划完成日期"), null=True, blank=True)
    consult_whom = models.TextField(_("征求意见对象"), blank=True)
    decision_body = models.CharField(_("决策机关"), max_length=200, blank=True)

    # analysis (分析论证): one text per dimension, key = Dimension value
    analysis = models.JSONField(_("分析论证"), default=dict, blank=True)

    # verdict (确定等级)
    rule_version = models.CharField(_("判定规则版本"), max_length=60, blank=True)
    computed_initial_level = models.CharField(
        _("初始等级（计算）"), max_length=10, choices=VerdictLevel.choices, blank=True
    )
    computed_final_level = models.CharField(
        _("措施后等级（计算）"), max_length=10, choices=VerdictLevel.choices, blank=True
    )
    verdict_reasons = models.JSONField(_("判定依据"), default=dict, blank=True)
    final_level = models.CharField(
        _("措施后风险等级"), max_length=10, choices=VerdictLevel.choices, blank=True
    )
    override_justification = models.TextField(_("调整等级的理由"), blank=True)
    recommendation = models.CharField(_("对应建议"), max_length=200, blank=True)
    levelled_at = models.DateTimeField(null=True, blank=True)

    # report (评估报告)
    emergency_plan = models.TextField(_("应急处置预案"), blank=True)
    conclusion = models.TextField(_("评估结论"), blank=True)
    report_number = models.CharField(_("报告编号"), max_length=40, blank=True)
    report_issued_on = models.DateField(_("报告日期"), null=True, blank=True)
    report_docx = models.FileField(_("报告（Word）"), upload_to="assessment/reports/%Y/", blank=True)
    report_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_generated_at = models.DateTimeField(null=True, blank=True)
    report_pdf = models.FileField(_("报告（PDF）"), upload_to="assessment/reports/%Y/", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "item__area"

    class Meta:
        ordering = ["item", "-revision"]
        verbose_name = _("稳评")
        verbose_name_plural = _("稳评")
        constraints = [
            models.UniqueConstraint(fields=["item", "revision"], name="assessment_unique_revision")
        ]

    def __str__(self) -> str:
        return f"{self.item.title}（第 {self.revision} 版）"

    @property
    def area(self):
        return self.item.area

    @property
    def initial_level(self) -> str:
        return self.computed_initial_level

    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)

    def reached(self, stage: str) -> bool:
        return self.stage_index() >= STAGE_ORDER.index(stage)

    @property
    def passed_review(self):
        """The review that cleared the current report for the decision, if any."""
        if not self.report_generated_at:
            return None
        return self.reviews.filter(conclusion="pass", recorded_at__gte=self.report_generated_at).last()

    @property
    def verdict_reason_lines(self) -> list[str]:
        """The judgement lines in the reader's language."""
        from anju.assessment.verdict import reasons_for_reader

        return reasons_for_reader(self.verdict_reasons)

    @property
    def recommendation_for_reader(self) -> str:
        from anju.assessment.verdict import recommendation_for_reader

        return recommendation_for_reader(self)

    @property
    def is_overridden(self) -> bool:
        return bool(self.final_level and self.final_level != self.computed_final_level)
