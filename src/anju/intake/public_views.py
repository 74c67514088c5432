"""The citizen's pages: submit a request without an account, and track it by receipt code.

Neither page ever shows personal data; the track page shows only what ``actions.public_status`` returns.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from anju.core.textsafety import neutralise_invisible
from anju.intake import actions, ratelimit, receipts
from anju.intake.forms import PublicReportForm, add_action_errors
from anju.intake.models import Channel

SUBMIT_SCOPE = "public-submit"
MAX_ECHOED_CODE_CHARS = 32


def _too_many(request):
    return render(request, "public/rate_limited.html", status=429)


@require_http_methods(["GET", "POST"])
def submit(request):
    limit = settings.ANJU_PUBLIC_SUBMIT_PER_HOUR
    if ratelimit.exceeded(request, SUBMIT_SCOPE, limit):
        return _too_many(request)
    if request.method == "GET":
        return render(request, "public/submit.html", {"form": PublicReportForm()})
    # Every attempt counts, valid or not, so the form cannot be used to probe or flood.
    ratelimit.hit(request, SUBMIT_SCOPE)
    form = PublicReportForm(request.POST, request.FILES)
    if request.POST.get("homepage"):
        # A bot filled the hidden field: answer as if received, save nothing.
        return render(request, "public/submitted.html", {"code": None})
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = actions.submit_report(
                None,
                channel=Channel.ONLINE,
                text=data["text"],
                area=data["area"],
                location=data["location"],
                anonymous=data["anonymous"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return render(request, "public/submitted.html", {"code": receipts.display(report.receipt_code)})
    return render(request, "public/submit.html", {"form": form})


@csrf_exempt  # a pure read: a kiosk or another site may POST a code without our form's token
@require_http_methods(["GET", "POST"])
def track(request):
    """Status by receipt code. A malformed or unknown code is a friendly "not found", always HTTP 200."""
    raw = request.POST.get("code") if request.method == "POST" else request.GET.get("code")
    # A code with an invisible character matches nothing (refused); echoed without it, so it cannot spoof.
    echoed = neutralise_invisible(raw or "")[:MAX_ECHOED_CODE_CHARS]
    context = {"code": echoed, "asked": raw is not None and raw.strip() != ""}
    if context["asked"]:
        context["result"] = actions.public_status(raw)
    return render(request, "public/track.html", context)
