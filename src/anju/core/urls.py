from django.contrib.auth import views as auth_views
from django.urls import path

from anju.core import account_views, audit_views, views
from anju.core.forms import SignInForm

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/logout-everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("account/2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("account/tokens/", account_views.api_tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", account_views.revoke_api_token, name="revoke_api_token"),
    path("account/lockouts/", account_views.lockouts, name="lockouts"),
    path("account/lockouts/unlock/", account_views.unlock, name="unlock"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
]
