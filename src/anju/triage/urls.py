from django.urls import path

from anju.triage import views

app_name = "triage"
urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("model/", views.model_status, name="model"),
    path("model/train/", views.train, name="train"),
]
