"""Pages of cases (专案)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from anju.cases.models import Case
from anju.core.permissions import require
from anju.core.scoping import scoped


@login_required
def case_list(request):
    require(request.user, "cases.view")
    cases = scoped(request.user, Case).select_related("area", "lead_unit")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page})
