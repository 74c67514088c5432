"""What the emergency pages share: several forms on one page, each tied to one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from anju.core.errors import http_status
from anju.core.forms import add_action_errors


@dataclass
class PageForm:
    make: Callable  # (data or None) -> form
    act: Callable  # (cleaned_data, seen_version) -> what the action returned; calls one action
    message: str  # shown after success


def _named(form, name: str):
    form.auto_id = f"id_{name}_%s"
    return form


def handle(request, page_forms: dict[str, PageForm], success_url):
    """Unbound forms for a GET; for a POST the form named by ``form``: valid and accepted → a redirect to
    ``success_url`` (a path, or a function of what the action returned); else the form again with its errors (the action's next to its fields) and the status.

    Returns (response or None, forms, status). Each form's ids carry its name (``id_<form>_<field>``): a page
    shows several forms whose fields share names (the board's notes), and ids must stay unique."""
    forms = {name: _named(pf.make(None), name) for name, pf in page_forms.items()}
    if request.method != "POST":
        return None, forms, 200
    name = request.POST.get("form")
    if name not in page_forms:
        return None, forms, 400
    page_form = page_forms[name]
    form = _named(page_form.make(request.POST), name)
    status = 400
    if form.is_valid():
        try:
            result = page_form.act(form.cleaned_data, request.POST.get("version"))
        except ValidationError as exc:  # NotAllowed, Conflict and WorkflowError included
            add_action_errors(form, exc)
            status = http_status(exc)
        else:
            messages.success(request, str(page_form.message))
            return redirect(success_url(result) if callable(success_url) else success_url), forms, 302
    forms[name] = form
    return None, forms, status
