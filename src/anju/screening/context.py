"""Template context: the unread count of the notification centre for the top bar."""

from __future__ import annotations

from anju.screening.notifications import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
