"""Consultation records (充分听取意见): public notice, questionnaires, forums/visits/hearings, experts, and
the handling of every opinion received."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SCOPE = "assessment__item__area"


class PublicNotice(models.Model):
    """公示: the draft decision published for comment between two dates (both days counted)."""

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(_("公示方式/地点"), max_length=200)
    start_on = models.DateField(_("公示开始日期"))
    end_on = models.DateField(_("公示结束日期"))
    content = models.TextField(_("公示内容摘要"), blank=True)
    opinions_received = models.PositiveIntegerField(_("收到意见数"), default=0)

    scope_area_field = SCOPE

    class Meta:
        ordering = ["start_on", "id"]
        verbose_name = _("公示")

    @property
    def days(self) -> int:
        return (self.end_on - self.start_on).days + 1


class Survey(models.Model):
    """问卷调查: counts of support / neutral / opposed per stakeholder group."""

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("问卷名称"), max_length=200)
    conducted_from = models.DateField(_("调查开始日期"))
    conducted_to = models.DateField(_("调查结束日期"))
    method = models.CharField(_("调查方式"), max_length=100, blank=True)

    scope_area_field = SCOPE

    class Meta:
        ordering = ["conducted_from", "id"]
        verbose_name = _("问卷调查")

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups.all())


class SurveyGroup(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="groups")
    group = models.CharField(_("利益相关群体"), max_length=100)
    support = models.PositiveIntegerField(_("支持"), default=0)
    neutral = models.PositiveIntegerField(_("中立"), default=0)
    opposed = models.PositiveIntegerField(_("反对"), default=0)

    scope_area_field = "survey__" + SCOPE

    class Meta:
        ordering = ["id"]
        verbose_name = _("问卷群体结果")

    @property
    def total(self) -> int:
        return self.support + self.neutral + self.opposed

    @property
    def opposed_share(self) -> float:
        return self.opposed / self.total if self.total else 0.0


class MeetingKind(models.TextChoices):
    FORUM = "forum", _("座谈会")
    VISIT = "visit", _("走访")
    HEARING = "hearing", _("听证会")


class Meeting(models.Model):
    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("形式"), max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点/对象"), max_length=200)
    attendance = models.PositiveIntegerField(_("参加人数"))
    participants = models.CharField(_("参加人员构成"), max_length=300, blank=True)
    summary = models.TextField(_("主要意见摘要"))

    scope_area_field = SCOPE

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("座谈/走访/听证")


class ExpertOpinion(models.Model):
    """专家论证: an expert's risk score for the plan with its measures (0–100, higher = riskier)."""

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="experts")
    expert = models.CharField(_("专家"), max_length=100)
    field = models.CharField(_("专业领域/职称"), max_length=100, blank=True)
    score = models.PositiveSmallIntegerField(
        _("风险评分（0–100）"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=2, default=1)
    opinion = models.TextField(_("论证意见"))
    given_on = models.DateField(_("日期"))

    scope_area_field = SCOPE

    class Meta:
        ordering = ["given_on", "id"]
        verbose_name = _("专家意见")


class Handling(models.TextChoices):
    PENDING = "", _("待处理")
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("不予采纳")


class Opinion(models.Model):
    """One opinion received, whatever its channel, and how it was handled (with reason)."""

    assessment = models.ForeignKey("assessment.Assessment", on_delete=models.CASCADE, related_name="opinions")
    source = models.CharField(_("意见来源"), max_length=100)
    content = models.TextField(_("意见内容"))
    handling = models.CharField(_("处理情况"), max_length=20, choices=Handling.choices, blank=True)
    reason = models.TextField(_("处理理由"), blank=True)

    scope_area_field = SCOPE

    class Meta:
        ordering = ["id"]
        verbose_name = _("意见及处理")
