"""The browsable API page (Swagger UI) served from the assets bundled with django-ninja.

ninja renders its own page from a CDN unless ``ninja`` is an installed app; serving the few files from the
package folder here keeps the page working offline without touching the settings.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

import ninja
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_GET

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
ALLOWED = {"swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.png", "favicon.svg"}

PAGE = """<!DOCTYPE html>
<html lang="zh-hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css">
<link rel="icon" href="{assets}favicon.svg" type="image/svg+xml">
</head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{assets}swagger-ui-bundle.js"></script>
<script src="{assets}swagger-ui-init.js"></script>
</body>
</html>
"""


@require_GET
@login_required
def docs_page(request):
    assets = reverse("api-docs-asset", kwargs={"name": "x"})[:-1]
    settings = {"url": reverse("api:openapi-json"), "layout": "BaseLayout", "deepLinking": True}
    html = PAGE.format(
        title="anju API",
        assets=escape(assets),
        csrf=escape(get_token(request)),
        # "</" cannot end the JSON island early
        settings=json.dumps(settings).replace("</", "<\\/"),
    )
    return HttpResponse(html)


@require_GET
def docs_asset(request, name: str):
    if name not in ALLOWED:
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSETS / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
