"""anju's own middleware: the chosen language, and the privacy headers of every answer.

Language: Simplified Chinese unless the user chose another language in the menu. Django's LocaleMiddleware
would follow the browser's Accept-Language; a governance centre's pages should not switch language because a
staff member's browser is set to English.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# The grid worker's report form takes a photo and a position; nothing else may use devices or sensors.
PERMISSIONS_POLICY = (
    "camera=(self), geolocation=(self), microphone=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every answer; no caching of citizens' pages or of anything a signed-in user saw.

    A shared office computer or a proxy must not keep a copy of a page with personal data or a receipt."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith("/public/") or (user is not None and user.is_authenticated):
            response.headers["Cache-Control"] = "no-store"
        return response
