"""Every state change of core objects goes through these functions; each writes an audit event."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit
from anju.core.errors import WorkflowError
from anju.core.models import ApiScope, ApiToken, Area, Domain, Unit, User
from anju.core.permissions import require
from anju.core.reveal_purposes import clean_purpose
from anju.core.roles import Role
from anju.core.textsafety import refuse_invisible_in
from anju.core.user_import import UserRow, UserRowErrors, check_user_rows, initial_password

AREA_FIELDS = ("code", "name", "level", "parent", "latitude", "longitude")
USER_FIELDS = ("username", "role", "area", "unit", "display_name", "is_active")


@transaction.atomic
def create_area(
    actor, *, code, name, level, parent=None, latitude=None, longitude=None, boundary=None
) -> Area:
    if parent is not None and level <= parent.level:
        raise ValidationError({"level": _("下级区域的层级必须低于上级区域。")})
    refuse_invisible_in(code=code, name=name)
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        boundary=boundary,
    )
    area.full_clean()
    area.save()
    audit.record(actor, "area.create", area, after=audit.snapshot(area, AREA_FIELDS), area=area)
    return area


@transaction.atomic
def upsert_domain(
    actor, *, code, name, emergency_class, keywords=(), parent=None, sort_order=0, name_en=""
) -> Domain:
    fields = ("name", "name_en", "emergency_class", "keywords", "parent", "sort_order")
    domain = Domain.objects.filter(code=code).first()
    before = audit.snapshot(domain, fields) if domain else None
    domain = domain or Domain(code=code)
    domain.name, domain.emergency_class, domain.keywords = name, emergency_class, list(keywords)
    domain.parent, domain.sort_order, domain.name_en = parent, sort_order, name_en
    domain.full_clean()
    domain.save()
    after = audit.snapshot(domain, fields)
    if before != after:
        audit.record(
            actor, "domain.update" if before else "domain.create", domain, before=before, after=after
        )
    return domain


@transaction.atomic
def create_unit(actor, *, name, kind, area, domains=()) -> Unit:
    refuse_invisible_in(name=name)
    unit = Unit(name=name, kind=kind, area=area)
    unit.full_clean()
    unit.save()
    unit.domains.set(domains)
    after = {"name": name, "kind": kind, "area": area.pk, "domains": sorted(d.code for d in domains)}
    audit.record(actor, "unit.create", unit, after=after, area=area)
    return unit


@transaction.atomic
def set_unit_domains(actor, unit: Unit, domains) -> Unit:
    """The risk domains a department serves: its officers see these matters of their area (masked)."""
    if actor is not None:
        require(actor, "admin.manage")
    before = sorted(unit.domains.values_list("code", flat=True))
    unit.domains.set(domains)
    after = sorted(d.code for d in domains)
    if before != after:
        audit.record(
            actor, "unit.domains", unit, before={"domains": before}, after={"domains": after}, area=unit.area
        )
    return unit


@transaction.atomic
def create_user(
    actor,
    *,
    username,
    password,
    role,
    area=None,
    unit=None,
    display_name="",
    is_demo=False,
    is_superuser=False,
    one_time_password=False,
) -> User:
    """A user account. ``one_time_password``: an initial password that must be changed at first sign-in."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色。")})
    if area is None and not is_superuser:
        raise ValidationError({"area": _("请选择管辖范围。")})
    refuse_invisible_in(username=username, display_name=display_name)
    user = User(
        username=username,
        role=role,
        area=area,
        unit=unit,
        display_name=display_name,
        is_demo=is_demo,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.must_change_password = one_time_password
    _set_validated_password(user, password)
    user.full_clean()
    user.save()
    audit.record(actor, "user.create", user, after=audit.snapshot(user, USER_FIELDS), area=area)
    return user


@transaction.atomic
def import_users(actor, rows: list[UserRow], *, now=None) -> list[tuple[User, str]]:
    """Create the accounts of an imported file, all or none: every row is checked first (``check_user_rows``)
    and one bad row refuses the whole file (``UserRowErrors``, each bad row with its problems).

    Each account gets a random one-time password, returned here to be shown once and never stored in clear;
    the user must change it at first sign-in. ``actor`` None is the server's operator (``anju import-users``)."""
    if actor is not None:
        require(actor, "admin.manage")
    if not rows:
        raise ValidationError({"file": _("文件中没有账号。")})
    now = now or timezone.now()
    checked = check_user_rows(actor, rows)
    if any(c.errors for c in checked):
        raise UserRowErrors(checked)
    created = []
    try:
        with transaction.atomic():  # a savepoint, so that a clash below leaves a usable transaction
            for c in checked:
                user = User(
                    username=c.row.username,
                    display_name=c.row.display_name,
                    role=c.role,
                    area=c.area,
                    unit=c.unit,
                    phone=c.phone,
                    date_joined=now,
                    must_change_password=True,
                )
                password = _validated_initial_password(user)
                user.full_clean()
                user.save()
                audit.record(
                    actor,
                    "user.create",
                    user,
                    after=audit.snapshot(user, USER_FIELDS),
                    area=c.area,
                    note=_("批量导入，第 %(line)s 行") % {"line": c.row.line},
                    at=now,
                )
                created.append((user, password))
    except IntegrityError:
        # another administrator took one of these user names between the check and the save
        raise ValidationError(
            {"file": _("导入时有用户名刚被他人占用，未保存任何账号。请重新上传文件检查后再导入。")}
        ) from None
    return created


def _validated_initial_password(user: User) -> str:
    """A random initial password set on ``user`` through the password validators (a random one that happens
    to resemble the user's names is drawn again)."""
    for _attempt in range(10):
        password = initial_password()
        try:
            _set_validated_password(user, password)
        except ValidationError:
            continue
        return password
    raise ValidationError({"file": _("无法生成符合密码规则的初始密码，请检查密码规则设置。")})


def _set_validated_password(user: User, password: str, field: str = "password") -> None:
    """Django's validators (length, common passwords, similarity to the user name) with Chinese messages.

    ``None`` gives an account that cannot sign in with a password (demo people, accounts set up later)."""
    if password is None:
        user.set_unusable_password()
        return
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None
    user.set_password(password)


@transaction.atomic
def change_password(actor: User, *, old_password: str, new_password: str, confirm_password: str) -> User:
    """The user changes their own password; an initial (one-time) password stops being required."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    errors = {}
    if not user.check_password(old_password or ""):
        errors["old_password"] = _("原密码不正确。")
    if new_password != confirm_password:
        errors["confirm_password"] = _("两次输入的新密码不一致。")
    elif old_password and new_password == old_password:
        errors["new_password"] = _("新密码不能与原密码相同。")
    if errors:
        raise ValidationError(errors)
    _set_validated_password(user, new_password, field="new_password")
    user.must_change_password = False
    user.save()
    audit.record(actor, "user.password_change", user, area=user.area)
    return user


@transaction.atomic
def force_password_change(actor: User, user: User) -> User:
    """An administrator makes ``user`` choose a new password at their next request."""
    require(actor, "admin.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    audit.record(actor, "user.force_password_change", user, area=user.area)
    return user


@transaction.atomic
def log_out_everywhere(actor: User) -> User:
    """End every session of the actor (this browser's too): the session hash includes the epoch."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.session_epoch += 1
    user.save(update_fields=["session_epoch"])
    audit.record(actor, "user.logout_everywhere", user, area=user.area)
    return user


@transaction.atomic
def unlock_login(actor: User, username: str) -> int:
    """Lift the sign-in lockout of an account (and of addresses locked by failures on it)."""
    from axes.models import AccessAttempt
    from django.db.models import Q

    require(actor, "admin.manage")
    attempts = AccessAttempt.objects.filter(username=username)
    addresses = sorted(set(attempts.exclude(ip_address=None).values_list("ip_address", flat=True)))
    removed, _counts = AccessAttempt.objects.filter(
        Q(username=username) | Q(ip_address__in=addresses)
    ).delete()
    target = User.objects.filter(username=username).first() or actor
    audit.record(actor, "auth.unlock", target, after={"username": username, "addresses": addresses})
    return removed


@transaction.atomic
def issue_api_token(
    actor: User, name: str = "api", *, scope: str = ApiScope.ACTIONS, days: int | None = None, now=None
) -> str:
    """A new API token of the actor's own, returned once (only its hash is kept).

    ``scope``: ``read`` (GET requests and the warning feeds) or ``actions`` (also every write the role may);
    ``days``: how long it lasts, at most ``ANJU_API_TOKEN_MAX_DAYS`` (default ``ANJU_API_TOKEN_DAYS``)."""
    require(actor, "api.token")
    now = now or timezone.now()
    name = (name or "").strip()
    days = settings.ANJU_API_TOKEN_DAYS if days is None else days
    errors = {}
    if not name:
        errors["name"] = _("请填写令牌名称，便于日后识别。")
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = _("令牌名称最多 100 个字符。")
    if scope not in ApiScope.values:
        errors["scope"] = _("请选择令牌的权限范围。")
    if not isinstance(days, int) or not 1 <= days <= settings.ANJU_API_TOKEN_MAX_DAYS:
        errors["days"] = _("有效天数须在 1 到 %(max)s 之间。") % {"max": settings.ANJU_API_TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    refuse_invisible_in(name=name)
    token, secret = ApiToken.issue(actor, name, scope=scope, expires_at=now + dt.timedelta(days=days))
    audit.record(
        actor,
        "api_token.issue",
        token,
        after={
            "name": name,
            "prefix": token.prefix,
            "scope": scope,
            "expires_at": token.expires_at.isoformat(),
        },
        area=actor.area,
    )
    return secret


@transaction.atomic
def revoke_api_token(actor, token: ApiToken) -> None:
    """Withdraw a token: the record is removed so it can never authenticate again; the audit log keeps it.

    Its owner may revoke it; anyone else needs ``admin.manage`` over the owner's area. ``actor`` None is the
    command line run by the server's operator."""
    if actor is not None and actor.pk != token.user_id:
        require(actor, "admin.manage", token)
    locked = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user__area")
        .filter(pk=token.pk)
        .first()
    )
    if locked is None:
        raise WorkflowError(_("该令牌已被撤销。"))
    audit.record(
        actor,
        "api_token.revoke",
        locked,
        before={
            "name": locked.name,
            "prefix": locked.prefix,
            "user": locked.user_id,
            "scope": locked.scope,
            "expires_at": locked.expires_at.isoformat(),
        },
        area=locked.user.area,
    )
    locked.delete()


def revealable_fields(obj) -> tuple[str, ...]:
    """Personal-data fields (encrypted) and free-text fields stored masked with an encrypted original."""
    return tuple(getattr(obj, "personal_fields", ())) + tuple(getattr(obj, "personal_text_fields", {}))


def reveal_personal_data(
    actor: User, obj, field_name: str, *, purpose: str = "", purpose_text: str = ""
) -> str:
    """Return a decrypted personal-data field, or a free text's original, and log the reveal.

    An object whose model sets ``reveal_needs_purpose`` (a matter's party) is revealed only for a purpose
    (``reveal_purposes``), recorded with the reveal; other objects may carry one."""
    require(actor, "personal_data.reveal", obj)  # the object must be theirs too
    if field_name not in revealable_fields(obj):
        raise ValidationError(_("该字段不是个人信息字段。"))
    if purpose or getattr(obj, "reveal_needs_purpose", False):
        purpose, purpose_text = clean_purpose(purpose, purpose_text)
    value = revealed_value(obj, field_name)
    record_reveal(actor, obj, field_name, purpose=purpose, purpose_text=purpose_text)
    return value


def revealed_value(obj, field_name: str) -> str:
    """The clear value of a personal field, or a masked free text's original."""
    original = getattr(obj, "personal_text_fields", {}).get(field_name)
    # a free text with nothing masked has no original: the stored text is all there is
    return (getattr(obj, original) or getattr(obj, field_name)) if original else getattr(obj, field_name)


def record_reveal(actor: User, obj, field_name: str, *, purpose: str = "", purpose_text: str = "", area=None):
    """The audit event of one reveal: the field in the note, the purpose (if any) in ``after`` so the audit
    page can filter by it. Every reveal, whoever allowed it, is written here."""
    after = {"field": field_name, "purpose": purpose, "purpose_text": purpose_text} if purpose else None
    return audit.record(
        actor,
        "personal_data.reveal",
        obj,
        note=field_name,
        after=after,
        area=area or getattr(obj, "scope_area", None) or getattr(obj, "area", None),
    )


RECOVERY_CODES = 10


@transaction.atomic
def start_totp_enrolment(actor: User):
    """An unconfirmed authenticator for the actor (the one already started, if any), to show as a QR code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=actor, name=_("身份验证器"), confirmed=False)


@transaction.atomic
def confirm_totp(actor: User, *, token: str) -> tuple[object, list[str]]:
    """The user proves the authenticator works; it becomes their second factor, with fresh recovery codes.

    Returns the device and the recovery codes, which are shown once and stored only as one-time tokens."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
    if device is None:
        raise ValidationError({"token": _("请先扫描二维码开始绑定。")})
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"token": _("验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。")})
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()  # one authenticator per user
    device.confirmed = True
    device.save()
    recovery, _created = StaticDevice.objects.get_or_create(user=actor, name=_("恢复码"))
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    recovery.token_set.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    audit.record(actor, "auth.2fa_enrol", actor, area=actor.area)
    return device, codes


