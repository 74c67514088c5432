from django.urls import path

from anju.warning import views

app_name = "warning"
urlpatterns = [
    path("signals/", views.signal_list, name="signals"),
    path("signals/scan/", views.scan_now, name="scan"),
]
