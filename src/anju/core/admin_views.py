"""The administration section (管理, /manage/): its index, areas, units and risk domains.

Thin pages: only administrators see them (``admin.manage``), objects are found in the user's scope (404
outside), and every change is one call of ``admin_actions``, whose errors come back next to the fields.
Users are in ``admin_user_views``, the bulk import of areas and units in ``admin_import_views``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anju.core import admin_actions
from anju.core.admin_forms import (
    AreaForm,
    BoundaryForm,
    ChildAreaForm,
    DomainForm,
    MoveAreaForm,
    NewDomainForm,
    SearchForm,
    UnitForm,
)
from anju.core.errors import http_status
from anju.core.forms import add_action_errors
from anju.core.geojson import parse_boundary
from anju.core.models import Area, Domain, Unit
from anju.core.permissions import may
from anju.core.scoping import get_scoped_or_404, scoped

PAGE_SIZE = 50

# The index's links: (URL name, title, what it is for). Pages of other apps (screening's cadences, the key
# dates of 研判, the risk matrix, notification channels) are linked by name; a name that does not resolve is
# left out, as in the menu (core/context.py).
SECTIONS = [
    (
        "core:manage_areas",
        gettext_lazy("区域"),
        gettext_lazy("区域树：新增下级区域、改名、调整上级、上传边界"),
    ),
    (
        "core:manage_units",
        gettext_lazy("单位"),
        gettext_lazy("综治中心、职能部门、村（居）委会及其职责领域、人员"),
    ),
    (
        "core:manage_users",
        gettext_lazy("用户"),
        gettext_lazy("账号：新建、角色与范围、停用、重置密码、双因素认证"),
    ),
    (
        "core:manage_domains",
        gettext_lazy("风险领域"),
        gettext_lazy("领域名称、突发事件类别、关键词、启用与排序"),
    ),
    (
        "core:manage_channels",
        gettext_lazy("推送渠道"),
        gettext_lazy("把通知推送到短信网关、政务微信或钉钉机器人"),
    ),
    ("core:manage_import", gettext_lazy("批量导入区域和单位"), gettext_lazy("从 Excel 导入，先检查后确认")),
    ("core:user_import", gettext_lazy("批量导入账号"), gettext_lazy("从 Excel 导入账号，初始密码只显示一次")),
    ("core:lockouts", gettext_lazy("登录锁定"), gettext_lazy("解除多次登录失败造成的锁定")),
    ("screening:cadences", gettext_lazy("排查周期"), gettext_lazy("各层级排查的周期和报送期限")),
    ("warning:meetings", gettext_lazy("重要节点"), gettext_lazy("节点期间每日研判：在研判页登记重要节点")),
    ("matters:risk_matrix", gettext_lazy("风险矩阵与定级规则"), gettext_lazy("新版本，不修改已在使用的版本")),
    ("matters:levels", gettext_lazy("风险矩阵与定级规则"), gettext_lazy("新版本，不修改已在使用的版本")),
    ("core:notification_channels", gettext_lazy("通知渠道"), gettext_lazy("短信、邮件等通知渠道设置")),
]


def gate(request) -> None:
    """Only administrators see these pages; each action checks its permission and scope again."""
    if not may(request.user, "admin.manage"):
        raise PermissionDenied(_("您的角色无权进入管理页面。"))


def refusal_status(form, error: ValidationError) -> int:
    add_action_errors(form, error)
    return http_status(error)


def paged(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def search_text(request) -> str:
    form = SearchForm(request.GET)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


@login_required
def index(request):
    gate(request)
    sections, seen = [], set()
    for name, title, text in SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if title in seen:
            continue
        seen.add(title)
        sections.append({"url": url, "title": title, "text": text})
    return render(request, "core/admin/index.html", {"sections": sections})


# --- areas -------------------------------------------------------------------------------------------------
@login_required
def area_list(request):
    gate(request)
    q = search_text(request)
    areas = scoped(request.user, Area).annotate(
        unit_count=Count("units", distinct=True), user_count=Count("users", distinct=True)
    )
    if q:
        areas = areas.filter(Q(name__icontains=q) | Q(code__startswith=q))
    context = {"page": paged(request, areas.order_by("path")), "q": q, "search": SearchForm(request.GET)}
    return render(request, "core/admin/area_list.html", context)


def _area_context(request, area, **forms) -> dict:
    user = request.user
    context = {
        "area": area,
        "ancestors": area.ancestors(),
        "children": area.children.order_by("code"),
        "units": area.units.order_by("kind", "name"),
        "form": AreaForm(
            initial={
                "name": area.name,
                "latitude": area.latitude,
                "longitude": area.longitude,
                "seen": admin_actions.area_fingerprint(area),
            }
        ),
        "child_form": ChildAreaForm(),
        "move_form": MoveAreaForm(user, area),
        "boundary_form": BoundaryForm(),
        "is_own_area": user.area_id is not None and area.contains(user.area),
    }
    context.update(forms)
    return context


@login_required
def area_detail(request, pk: int):
    """An area's page: rename, add a child, move, boundary; each form posts to its own address."""
    gate(request)
    area = get_scoped_or_404(request.user, Area, pk=pk)
    status = 200
    if request.method == "POST":
        form = AreaForm(request.POST)
        if form.is_valid():
            try:
                admin_actions.update_area(request.user, area, **form.cleaned_data)
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("区域已保存。"))
                return redirect("core:manage_area", area.pk)
        else:
            status = 422
        return render(request, "core/admin/area.html", _area_context(request, area, form=form), status=status)
    return render(request, "core/admin/area.html", _area_context(request, area))


