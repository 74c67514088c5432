"""Language: Simplified Chinese unless the user chose another language in the menu.

Django's LocaleMiddleware would follow the browser's Accept-Language; a governance centre's pages should
not switch language because a staff member's browser is set to English.
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
