"""``/api/``: the JSON API (``main.api``) and its documentation page."""

from django.urls import path

from anju.api import docs
from anju.api.main import api

urlpatterns = [
    path("docs", docs.docs_page, name="api-docs"),
    path("docs/assets/<str:name>", docs.docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