@login_required
@require_POST
def area_add_child(request, pk: int):
    gate(request)
    parent = get_scoped_or_404(request.user, Area, pk=pk)
    form = ChildAreaForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            child = admin_actions.add_area(request.user, parent, **form.cleaned_data)
        except ValidationError as error:
            status = refusal_status(form, error)
        else:
            messages.success(request, _("已新增下级区域“%(name)s”。") % {"name": child.name})
            return redirect("core:manage_area", child.pk)
    context = _area_context(request, parent, child_form=form)
    return render(request, "core/admin/area.html", context, status=status)


@login_required
@require_POST
def area_move(request, pk: int):
    gate(request)
    area = get_scoped_or_404(request.user, Area, pk=pk)
    form = MoveAreaForm(request.user, area, request.POST)
    status = 422
    if form.is_valid():
        try:
            moved = admin_actions.move_area(request.user, area, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            status = refusal_status(form, error)
        else:
            messages.success(
                request,
                _("已将“%(name)s”移到“%(parent)s”之下（共 %(n)s 个区域）。")
                % {"name": area.name, "parent": form.cleaned_data["new_parent"].name, "n": moved},
            )
            return redirect("core:manage_area", area.pk)
    context = _area_context(request, area, move_form=form)
    return render(request, "core/admin/area.html", context, status=status)


@login_required
@require_POST
def area_boundary(request, pk: int):
    gate(request)
    area = get_scoped_or_404(request.user, Area, pk=pk)
    form = BoundaryForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        upload, remove = form.cleaned_data["file"], form.cleaned_data["remove"]
        try:
            if remove:
                admin_actions.set_area_boundary(request.user, area, None)
            elif upload is None:
                raise ValidationError({"file": _("请选择边界文件，或勾选“删除现有边界”。")})
            else:
                admin_actions.set_area_boundary(request.user, area, parse_boundary(upload.read()))
        except ValidationError as error:
            status = refusal_status(form, error if not _is_boundary(error) else _as_file_error(error))
        else:
            messages.success(request, _("边界已删除。") if remove else _("边界已保存。"))
            return redirect("core:manage_area", area.pk)
    context = _area_context(request, area, boundary_form=form)
    return render(request, "core/admin/area.html", context, status=status)


def _is_boundary(error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and "boundary" in error.error_dict


def _as_file_error(error: ValidationError) -> ValidationError:
    return ValidationError({"file": error.message_dict["boundary"]})


# --- units -------------------------------------------------------------------------------------------------
@login_required
def unit_list(request):
    gate(request)
    q = search_text(request)
    units = scoped(request.user, Unit).select_related("area").annotate(member_count=Count("members"))
    if q:
        units = units.filter(Q(name__icontains=q) | Q(area__name__icontains=q))
    context = {"page": paged(request, units.order_by("area__path", "kind", "name")), "q": q}
    return render(request, "core/admin/unit_list.html", context)


def _unit_values(form) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "area": data["area"],
        "domains": list(data["domains"]),
    }


@login_required
def unit_new(request):
    gate(request)
    initial = {}
    if request.GET.get("area", "").isdigit():  # "add a unit" from an area's page
        initial["area"] = scoped(request.user, Area).filter(pk=request.GET["area"]).first()
    form = UnitForm(request.user, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                unit = admin_actions.add_unit(request.user, **_unit_values(form))
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("单位已建立。"))
                return redirect("core:manage_unit", unit.pk)
    return render(request, "core/admin/unit.html", {"form": form, "unit": None}, status=status)


@login_required
def unit_detail(request, pk: int):
    gate(request)
    unit = get_scoped_or_404(request.user, Unit.objects.select_related("area"), pk=pk)
    initial = {
        "name": unit.name,
        "kind": unit.kind,
        "area": unit.area,
        "domains": list(unit.domains.all()),
        "seen": admin_actions.unit_fingerprint(unit),
    }
    form = UnitForm(request.user, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                admin_actions.update_unit(
                    request.user, unit, **_unit_values(form), seen=form.cleaned_data["seen"]
                )
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("单位已保存。"))
                return redirect("core:manage_unit", unit.pk)
    members = unit.members.select_related("area").order_by("-is_active", "username")
    context = {"form": form, "unit": unit, "members": members}
    return render(request, "core/admin/unit.html", context, status=status)


# --- risk domains ----------------------------------------------------------------------------------------------
@login_required
def domain_list(request):
    gate(request)
    domains = Domain.objects.annotate(unit_count=Count("units")).order_by("sort_order", "code")
    return render(request, "core/admin/domain_list.html", {"domains": domains})


@login_required
def domain_new(request):
    gate(request)
    form = NewDomainForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                domain = admin_actions.add_domain(request.user, **form.cleaned_data)
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("风险领域已建立。"))
                return redirect("core:manage_domain", domain.pk)
    return render(request, "core/admin/domain.html", {"form": form, "domain": None}, status=status)


@login_required
def domain_detail(request, pk: int):
    gate(request)
    domain = get_object_or_404(Domain, pk=pk)  # domains are shared by every area
    initial = {
        "name": domain.name,
        "name_en": domain.name_en,
        "emergency_class": domain.emergency_class,
        "keywords": "\n".join(domain.keywords or []),
        "sort_order": domain.sort_order,
        "active": domain.active,
        "seen": admin_actions.domain_fingerprint(domain),
    }
    form = DomainForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                admin_actions.update_domain(request.user, domain, **form.cleaned_data)
            except ValidationError as error:
                status = refusal_status(form, error)
            else:
                messages.success(request, _("风险领域已保存。"))
                return redirect("core:manage_domain", domain.pk)
    return render(request, "core/admin/domain.html", {"form": form, "domain": domain}, status=status)
