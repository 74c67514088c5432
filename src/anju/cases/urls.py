from django.urls import path

from anju.cases import views, views_spread

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("spread/", views_spread.area_spread, name="spread"),
    path("<int:pk>/spread/", views_spread.case_spread, name="case_spread"),
    path("buffer/new/", views_spread.buffer_new, name="buffer_new"),
    path("buffer/<int:pk>/end/", views_spread.buffer_end, name="buffer_end"),
]
