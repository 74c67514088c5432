from django.urls import path

from anju.intake import views, views_legacy, views_offline, views_triage

app_name = "intake"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("grid/", views.report_grid, name="grid"),
    path("grid/send/", views_offline.grid_send, name="grid_send"),
    path("grid/sw.js", views_offline.grid_service_worker, name="grid_sw"),
    path("grid/manifest.webmanifest", views_offline.grid_manifest, name="grid_manifest"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/register/", views.report_register, name="register"),
    path("<int:pk>/link/", views.report_link, name="link"),
    path("<int:pk>/reject/", views.report_reject, name="reject"),
    path("<int:pk>/print/receipt/", views.report_receipt, name="print_receipt"),
    path("<int:pk>/matters/", views.matter_search, name="matter_search"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("suggest/", views_triage.suggest, name="suggest"),
    path("hotspots/", views_triage.hotspots, name="hotspots"),
    path("legacy/", views_legacy.legacy_list, name="legacy_list"),
    path("legacy/<int:pk>/", views_legacy.legacy_detail, name="legacy_detail"),
    path("legacy/<int:pk>/mapping/", views_legacy.legacy_mapping, name="legacy_mapping"),
    path("legacy/<int:pk>/apply-mapping/", views_legacy.legacy_apply_mapping, name="legacy_apply_mapping"),
    path("legacy/<int:pk>/save-mapping/", views_legacy.legacy_save_mapping, name="legacy_save_mapping"),
    path("legacy/<int:pk>/check/", views_legacy.legacy_check, name="legacy_check"),
    path("legacy/<int:pk>/commit/", views_legacy.legacy_commit, name="legacy_commit"),
]
