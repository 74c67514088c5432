"""The public pages of information release (信息发布): published releases only, no login, no personal data."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from anju.emergency.cap import FEED_ENTRIES, atom_feed, to_cap_xml
from anju.emergency.models import Release, ReleaseStatus


def _published():
    return Release.objects.filter(status=ReleaseStatus.PUBLISHED).select_related("incident__area")


def _one(pk: int) -> Release:
    try:
        return _published().get(pk=pk)
    except Release.DoesNotExist:
        raise Http404 from None


@require_GET
def release_list(request):
    page = Paginator(_published(), 20).get_page(request.GET.get("page"))
    return render(request, "emergency/public_list.html", {"page": page})


@require_GET
def release_detail(request, pk: int):
    return render(request, "emergency/public_detail.html", {"release": _one(pk)})


@require_GET
def release_cap(request, pk: int):
    return HttpResponse(to_cap_xml(_one(pk)), content_type="application/cap+xml; charset=utf-8")


@require_GET
def release_feed(request):
    """Atom feed of the newest published releases (public, like the pages)."""

    def absolute(name):
        return lambda release: request.build_absolute_uri(reverse(name, args=[release.pk]))

    body = atom_feed(
        _published()[:FEED_ENTRIES],
        feed_url=request.build_absolute_uri(reverse("public_emergency:feed")),
        page_url=absolute("public_emergency:detail"),
        cap_url=absolute("public_emergency:cap"),
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
