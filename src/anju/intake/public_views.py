"""The citizen's pages: submit a request without an account, and track it by receipt code.

Neither page ever shows personal data; the track page shows only what ``actions.public_status`` returns.
A submission answers with a redirect to the receipt page (Post/Redirect/Get), and the form's one-time token
makes the same form sent twice create one request.
"""

from __future__ import annotations

import secrets
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from anju.core.errors import WorkflowError
from anju.core.forms import add_action_errors
from anju.core.textsafety import neutralise_invisible
from anju.intake import actions, ratelimit, receipts
from anju.intake.forms import PublicRatingForm, PublicReportForm
from anju.intake.models import Channel
from anju.intake.receipt_image import receipt_png

SUBMIT_SCOPE = "public-submit"
# The status lookup counts per client address and per receipt code: guessing codes from one address, or one
# code from many addresses, both run into a limit.
TRACK_SCOPE = "public-track"
TRACK_CODE_SCOPE = "public-track-code"
# Rating the handling is limited like the public form: every attempt counts, per client address.
RATE_SCOPE = "public-rate"
RECEIPT_SESSION_KEY = "anju_public_receipt"
# A form carries a one-time submission token: the same form sent twice creates one request.
SUBMISSION_KEPT_SECONDS = 3600
SUBMISSION_WAIT_SECONDS = 10
# How long the receipt page keeps showing the code: long enough to copy it, short on a shared kiosk.
RECEIPT_SHOWN_SECONDS = 30 * 60
MAX_ECHOED_CODE_CHARS = 32


def _too_many(request, *, lookup: bool = False):
    return render(request, "public/rate_limited.html", {"lookup": lookup}, status=429)


@require_http_methods(["GET", "POST"])
def submit(request):
    limit = settings.ANJU_PUBLIC_SUBMIT_PER_HOUR
    if ratelimit.exceeded(request, SUBMIT_SCOPE, limit):
        return _too_many(request)
    if request.method == "GET":
        context = {"form": PublicReportForm(), "submission": secrets.token_urlsafe(16)}
        return render(request, "public/submit.html", context)
    # Every attempt counts, valid or not, so the form cannot be used to probe or flood.
    ratelimit.hit(request, SUBMIT_SCOPE)
    form = PublicReportForm(request.POST, request.FILES)
    if request.POST.get("homepage"):
        # A bot filled the hidden field: answer as if received, save nothing.
        return _to_receipt(request, None)
    submission = request.POST.get("submission", "")[:64]
    if form.is_valid():
        data = form.cleaned_data
        key = f"anju:public-submission:{submission}"
        if submission and not cache.add(key, "", timeout=SUBMISSION_KEPT_SECONDS):
            # The same form sent again (a double click, a resend): answer with the first one's receipt.
            return _repeated_submission(request, key)
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
            cache.delete(key)  # nothing was saved: the corrected form may be sent again
            add_action_errors(form, error)
        else:
            if submission:
                cache.set(key, report.receipt_code, timeout=SUBMISSION_KEPT_SECONDS)
            return _to_receipt(request, report.receipt_code)
    return render(request, "public/submit.html", {"form": form, "submission": submission})


def _repeated_submission(request, key: str):
    """Wait (briefly) for the first request of this form to finish, then show its receipt."""
    deadline = time.monotonic() + SUBMISSION_WAIT_SECONDS
    while time.monotonic() < deadline:
        code = cache.get(key)
        if code is None:  # the first one was refused: nothing saved, the form is to be sent again
            break
        if code:
            return _to_receipt(request, code)
        time.sleep(0.1)
    response = redirect("public:submit")
    response.status_code = 303
    return response


def _to_receipt(request, code: str | None):
    """Post/Redirect/Get: the receipt is a page of its own, so that reloading it submits nothing again.

    The code waits in the visitor's session (a bot's dropped submission keeps an empty one)."""
    request.session[RECEIPT_SESSION_KEY] = {"code": code or "", "at": time.time()}
    response = redirect("public:receipt")
    response.status_code = 303  # See Other: the browser fetches the receipt with GET
    return response


