"""待标注: the queue of matters whose domain a person should confirm, and the one-click confirmation.

Thin: the list comes from ``matters.labelling`` (scoped there), each click is one
``actions.confirm_domain`` call."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.core.errors import NotAllowed
from anju.core.models import Domain
from anju.core.params import id_param
from anju.core.scoping import get_scoped_or_404
from anju.matters import actions, labelling
from anju.matters.models import Matter


@login_required
@require_GET
def to_label(request):
    request.user.require("matter.correct")
    page = Paginator(labelling.to_label(request.user), settings.ANJU_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matters/to_label.html",
        {
            "page": page,
            "domains": Domain.objects.filter(active=True).order_by("code"),
            "candidates_limit": labelling.CANDIDATES,
        },
    )


@login_required
@require_POST
def confirm_label(request, pk: int):
    request.user.require("matter.correct")
    matter = get_scoped_or_404(request.user, Matter.objects.select_related("domain"), pk=pk)
    domain = Domain.objects.filter(pk=id_param(request.POST.get("domain")) or 0).first()
    back = reverse("matters:to_label")
    page = id_param(request.GET.get("page"))
    if page:
        back += f"?page={page}"
    try:
        actions.confirm_domain(request.user, matter, domain=domain, version=request.POST.get("version"))
    except NotAllowed as exc:
        raise PermissionDenied(" ".join(exc.messages)) from exc
    except ValidationError as exc:  # a stale page or an inactive domain: the reason above the queue
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request, _("已标注事项 %(n)s 的风险领域：%(d)s。") % {"n": matter.number, "d": matter.domain}
    )
    return redirect(back)