def verify_second_factor(actor: User, *, token: str):
    """The device that accepts ``token`` (an authenticator code or an unused recovery code), or None.

    Audited either way; django-otp throttles repeated failures per device."""
    from django_otp import devices_for_user

    token = (token or "").strip().replace(" ", "")
    with transaction.atomic():
        for device in devices_for_user(actor, for_verify=True):
            if device.verify_token(token):
                audit.record(actor, "auth.2fa_verify", actor, after={"device": type(device).__name__})
                return device
        audit.record(actor, "auth.2fa_failure", actor)
    return None


@transaction.atomic
def reset_second_factor(actor: User, user: User) -> int:
    """An administrator removes a user's authenticator and recovery codes (a lost phone): they enrol again."""
    from django_otp import devices_for_user

    require(actor, "admin.manage", user)  # the user must be in the administrator's area
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    audit.record(actor, "auth.2fa_reset", user, after={"devices": removed}, area=user.area)
    return removed


def record_audit_export(actor: User, filters: dict, count: int, *, area=None):
    """Log an export of the audit log: who took which filtered events out of the system."""
    require(actor, "audit.view")
    area = area or actor.area
    return audit.record(
        actor,
        "audit.export",
        area if area is not None else actor,
        after={"filters": filters, "count": count},
        area=area,
        note=_("导出审计日志 %(n)s 条") % {"n": count},
    )


