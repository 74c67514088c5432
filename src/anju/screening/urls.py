from django.urls import path

from anju.screening import views, views_notifications

app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("cadences/", views.cadences, name="cadences"),
    path("rounds/<int:pk>/", views.round_board, name="round"),
    path("rounds/<int:pk>/file/", views.file_return, name="file"),
    path("rounds/<int:pk>/close/", views.round_close, name="close"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="remind"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views_notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", views_notifications.notification_read_all, name="notifications_read_all"),
]
