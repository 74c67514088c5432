from django.urls import path

from anju.matters import views, views_print, views_queues

app_name = "matters"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("supervision/", views.supervision, name="supervision"),
    path("ungraded/", views_queues.ungraded, name="ungraded"),
    path("black-swans/", views_queues.black_swans, name="black_swans"),
    path("root-cause/", views_queues.root_cause, name="root_cause"),
    path("root-cause/<int:pk>/complete/", views_queues.complete_root_cause, name="complete_root_cause"),
    path("unit-members/", views.unit_members, name="unit_members"),
    path("agreements/<int:pk>/", views.agreement_file, name="agreement"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/print/assignment/", views_print.assignment_slip, name="print_assignment"),
    path("<int:pk>/print/supervision/", views_print.supervision_slip, name="print_supervision"),
]
