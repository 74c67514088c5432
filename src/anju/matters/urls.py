from django.urls import path, re_path

from anju.matters import (
    views,
    views_batch,
    views_coordination,
    views_export,
    views_levels,
    views_print,
    views_queues,
)

app_name = "matters"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export/", views.export, name="export"),
    re_path(r"^export\.(?P<fmt>csv|json)$", views_export.export_data_view, name="export_data"),
    path("batch/", views_batch.batch, name="batch"),
    path("new/", views.new, name="new"),
    path("supervision/", views.supervision, name="supervision"),
    path("ungraded/", views_queues.ungraded, name="ungraded"),
    path("black-swans/", views_queues.black_swans, name="black_swans"),
    path("root-cause/", views_queues.root_cause, name="root_cause"),
    path("root-cause/<int:pk>/complete/", views_queues.complete_root_cause, name="complete_root_cause"),
    path("level-rules/", views_levels.level_rules, name="level_rules"),
    path("risk-matrix/", views_levels.risk_matrix, name="risk_matrix"),
    path("progress-reports/", views_levels.progress_reports, name="progress_reports"),
    path("unit-members/", views.unit_members, name="unit_members"),
    path("agreements/<int:pk>/", views.agreement_file, name="agreement"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/cohandle/", views_coordination.add_cohandler, name="add_cohandler"),
    path("<int:pk>/coordinate/", views_coordination.request_coordination, name="request_coordination"),
    path("<int:pk>/accountability/", views_coordination.record_accountability, name="record_accountability"),
    path("cohandling/<int:pk>/complete/", views_coordination.complete_task, name="complete_task"),
    path("cohandling/<int:pk>/withdraw/", views_coordination.withdraw_task, name="withdraw_task"),
    path("coordination/", views_coordination.coordination, name="coordination"),
    path("coordination/<int:pk>/", views_coordination.coordination_detail, name="coordination_detail"),
    path("coordination/<int:pk>/answer/", views_coordination.answer, name="answer_request"),
    path("accountability/", views_coordination.accountability, name="accountability"),
    path("<int:pk>/print/assignment/", views_print.assignment_slip, name="print_assignment"),
    path("<int:pk>/print/supervision/", views_print.supervision_slip, name="print_supervision"),
]
