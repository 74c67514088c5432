"""Pages of typed links between matters and of reopening an archived matter as a recurrence (复发).
Thin: find the matter in scope (404 outside), validate the form, call one ``matters.actions`` function."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.matters import actions
from anju.matters.actions.links import LINK_PERMISSION, REOPEN_PERMISSION
from anju.matters.forms_links import LinkForm, ReopenForm, UnlinkForm
from anju.matters.models import MatterLink
from anju.matters.views import _detail_context, _matter_or_404
from anju.matters.views_coordination import _matter_form, _submit


@login_required
@require_POST
def link(request, pk: int):
    return _matter_form(
        request,
        pk,
        "link",
        LINK_PERMISSION,
        lambda m: LinkForm(request.POST, user=request.user, matter=m, prefix="link"),
        lambda m, c: actions.link_matters(request.user, reason=c["reason"], **LinkForm.arguments_from(m, c)),
        _("已建立关联。"),
    )


@login_required
@require_POST
def unlink(request, pk: int, link_pk: int):
    matter = _matter_or_404(request.user, pk)
    # the link must touch this matter; the matter page only lists links to matters the user may see
    link_row = get_object_or_404(
        MatterLink.objects.filter(source=matter) | MatterLink.objects.filter(target=matter), pk=link_pk
    )
    return _matter_form(
        request,
        pk,
        f"unlink-{link_row.pk}",
        LINK_PERMISSION,
        lambda m: UnlinkForm(request.POST, prefix=f"unlink{link_row.pk}"),
        lambda m, c: actions.unlink_matters(
            request.user, link_row, reason=c["reason"], version=c["version"], on=m
        ),
        _("已解除关联。"),
    )


@login_required
@require_POST
def reopen(request, pk: int):
    matter = _matter_or_404(request.user, pk)
    request.user.require(REOPEN_PERMISSION)
    form = ReopenForm(request.POST, prefix="reopen")
    created = []
    status = _submit(
        request,
        form,
        lambda c: created.append(
            actions.reopen_matter(
                request.user,
                matter,
                reason=c["reason"],
                title=c["title"],
                copy_parties=c["copy_parties"],
                version=c["version"],
            )
        ),
        _("已复发重开为新事项。"),
    )
    if status is None:
        return redirect("matters:detail", pk=created[0].pk if created else matter.pk)
    matter = _matter_or_404(request.user, pk)
    if status == 400:
        messages.error(request, _("提交未成功，请按提示修改。"))
    return render(
        request, "matters/detail.html", _detail_context(request, matter, ("reopen", form)), status=status
    )
