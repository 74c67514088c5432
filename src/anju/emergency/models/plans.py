"""Emergency plans (应急预案): a plan, its versions (修编), and per version its response levels and working
groups; the duty roster (值班) belongs to the plan, by position, with encrypted contact numbers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField, mask_phone
from anju.core.models import Area, Domain, EmergencyClass, Unit, User
from anju.emergency.models.common import ResponseLevel


class PlanType(models.TextChoices):
    OVERALL = "overall", _("总体应急预案")
    SPECIAL = "special", _("专项应急预案")
    DEPARTMENT = "department", _("部门应急预案")
    GRASSROOTS = "grassroots", _("基层单位应急预案")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审批")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已废止")


class Plan(Versioned):
    area = models.ForeignKey(Area, verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("预案名称"), max_length=200)
    plan_type = models.CharField(_("预案类型"), max_length=20, choices=PlanType.choices)
    # the classes and domains it covers: an empty list / no domain means all of them (a total plan)
    classes = models.JSONField(_("适用事件类别"), default=list, blank=True)
    domains = models.ManyToManyField(Domain, verbose_name=_("适用领域"), blank=True, related_name="+")
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("编制单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_years = models.PositiveSmallIntegerField(_("评估修订周期（年）"), default=3)
    published_on = models.DateField(_("现行版本发布日期"), null=True, blank=True)
    review_due = models.DateField(_("下次修订期限"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"
    # a county's plans in force are the plans its towns and villages work under (read, never edit):
    # ``core.scoping`` lists them below; drafts and withdrawn plans stay the county's own
    scope_shared_down = True
    scope_shared_down_condition = models.Q(versions__status=VersionStatus.PUBLISHED)

    class Meta:
        ordering = ["area__path", "plan_type", "title"]
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")

    def __str__(self) -> str:
        return self.title

    def class_labels(self) -> list[str]:
        return [str(EmergencyClass(c).label) for c in self.classes if c in EmergencyClass.values]

    @property
    def current(self):
        return self.versions.filter(status=VersionStatus.PUBLISHED).first()

    def is_review_overdue(self, today) -> bool:
        return self.review_due is not None and self.review_due < today


class PlanVersion(Versioned):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    summary = models.TextField(_("总则与适用范围"), blank=True)
    command = models.TextField(_("指挥机构"), blank=True, help_text=_("每行一个职位：职位｜由谁担任（职务）"))
    revision_note = models.TextField(_("修订说明"), blank=True)
    # the text of an existing plan imported from .docx (``plan_import``): headings kept as "#" lines; the
    # structured parts (levels, groups, command) are entered beside it
    body = models.TextField(_("预案原文"), blank=True)
    body_source = models.CharField(_("原文文件"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    scope_area_field = "plan__area"

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan.title} v{self.number}"

    def command_positions(self) -> list[tuple[str, str]]:
        """The command structure as (position, who holds it) pairs, one a line of ``command``."""
        out = []
        for line in self.command.splitlines():
            if line.strip():
                position, _sep, holder = line.replace("|", "｜").partition("｜")
                out.append((position.strip(), holder.strip()))
        return out


class PlanLevel(models.Model):
    """A response level of a plan version: when it is triggered and what is done."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("响应级别"), choices=ResponseLevel.choices)
    trigger = models.TextField(_("启动条件"))
    measures = models.TextField(_("响应措施"), blank=True)

    scope_area_field = "version__plan__area"

    class Meta:
        ordering = ["version", "level"]
        verbose_name = _("响应级别")
        verbose_name_plural = _("响应级别")
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="plan_level_unique_per_version")
        ]


class PlanGroup(models.Model):
    """A working group (工作组) of a plan version: its lead unit and the tasks it takes on activation."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("工作组"), max_length=50)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duties = models.TextField(_("职责"), blank=True)
    tasks = models.TextField(_("启动响应时的任务"), blank=True, help_text=_("每行一项"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    scope_area_field = "version__plan__area"

    class Meta:
        ordering = ["version", "sort_order", "pk"]
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")

    def task_lines(self) -> list[str]:
        return [t.strip() for t in self.tasks.splitlines() if t.strip()]


class DutyPost(models.Model):
    """A duty position (值班岗位) of a plan: a position, not a person file; its phone is encrypted."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duty_posts")
    position = models.CharField(_("值班岗位"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shift = models.CharField(_("班次"), max_length=50, blank=True)
    phone = EncryptedTextField(_("联系电话"), blank=True)

    personal_fields = ("phone",)
    scope_area_field = "plan__area"

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("值班岗位")
        verbose_name_plural = _("值班岗位")

    def __str__(self) -> str:
        return self.position

    @property
    def scope_area(self):
        return self.plan.area

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
