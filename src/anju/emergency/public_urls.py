"""/public/emergency/: published information releases, as pages and CAP 1.2."""

from django.urls import path

from anju.emergency import public_views

app_name = "public_emergency"
urlpatterns = [
    path("", public_views.release_list, name="list"),
    path("feed.atom", public_views.release_feed, name="feed"),
    path("<int:pk>/", public_views.release_detail, name="detail"),
    path("<int:pk>/cap.xml", public_views.release_cap, name="cap"),
]
