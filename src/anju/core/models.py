"""Core models: the area tree, risk domains, units, users, notifications and the append-only audit log."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anju.core.crypto import EncryptedTextField
from anju.core.roles import Role, role_has


class AreaLevel(models.IntegerChoices):
    COUNTY = 1, _("县")
    TOWN = 2, _("乡镇/街道")
    VILLAGE = 3, _("村/社区")
    GRID = 4, _("网格")


class AreaQuerySet(models.QuerySet):
    def subtree(self, area: Area) -> AreaQuerySet:
        return self.filter(path__startswith=area.path)


class Area(models.Model):
    """A node of the administrative tree. ``path`` is a materialised path of codes ("/code/code/…/"),
    so a subtree is one indexed prefix query."""

    code = models.CharField(
        _("区划代码"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\d{6,20}$", _("区划代码应为 6–20 位数字（默认 12 位统计用区划代码）"))],
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, db_index=True, editable=False)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    boundary = models.JSONField(_("边界 GeoJSON"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()
    scope_area_field = ""

    class Meta:
        ordering = ["path"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def ancestors(self) -> list[Area]:
        codes = [c for c in self.path.strip("/").split("/") if c]
        by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def full_name(self) -> str:
        return " / ".join(a.name for a in self.ancestors())

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)


class EmergencyClass(models.TextChoices):
    """The four classes of the Emergency Response Law (突发事件应对法)."""

    NATURAL = "natural", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    SOCIAL_SECURITY = "social_security", _("社会安全事件")


class Domain(models.Model):
    """A risk domain (风险领域) of the configurable, hierarchical taxonomy."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    # shown instead of ``name`` when the interface is in English; empty: the Chinese name is shown
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    emergency_class = models.CharField(_("突发事件类别"), max_length=20, choices=EmergencyClass.choices)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("风险领域")
        verbose_name_plural = _("风险领域")

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class UnitKind(models.TextChoices):
    CENTRE = "centre", _("综治中心")
    DEPARTMENT = "department", _("职能部门")
    VILLAGE_COMMITTEE = "village", _("村（居）委会")
    OTHER = "other", _("其他")


class Unit(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="units")
    # The risk domains a department serves (人社所 → 社会保障和民工欠薪): its officers see these matters
    # of their area too, masked (settings.ANJU_DEPARTMENT_VISIBILITY), but act only on their unit's own.
    domains = models.ManyToManyField(Domain, verbose_name=_("职责领域"), blank=True, related_name="units")

    scope_area_field = "area"

    class Meta:
        ordering = ["area__path", "kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="unit_unique_name_per_area")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, default=Role.GRID_WORKER)
    area = models.ForeignKey(
        Area,
        verbose_name=_("管辖范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号码"), blank=True)  # personal data: encrypted at rest
    is_demo = models.BooleanField(_("演示数据"), default=False)
    # An initial or reset password is one-time: the user must choose their own before anything else.
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    # An administrator may require the second factor of one account whatever its role
    # (ANJU_2FA_REQUIRED_ROLES requires it of whole roles).
    two_factor_required = models.BooleanField(_("须启用双因素认证"), default=False)
    # Moved on by "log out everywhere": part of the session hash, so every existing session ends.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()
    scope_area_field = "area"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret=None):
        """Django checks this hash on every request; the epoch in it lets one action end every session."""
        from django.utils.crypto import salted_hmac

        key_salt = "anju.core.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def can(self, permission: str) -> bool:
        return self.is_active and role_has(self.role, permission)

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(_("您的角色无权执行此操作。"))


class ApiScope(models.TextChoices):
    """What a token may do: read (GET only, and the warning feeds), or also act (every write the role may)."""

    READ = "read", _("只读")
    ACTIONS = "actions", _("读写（可执行操作）")


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only a hash is stored; the token is shown once.

    It stops working at ``expires_at`` (401) and, with the read scope, on every write (403)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, default="api")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    scope = models.CharField(_("权限范围"), max_length=10, choices=ApiScope.choices, default=ApiScope.READ)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(null=True, blank=True)

    scope_area_field = "user__area"  # administrators see the tokens of the users in their area

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"anju_{self.prefix}… ({self.name})"

    @property
    def can_act(self) -> bool:
        return self.scope == ApiScope.ACTIONS

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str, *, scope: str, expires_at) -> tuple[ApiToken, str]:
        token = "anju_" + secrets.token_urlsafe(32)
        api_token = cls.objects.create(
            user=user,
            name=name,
            digest=cls.hash(token),
            prefix=token[5:13],
            scope=scope,
            expires_at=expires_at,
        )
        return api_token, token


class Notification(models.Model):
    """An in-app notice for one person (the notification centre). Any app sends it through
    ``anju.core.notifications.notify``; ``kind`` says which app and what about, ``key`` makes it idempotent."""

    user = models.ForeignKey(
        User,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("类别"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["user", "read_at"], name="core_notice_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="core_notice_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AuditEvent(models.Model):
    """Append-only record of every state change: who, when, what, before → after.

    Tamper-evident: ``seq`` numbers the events without gaps and ``hash`` is SHA-256 over the event's content
    and ``prev_hash``, the hash of event ``seq - 1`` (see ``audit_chain``). The three are empty (NULL) from the
    insert until the event is linked, right after its transaction commits (``audit_chain.link_pending``).
    Database triggers refuse UPDATE and DELETE, except that one linking (see ``audit_guard``);
    ``anju audit verify`` finds the first broken or missing link.
    """

    # NULL until linked; unique among the linked (NULLs never collide).
    seq = models.PositiveBigIntegerField(_("序号"), unique=True, null=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, editable=False)
    hash = models.CharField(max_length=64, null=True, editable=False)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象"), max_length=40)
    object_repr = models.CharField(_("对象名称"), max_length=200, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_area_field = "area"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


from anju.core.models_channels import WebhookChannel  # noqa: E402,F401
from anju.core.models_delivery import (  # noqa: E402,F401  (one models module for Django)
    Delivery,
    DeliveryStatus,
    NotificationPreference,
)
from anju.core.models_jobs import Job, JobKind, JobStatus  # noqa: E402,F401
from anju.core.models_schedule import ScheduledRun, ScheduledRunStatus  # noqa: E402,F401
