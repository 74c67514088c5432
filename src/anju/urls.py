"""URL map. Each capability owns its URL module under its own prefix; core and dashboard share the root."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("anju.core.urls")),
    path("", include("anju.dashboard.urls")),  # the home page "/" and the overview "/dashboard/"
    path("intake/", include("anju.intake.urls")),
    path("public/emergency/", include("anju.emergency.public_urls")),  # 信息发布 of incidents
    path("public/", include("anju.intake.public_urls")),
    path("matters/", include("anju.matters.urls")),
    path("screening/", include("anju.screening.urls")),
    path("assessment/", include("anju.assessment.urls")),
    path("warning/", include("anju.warning.urls")),
    path("emergency/", include("anju.emergency.urls")),
    path("cases/", include("anju.cases.urls")),
    path("care/", include("anju.care.urls")),
    path("reports/", include("anju.reports.urls")),
    path("triage/", include("anju.triage.urls")),
    path("api/", include("anju.api.urls")),
    path("open311/v2/", include("anju.api.open311_urls")),  # GeoReport v2 for other systems (docs/open311.md)
]
