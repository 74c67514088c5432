from django.urls import path

from anju.assessment import views, views_tasks

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("tasks/", views_tasks.unit_tasks, name="unit_tasks"),
    path("tasks/<int:pk>/done/", views_tasks.unit_task_done, name="unit_task_done"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/start/", views.item_start, name="item_start"),
    path("items/<int:pk>/decided/", views.item_decided, name="item_decided"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:name>/", views.act, name="act"),
    path("<int:pk>/remove/<slug:kind>/<int:record_pk>/", views.remove, name="remove"),
    path("<int:pk>/report.<str:fmt>", views.report_file, name="report"),
]
