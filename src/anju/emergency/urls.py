from django.urls import path

from anju.emergency import (
    views_aftermath,
    views_drills,
    views_incidents,
    views_plans,
    views_preparedness,
    views_resources,
)

app_name = "emergency"
urlpatterns = [
    path("", views_plans.index, name="index"),
    path("plans/", views_plans.plan_list, name="plans"),
    path("plans/new/", views_plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/plan.docx", views_plans.plan_export, name="plan_docx"),
    path("plans/<int:pk>/plan.pdf", views_plans.plan_export_pdf, name="plan_pdf"),
    path("drills/", views_drills.drill_list, name="drills"),
    path("drills/new/", views_drills.drill_new, name="drill_new"),
    path("drills/<int:pk>/", views_drills.drill_detail, name="drill"),
    path("drills/programmes/", views_preparedness.programmes, name="programmes"),
    path("resources/", views_resources.resources, name="resources"),
    path("resources/materials/<int:pk>/", views_resources.material_detail, name="material"),
    path("incidents/", views_incidents.incident_list, name="incidents"),
    path("incidents/new/", views_incidents.incident_new, name="incident_new"),
    path("incidents/<int:pk>/", views_incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/aftermath/", views_aftermath.aftermath, name="aftermath"),
    path("incidents/<int:pk>/closing.<str:fmt>", views_aftermath.closing_report, name="closing_report"),
    path("rectifications/", views_aftermath.rectifications, name="rectifications"),
    path("incidents/<int:pk>/requisitions/", views_preparedness.requisitions, name="requisitions"),
    path("tasks/<int:pk>/done/", views_incidents.task_done, name="task_done"),
]
