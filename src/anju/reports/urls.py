from django.urls import path

from anju.reports import views, views_progress

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("generate-below/", views.generate_all, name="generate_all"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sections/", views.sections, name="sections"),
    path("<int:pk>/download.<str:fmt>", views.download, name="download"),
    path("<int:pk>/export.json", views.export_json, name="export_json"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("progress/", views_progress.progress_index, name="progress_index"),
    path("progress/new/", views_progress.progress_new, name="progress_new"),
    path("progress/<int:pk>/", views_progress.progress_detail, name="progress"),
    path("progress/<int:pk>/read/", views_progress.progress_read, name="progress_read"),
    path("progress/<int:pk>/attachment/", views_progress.progress_attachment, name="progress_attachment"),
]
