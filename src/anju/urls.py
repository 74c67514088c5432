"""URL map. Each capability owns its URL module; optional capabilities are included when installed."""

import importlib.util

from django.apps import apps
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anju.core.urls")),
    path("intake/", include("anju.intake.urls")),
    path("public/", include("anju.intake.public_urls")),
    path("matters/", include("anju.matters.urls")),
    path("api/", include("anju.api.urls")),
]

# prefix -> app label, for capabilities that may or may not be present in this checkout
OPTIONAL = {
    "screening/": "screening",
    "assessment/": "assessment",
    "warning/": "warning",
    "emergency/": "emergency",
    "reports/": "reports",
    "triage/": "triage",
    "dashboard/": "dashboard",
}
for prefix, label in OPTIONAL.items():
    if apps.is_installed(f"anju.{label}") and importlib.util.find_spec(f"anju.{label}.urls") is not None:
        urlpatterns.append(path(prefix, include(f"anju.{label}.urls")))
