from django.urls import path

from anju.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download.<str:fmt>", views.download, name="download"),
    path("<int:pk>/submit/", views.submit, name="submit"),
]
