from django.urls import path

from anju.cases import views, views_opinion, views_spread, views_work

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="index"),
    path("opinion/", views_opinion.opinion_list, name="opinion_list"),
    path("opinion/new/", views_opinion.opinion_new, name="opinion_new"),
    path("opinion/<int:pk>/", views_opinion.opinion_detail, name="opinion_detail"),
    path("opinion/<int:pk>/<slug:step>/", views_opinion.opinion_step, name="opinion_step"),
    path("new/", views.case_new, name="new"),
    path("from-cluster/", views_work.from_cluster, name="from_cluster"),
    path("tasks/<int:pk>/", views_work.task_detail, name="task"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/lead/", views_work.case_lead, name="lead"),
    path("<int:pk>/matters/", views_work.case_add_matters, name="add_matters"),
    path("<int:pk>/matters/<int:matter_pk>/remove/", views_work.case_remove_matter, name="remove_matter"),
    path("<int:pk>/close/", views_work.case_close, name="close"),
    path("<int:pk>/reopen/", views_work.case_reopen, name="reopen"),
    path("<int:pk>/tasks/", views_work.case_add_task, name="add_task"),
    path("<int:pk>/figures/", views_work.case_figures, name="figures"),
    path("<int:pk>/progress/", views_work.case_progress, name="progress"),
    path("<int:pk>/sessions/", views_work.case_session, name="session"),
    path("<int:pk>/meeting/", views_work.case_meeting, name="meeting"),
    path("spread/", views_spread.area_spread, name="spread"),
    path("<int:pk>/spread/", views_spread.case_spread, name="case_spread"),
    path("buffer/new/", views_spread.buffer_new, name="buffer_new"),
    path("buffer/<int:pk>/end/", views_spread.buffer_end, name="buffer_end"),
]
