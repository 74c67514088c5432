"""Choosing each domain's detection method (监测配置)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.concurrency import lock_checked, parse_version
from anju.core.errors import Conflict, NotAllowed
from anju.core.models import Area
from anju.core.permissions import may, require
from anju.core.scoping import in_scope
from anju.warning.detection import clean_controls
from anju.warning.models import DomainDetection


def may_configure_detection(actor) -> bool:
    """A domain's method is used for every village scanned, so changing it needs a scope over all of them."""
    if not may(actor, "signals.configure"):
        return False
    return all(in_scope(actor, root) for root in Area.objects.filter(parent__isnull=True))


@transaction.atomic
def configure_domain(
    actor, domain, *, method: str, controls: dict | None = None, seen_version=None
) -> DomainDetection:
    """Choose ``domain``'s detection method and the R-named controls that differ from its defaults.

    ``seen_version`` is the version of the configuration the user saw (0: they saw none, the default)."""
    require(actor, "signals.configure")
    if not may_configure_detection(actor):  # the scope: every village, as no single area is the target
        raise NotAllowed(_("监测方法对全部村（社区）生效，只能由管辖全部区域的人员修改。"))
    stale = _("该领域的监测配置已被他人修改，请刷新后重试。")
    setting = DomainDetection.objects.filter(domain=domain).first()
    if setting is None:
        if parse_version(seen_version) not in (None, 0):
            raise Conflict(stale)
        setting, before = DomainDetection(domain=domain), None
    else:
        setting = lock_checked(setting, seen_version, message=stale)
        before = {"method": setting.method, "controls": setting.controls}
    setting.method, setting.controls = method, clean_controls(method, controls)
    try:
        with transaction.atomic():  # two first configurations at once: the second one is stale
            setting.save()
    except IntegrityError:
        raise Conflict(stale) from None
    audit.record(
        actor,
        "signals.configure",
        setting,
        before=before,
        after={"domain": domain.code, "method": method, "controls": setting.controls},
    )
    return setting
