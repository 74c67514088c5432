"""Mounted at the site's root: the home page (工作台) is "/", the overview (态势) "/dashboard/"."""

from django.urls import path

from anju.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.index, name="index"),
]