@transaction.atomic
def set_notification_preferences(
    actor: User, *, email: bool, webhook: bool, daily_digest: bool, email_address: str | None = None
):
    """The user chooses their own outside channels and the daily digest (the in-app centre is always on).

    A channel this installation has not configured cannot be chosen; a digest needs a channel to go out on;
    e-mail needs an address (``email_address`` replaces the account's work address when given)."""
    from anju.core.channels import CHANNELS, EMAIL, WEBHOOK
    from anju.core.models import NotificationPreference

    user = User.objects.select_for_update().get(pk=actor.pk)
    errors = {}
    if email_address is not None:
        email_address = email_address.strip()
        try:
            validate_email_address(email_address)
        except ValidationError as error:
            errors["email_address"] = error.messages
    address = user.email if email_address is None else email_address
    if email and not CHANNELS[EMAIL].configured():
        errors["email"] = _("本系统未配置邮件服务器，不能选择电子邮件。")
    elif email and not address and "email_address" not in errors:
        errors["email_address"] = _("选择电子邮件时须填写邮箱地址。")
    if webhook and not CHANNELS[WEBHOOK].configured():
        errors["webhook"] = _("本县未配置推送地址，不能选择短信/政务微信/钉钉推送。")
    if daily_digest and not (email or webhook):
        errors["daily_digest"] = _("每日汇总通过电子邮件或推送发送，请至少选择其中一种。")
    if errors:
        raise ValidationError(errors)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    before = {
        "email": preference.email,
        "webhook": preference.webhook,
        "daily_digest": preference.daily_digest,
        "email_address": bool(user.email),
    }
    preference.email, preference.webhook, preference.daily_digest = email, webhook, daily_digest
    preference.updated_at = timezone.now()
    preference.save()
    if email_address is not None and email_address != user.email:
        user.email = email_address
        user.save(update_fields=["email"])
    after = {
        "email": email,
        "webhook": webhook,
        "daily_digest": daily_digest,
        "email_address": bool(user.email),
    }
    # the address itself stays out of the audit log: whether one is set is enough
    audit.record(actor, "user.notification_preferences", user, before=before, after=after, area=user.area)
    return preference


def validate_email_address(address: str) -> None:
    if address:
        from django.core.validators import EmailValidator

        EmailValidator(message=_("请输入有效的电子邮件地址。"))(address)
