"""The administration section's user pages (管理 → 用户): list, create, edit, and the one-button steps
(deactivate, reactivate, reset password, require or reset the second factor).

A new account's or a reset password is shown once, on the answer to the POST that made it, and never again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core import actions, admin_actions
from anju.core.admin_forms import NewUserForm, UserForm
from anju.core.admin_views import gate, paged, refusal_status, search_text
from anju.core.errors import NotAllowed
from anju.core.models import User
from anju.core.roles import Role
from anju.core.scoping import get_scoped_or_404, scoped


def _shown_once(response):
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def user_list(request):
    gate(request)
    q = search_text(request)
    users = scoped(request.user, User).select_related("area", "unit")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(area__name__icontains=q)
        )
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    state = request.GET.get("state", "")
    if state in ("active", "inactive"):
        users = users.filter(is_active=state == "active")
    context = {
        "page": paged(request, users.order_by("-is_active", "area__path", "username")),
        "q": q,
        "role": role,
        "state": state,
        "roles": Role.choices,
    }
    return render(request, "core/admin/user_list.html", context)


@login_required
def user_new(request):
    gate(request)
    form = NewUserForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                user, password = admin_actions.add_user(request.user, **form.cleaned_data)
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                context = {"account": user, "password": password, "new": True}
                return _shown_once(render(request, "core/admin/user_password.html", context))
    return render(request, "core/admin/user.html", {"form": form, "account": None}, status=status)


def _account(request, pk: int) -> User:
    return get_scoped_or_404(request.user, User.objects.select_related("area", "unit"), pk=pk)


@login_required
def user_detail(request, pk: int):
    gate(request)
    account = _account(request, pk)
    initial = {
        "display_name": account.display_name,
        "role": account.role,
        "area": account.area,
        "unit": account.unit,
        "seen": admin_actions.user_fingerprint(account),
    }
    form = UserForm(request.user, request.POST or None, initial=initial, current_unit=account.unit)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                admin_actions.update_user(request.user, account, **form.cleaned_data)
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("账号已保存。"))
                return redirect("core:manage_user", account.pk)
    from django_otp import user_has_device

    context = {
        "form": form,
        "account": account,
        "has_device": user_has_device(account, confirmed=True),
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "core/admin/user.html", context, status=status)


# step -> (the action, the message on success)
STEPS = {
    "deactivate": (
        lambda actor, u: admin_actions.set_user_active(actor, u, False),
        gettext_lazy("账号已停用，其登录会话已结束。"),
    ),
    "activate": (
        lambda actor, u: admin_actions.set_user_active(actor, u, True),
        gettext_lazy("账号已重新启用。"),
    ),
    "require-2fa": (
        lambda actor, u: admin_actions.set_two_factor_required(actor, u, True),
        gettext_lazy("已要求该账号启用双因素认证，下次访问时须绑定身份验证器。"),
    ),
    "waive-2fa": (
        lambda actor, u: admin_actions.set_two_factor_required(actor, u, False),
        gettext_lazy("已取消对该账号的双因素认证要求（角色要求的除外）。"),
    ),
    "reset-2fa": (
        lambda actor, u: actions.reset_second_factor(actor, u),
        gettext_lazy("已清除该账号的身份验证器和恢复码，须重新绑定。"),
    ),
}


@login_required
@require_POST
def user_step(request, pk: int, step: str):
    """One button of the user's page; a refusal is said on the page it returns to (a role's: 403)."""
    gate(request)
    account = _account(request, pk)
    if step == "reset-password":
        try:
            password = admin_actions.reset_password(request.user, account)
        except NotAllowed as error:
            raise PermissionDenied(" ".join(error.messages)) from None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("core:manage_user", account.pk)
        context = {"account": account, "password": password, "new": False}
        return _shown_once(render(request, "core/admin/user_password.html", context))
    if step not in STEPS:
        raise Http404
    action, done = STEPS[step]
    try:
        action(request.user, account)
    except NotAllowed as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(done))
    return redirect("core:manage_user", account.pk)
