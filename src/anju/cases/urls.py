from django.urls import path

from anju.cases import views, views_opinion

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("opinion/", views_opinion.opinion_list, name="opinion_list"),
    path("opinion/new/", views_opinion.opinion_new, name="opinion_new"),
    path("opinion/<int:pk>/", views_opinion.opinion_detail, name="opinion_detail"),
    path("opinion/<int:pk>/<slug:step>/", views_opinion.opinion_step, name="opinion_step"),
]
