"""Open311 GeoReport v2 (``/open311/v2/``): each call in JSON or XML by its suffix."""

from django.urls import re_path

from anju.api import open311

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[-\w]{1,50})" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests_, name="requests"),
    re_path(r"^requests/(?P<request_id>[-\w]{1,40})" + FMT, open311.request_detail, name="request"),
]
