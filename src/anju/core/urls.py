from django.contrib.auth import views as auth_views
from django.urls import path

from anju.core import (
    account_views,
    admin_import_views,
    admin_user_views,
    admin_views,
    audit_views,
    job_views,
    notification_views,
    user_import_views,
    views,
)
from anju.core.forms import SignInForm

app_name = "core"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="core/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("jobs/<int:pk>/", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/logout-everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("account/2fa/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("account/2fa/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("account/tokens/", account_views.api_tokens, name="api_tokens"),
    path("account/notifications/", account_views.notification_preferences, name="notification_preferences"),
    path("account/tokens/<int:token_id>/revoke/", account_views.revoke_api_token, name="revoke_api_token"),
    path("account/lockouts/", account_views.lockouts, name="lockouts"),
    path("account/lockouts/unlock/", account_views.unlock, name="unlock"),
    path("account/users/import/", user_import_views.user_import, name="user_import"),
    path("account/users/import/confirm/", user_import_views.user_import_confirm, name="user_import_confirm"),
    path(
        "account/users/import/passwords/",
        user_import_views.user_import_passwords,
        name="user_import_passwords",
    ),
    path(
        "account/users/import/template/", user_import_views.user_import_template, name="user_import_template"
    ),
    path("manage/", admin_views.index, name="manage"),
    path("manage/areas/", admin_views.area_list, name="manage_areas"),
    path("manage/areas/<int:pk>/", admin_views.area_detail, name="manage_area"),
    path("manage/areas/<int:pk>/child/", admin_views.area_add_child, name="manage_area_child"),
    path("manage/areas/<int:pk>/move/", admin_views.area_move, name="manage_area_move"),
    path("manage/areas/<int:pk>/boundary/", admin_views.area_boundary, name="manage_area_boundary"),
    path("manage/units/", admin_views.unit_list, name="manage_units"),
    path("manage/units/new/", admin_views.unit_new, name="manage_unit_new"),
    path("manage/units/<int:pk>/", admin_views.unit_detail, name="manage_unit"),
    path("manage/users/", admin_user_views.user_list, name="manage_users"),
    path("manage/users/new/", admin_user_views.user_new, name="manage_user_new"),
    path("manage/users/<int:pk>/", admin_user_views.user_detail, name="manage_user"),
    path("manage/users/<int:pk>/<slug:step>/", admin_user_views.user_step, name="manage_user_step"),
    path("manage/domains/", admin_views.domain_list, name="manage_domains"),
    path("manage/domains/new/", admin_views.domain_new, name="manage_domain_new"),
    path("manage/domains/<int:pk>/", admin_views.domain_detail, name="manage_domain"),
    path("manage/import/", admin_import_views.org_import, name="manage_import"),
    path("manage/import/confirm/", admin_import_views.org_import_confirm, name="manage_import_confirm"),
    path("manage/import/template/", admin_import_views.org_import_template, name="manage_import_template"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export/", audit_views.audit_export, name="audit_export"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification_open"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notifications_read_all"),
    path("notifications/deliveries/", notification_views.delivery_log, name="delivery_log"),
    path("reveal/<str:model>/<int:pk>/<str:field>/", views.reveal, name="reveal"),
]
