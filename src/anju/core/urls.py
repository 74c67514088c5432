from django.contrib.auth import views as auth_views
from django.urls import path

from anju.core import audit_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
]
