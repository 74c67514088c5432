"""Referrals (转介): a directory of service units, and a matter party referred to one of them with consent.

A referral is the matter's (its area's handlers see it) and is addressed to the receiving unit when the
service unit is linked to a ``core.Unit`` (its members see it and answer). Every text here is internal:
nothing of a referral is shown to the citizen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.concurrency import Versioned
from anju.core.crypto import EncryptedTextField, mask_phone
from anju.core.models import Area, Unit


class ServiceKind(models.TextChoices):
    COUNSELLING = "counselling", _("社会心理服务")
    LEGAL_AID = "legal_aid", _("法律援助")
    ASSISTANCE = "assistance", _("社会救助/帮扶")
    EMPLOYMENT = "employment", _("就业服务")
    MEDICAL = "medical", _("医疗")


class ServiceUnit(Versioned):
    """A service that takes referrals, for the area it serves and everything below it."""

    name = models.CharField(_("服务机构名称"), max_length=100)
    kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+")
    # Linked: the unit's members see the referrals sent to it and answer them in anju. Unlinked: the sender
    # records the answer the service gave by phone or letter.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("对应单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_units",
        help_text=_("选择后，该单位人员可在系统中接收和答复转介。"),
    )
    contact_position = models.CharField(
        _("联系岗位"), max_length=100, help_text=_("按岗位填写，例如“心理咨询室值班社工”，不填个人姓名。")
    )
    contact_phone = models.CharField(_("办公电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    note = models.TextField(_("服务说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    scope_area_field = "area"

    class Meta:
        ordering = ["kind", "area__path", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="service_unit_name_per_area")]
        verbose_name = _("服务机构")
        verbose_name_plural = _("服务机构")

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"


class ConsentMethod(models.TextChoices):
    ORAL = "oral", _("口头")
    WRITTEN = "written", _("书面")
    PHONE = "phone", _("电话")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    ACCEPTED = "accepted", _("已接收")
    DECLINED = "declined", _("已拒绝")
    DONE = "done", _("已反馈结果")
    CLOSED = "closed", _("已结束")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Referral(Versioned):
    """A matter party referred to a service, with the party's consent (a referral without it is never sent)."""

    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="referrals"
    )
    party = models.ForeignKey(
        "matters.MatterParty", verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="referrals"
    )
    service_unit = models.ForeignKey(
        ServiceUnit, verbose_name=_("转介至"), on_delete=models.PROTECT, related_name="referrals"
    )
    purpose = models.TextField(_("转介事由"))  # internal
    consent = models.BooleanField(_("当事人同意"), default=False)
    consent_method = models.CharField(_("同意方式"), max_length=10, choices=ConsentMethod.choices)
    consent_note = models.CharField(_("同意情况说明"), max_length=200, blank=True)
    # The party's phone as it was when they agreed to be referred: the consent covers giving it to the
    # service. Encrypted, masked on pages; each reveal is logged (care.actions.reveal_referral_contact).
    contact_phone = EncryptedTextField(_("联系电话"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT, db_index=True
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.TextField(_("拒绝理由"), blank=True)
    outcome = models.TextField(_("服务结果"), blank=True)
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_note = models.TextField(_("结束说明"), blank=True)

    scope_area_field = "matter__area"
    scope_matter_field = "matter"
    scope_unit_field = "service_unit__unit"

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("转介")
        verbose_name_plural = _("转介")

    def __str__(self) -> str:
        return f"{self.matter.number} → {self.service_unit.name}"

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES
