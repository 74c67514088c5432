"""Public pages (no login): /public/submit and /public/track, exactly as printed on posters and receipts."""

from django.urls import path
from django.views.generic import RedirectView

from anju.intake import public_views

app_name = "public"
urlpatterns = [
    path("submit", public_views.submit, name="submit"),
    path("track", public_views.track, name="track"),
    path("rate", public_views.rate, name="rate"),
    path("receipt", public_views.receipt, name="receipt"),
    path("receipt.png", public_views.receipt_image, name="receipt_image"),
    # Typed with a trailing slash: send to the canonical address instead of a 404.
    path("submit/", RedirectView.as_view(pattern_name="public:submit", query_string=True)),
    path("track/", RedirectView.as_view(pattern_name="public:track", query_string=True)),
]
