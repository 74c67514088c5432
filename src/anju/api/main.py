"""The JSON API: one ``NinjaAPI`` with token or session authentication, scoped like the pages.

OpenAPI schema at ``/api/openapi.json``; a browsable page at ``/api/docs`` (see ``docs``).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from anju.api import (
    areas,
    assessment,
    emergency,
    emergency_actions,  # noqa: F401  (adds its writes to emergency.router)
    emergency_resources,  # noqa: F401  (adds resources, releases, tasks, aftermath to emergency.router)
    errors,
    matter_actions,
    matters,
    monthly_reports,
    people,
    reports,
    screening,
    tokens,
    warning,
)
from anju.api.auth import AUTH


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 Chinese as it is, not as \\uXXXX escapes: readable in logs, curl and the docs page."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="anju API",
    version="1",
    description=(
        "安居 anju: areas, risk domains, reports and the matters ledger with its workflow; screening (排查), "
        "稳评, early warning (预警, 研判会) and monthly reports (信息报送). "
        "Authenticate with `Authorization: Bearer <token>` (create one with `anju token create USERNAME`) "
        "or a logged-in browser session. Every list and object is limited to the user's area subtree; "
        'personal data is masked. Errors: `{"detail": …, "errors": {field: [消息]}}` with 401, 403, '
        "404 (unknown or outside your area), 409 (workflow does not allow it now) or 422 (invalid data)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,  # served by anju.api.docs from ninja's bundled assets, never from a CDN
    auth=AUTH,
    renderer=ReadableJSONRenderer(),
)
errors.install(api)
api.add_router("", people.router)
api.add_router("", areas.router)
api.add_router("", reports.router)
api.add_router("", matters.router)
api.add_router("", matter_actions.router)
api.add_router("", screening.router)
api.add_router("", assessment.router)
api.add_router("", warning.router)
api.add_router("", monthly_reports.router)
api.add_router("", emergency.router)
api.add_router("", tokens.router)
errors.document_errors(api)  # last: after every router
