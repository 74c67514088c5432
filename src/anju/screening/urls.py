from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import path, reverse

from anju.screening import views


def _moved_to(name: str):
    """The notification centre moved to core (/notifications/): old links and bookmarks still arrive there.
    308 keeps a POST a POST (and its CSRF token), so a form on a page loaded before the move still works."""

    @login_required
    def moved(request, **kwargs):
        url = reverse(name, kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        response = HttpResponseRedirect(url)
        response.status_code = 308
        return response

    return moved


app_name = "screening"
urlpatterns = [
    path("", views.index, name="index"),
    path("cadences/", views.cadences, name="cadences"),
    path("rounds/<int:pk>/", views.round_board, name="round"),
    path("rounds/<int:pk>/file/", views.file_return, name="file"),
    path("rounds/<int:pk>/close/", views.round_close, name="close"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="remind"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/correct/", views.correct_return, name="correct"),
    path("notifications/", _moved_to("core:notifications"), name="notifications_moved"),
    path("notifications/<int:pk>/open/", _moved_to("core:notification_open"), name="notification_open_moved"),
    path(
        "notifications/read-all/",
        _moved_to("core:notifications_read_all"),
        name="notifications_read_all_moved",
    ),
]
