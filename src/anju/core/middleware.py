"""anju's own middleware: the chosen language, typed input cleaned once for every page and the API, and
the privacy headers of every answer.

Language: Simplified Chinese unless the user chose another language in the menu.
Django's LocaleMiddleware would follow the browser's Accept-Language; a governance centre's pages should
not switch language because a staff member's browser is set to English.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _

from anju.core import textsafety


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


class InputSafetyMiddleware:
    """Clean every typed value once, before any view, form, API schema or action sees it.

    Query and form parameters (and the members of a JSON body) lose their control characters; free text
    also loses bidirectional and zero-width characters. Names and codes (``IDENTIFIER_PARAMETERS``) keep
    those so that their fields can refuse them with a message (``textsafety.refuse_invisible``): a name
    silently changed is worse than one refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ANJU_MAX_REQUEST_BYTES:
            return HttpResponse(
                _("提交的内容过大（最多 %(mb)s MB）。")
                % {"mb": settings.ANJU_MAX_REQUEST_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        try:
            request.GET = _clean_query(request.GET)
            content_type = request.content_type or ""
            if request.method in ("POST", "PUT", "PATCH") and content_type == "application/json":
                _clean_json_body(request)
            elif request.method == "POST":
                if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                    if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                        # Keep the raw body readable after the form is parsed (Django parses a cached
                        # body): the API reads request.body and answers a form sent to it with a 4xx.
                        request.body  # noqa: B018
                    request.POST = _clean_query(request.POST)
        except MultiPartParserError:
            return HttpResponseBadRequest(_("请求格式不正确。"), content_type="text/plain; charset=utf-8")
        except _ValueTooLong:
            message = _("填写的内容过长（每项最多 %(n)s 字）。") % {"n": textsafety.MAX_VALUE_CHARS}
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class _ValueTooLong(ValueError):
    pass


def _check_length(value) -> None:
    if isinstance(value, str) and len(value) > textsafety.MAX_VALUE_CHARS:
        raise _ValueTooLong
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        _check_length(item)


def _clean_query(query):
    cleaned = query.copy()
    for name in list(cleaned.keys()):
        values = cleaned.getlist(name)
        _check_length(values)
        cleaned.setlist(name, [textsafety.clean_value(name, v) for v in values])
    cleaned._mutable = False
    return cleaned


def _clean_json_body(request) -> None:
    import json

    try:
        data = json.loads(request.body)
    except ValueError:
        return  # not JSON: the API answers it with its own 4xx
    _check_length(data)
    request._body = json.dumps(textsafety.clean_value("", data), ensure_ascii=False).encode()


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
