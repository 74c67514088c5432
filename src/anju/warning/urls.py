from django.urls import path

from anju.warning import views, views_alerts, views_analysis, views_detection, views_tasks, views_transmission

app_name = "warning"
urlpatterns = [
    path("signals/", views.signal_list, name="signals"),
    path("signals/scan/", views.scan_now, name="scan"),
    path("signals/methods/", views_detection.detection_list, name="detection"),
    path("signals/methods/<int:pk>/", views_detection.detection_edit, name="detection_edit"),
    path("", views_alerts.alert_list, name="index"),
    path("new/", views_alerts.alert_new, name="alert_new"),
    path("<int:pk>/", views_alerts.alert_detail, name="alert"),
    path("<int:pk>/<str:action>/", views_alerts.alert_action, name="alert_action"),
    path("<int:pk>/cap.xml", views_alerts.alert_cap, name="cap"),
    path("feed.atom", views_alerts.alert_feed, name="feed"),
    path("meetings/", views_analysis.meeting_list, name="meetings"),
    path("meetings/new/", views_analysis.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views_analysis.meeting_detail, name="meeting"),
    path("meetings/tasks/<int:pk>/done/", views_analysis.task_done, name="task_done"),
    path("tasks/", views_tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task"),
    path("transmission/", views_transmission.transmission, name="transmission"),
    path("transmission/fit/", views_transmission.transmission_fit, name="transmission_fit"),
    path("meetings/key-dates/", views_analysis.key_date_new, name="key_date_new"),
]
