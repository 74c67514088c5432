"""Core pages: revealing personal data. The audit log's pages are in audit_views, the notification centre's in
notification_views; the home page (工作台) is the dashboard app's, above the apps it summarises."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from anju.core import actions
from anju.core.errors import NotAllowed
from anju.core.scoping import get_scoped_or_404

# URL model names whose personal fields may be revealed -> (app label, model name)
REVEALABLE = {
    "report": ("intake", "Report"),
    # a matter's party is revealed for a purpose, by its handlers too: care's page (care:reveal_party)
    "matter": ("matters", "Matter"),  # free text kept masked: description
    "mediation": ("matters", "MediationSession"),  # summary, agreement_text
    "event": ("matters", "MatterEvent"),  # a free note
    "duty": ("emergency", "DutyPost"),  # a duty post's phone
}


@login_required
@require_POST
def reveal(request, model: str, pk: int, field: str):
    if model not in REVEALABLE:
        raise PermissionDenied
    app_label, model_name = REVEALABLE[model]
    model_cls = apps.get_model(app_label, model_name)
    obj = get_scoped_or_404(request.user, model_cls, pk=pk)
    try:
        value = actions.reveal_personal_data(
            request.user,
            obj,
            field,
            purpose=request.POST.get("purpose", ""),
            purpose_text=request.POST.get("purpose_text", ""),
        )
    except NotAllowed as exc:  # the action's guard (role and scope)
        raise PermissionDenied(" ".join(exc.messages)) from None
    except ValidationError as exc:
        return HttpResponse(escape(" ".join(exc.messages)), status=400)
    return HttpResponse(f'<span class="revealed prewrap">{escape(value) or "—"}</span>')
