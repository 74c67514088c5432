from django.urls import path

from anju.matters import views, views_levels, views_print

app_name = "matters"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("supervision/", views.supervision, name="supervision"),
    path("level-rules/", views_levels.level_rules, name="level_rules"),
    path("progress-reports/", views_levels.progress_reports, name="progress_reports"),
    path("unit-members/", views.unit_members, name="unit_members"),
    path("agreements/<int:pk>/", views.agreement_file, name="agreement"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/print/assignment/", views_print.assignment_slip, name="print_assignment"),
    path("<int:pk>/print/supervision/", views_print.supervision_slip, name="print_supervision"),
]
