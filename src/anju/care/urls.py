from django.urls import path

from anju.care import views

app_name = "care"
urlpatterns = [
    path("", views.index, name="index"),
]
