from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from anju.triage import views

app_name = "triage"
urlpatterns = [
    # moved to intake (they read intake's reports); the old addresses keep working
    path("suggest/", views.moved_suggest, name="suggest"),
    path(
        "hotspots/",
        login_required(
            RedirectView.as_view(pattern_name="intake:hotspots", query_string=True, permanent=True)
        ),
        name="hotspots",
    ),
    path("model/", views.model_status, name="model"),
    path("model/train/", views.train, name="train"),
    path("model/target/", views.target_precision, name="target_precision"),
]
