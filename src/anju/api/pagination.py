"""Page-number pagination with the same page size as the pages; the shape is ``schemas.Page``."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from ninja import Field, Schema

MAX_PAGE_SIZE = 200


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="default ANJU_PAGE_SIZE (25)")


def paginate(queryset, params: PageParams, render) -> dict:
    """One page of ``queryset`` with each object passed through ``render``. A page past the end is empty."""
    size = params.page_size or settings.ANJU_PAGE_SIZE
    paginator = Paginator(queryset, size)
    items = []
    if params.page <= paginator.num_pages:
        items = [render(obj) for obj in paginator.page(params.page).object_list]
    return {
        "count": paginator.count,
        "page": params.page,
        "page_size": size,
        "pages": paginator.num_pages,
        "items": items,
    }