@require_GET
def receipt(request):
    """The receipt of this browser's latest submission: the same page on every reload, for a while."""
    kept = request.session.get(RECEIPT_SESSION_KEY)
    if not kept or time.time() - kept.get("at", 0) > RECEIPT_SHOWN_SECONDS:
        return redirect("public:submit")
    code = _kept_code(request)
    return render(request, "public/submitted.html", {"code": receipts.display(code) if code else None})


def _kept_code(request) -> str | None:
    """The receipt code of this browser's latest submission, while it is still shown; else None."""
    kept = request.session.get(RECEIPT_SESSION_KEY)
    if not kept or time.time() - kept.get("at", 0) > RECEIPT_SHOWN_SECONDS:
        return None
    return kept.get("code") or None


@require_GET
def receipt_image(request):
    """The same receipt as a PNG (code and QR code of the status page), to keep on the phone."""
    code = _kept_code(request)
    if code is None:
        raise Http404
    shown = receipts.display(code)
    track_url = request.build_absolute_uri(reverse("public:track")) + "?" + urlencode({"code": shown})
    response = HttpResponse(receipt_png(shown, track_url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="anju-{shown}.png"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # a pure read: a kiosk or another site may POST a code without our form's token
@require_http_methods(["GET", "POST"])
def track(request):
    """Status by receipt code. A malformed or unknown code is a friendly "not found", always HTTP 200."""
    raw = request.POST.get("code") if request.method == "POST" else request.GET.get("code")
    # A code with an invisible character matches nothing (refused); echoed without it, so it cannot spoof.
    echoed = neutralise_invisible(raw or "")[:MAX_ECHOED_CODE_CHARS]
    context = {"code": echoed, "asked": raw is not None and raw.strip() != ""}
    if ratelimit.exceeded(request, TRACK_SCOPE, settings.ANJU_PUBLIC_TRACK_PER_HOUR):
        return _too_many(request, lookup=True)
    if context["asked"]:
        # Every lookup counts, found or not; a well-formed code counts for itself too, whoever asks.
        ratelimit.hit(request, TRACK_SCOPE)
        code = receipts.normalise(raw)
        if code is not None:
            subject = "receipt:" + code
            limit = settings.ANJU_PUBLIC_TRACK_PER_CODE_PER_HOUR
            if ratelimit.exceeded(request, TRACK_CODE_SCOPE, limit, subject=subject):
                return _too_many(request, lookup=True)
            ratelimit.hit(request, TRACK_CODE_SCOPE, subject=subject)
        context["result"] = actions.public_status(raw)
        context["rating_form"] = PublicRatingForm()
        context["just_rated"] = request.GET.get("rated") == "1"
    return render(request, "public/track.html", context)


@require_http_methods(["POST"])
def rate(request):
    """The citizen's rating of a resolved request (满意/基本满意/不满意 + a comment), once per receipt code.
    Answered with the status page: redirected to it when saved, shown again with the message when not."""
    if ratelimit.exceeded(request, RATE_SCOPE, settings.ANJU_PUBLIC_SUBMIT_PER_HOUR):
        return _too_many(request)
    ratelimit.hit(request, RATE_SCOPE)
    raw = request.POST.get("code", "")
    form = PublicRatingForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            actions.rate_handling(
                raw, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except WorkflowError as error:  # rated already, or not resolved yet
            form.add_error(None, error.messages)
            status = 409
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            response = redirect(reverse("public:track") + "?" + urlencode({"code": raw, "rated": "1"}))
            response.status_code = 303
            return response
    echoed = neutralise_invisible(raw)[:MAX_ECHOED_CODE_CHARS]
    context = {
        "code": echoed,
        "asked": bool(raw.strip()),
        "result": actions.public_status(raw),
        "rating_form": form,
    }
    return render(request, "public/track.html", context, status=status)
