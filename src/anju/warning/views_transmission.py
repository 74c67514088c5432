"""The 风险传导 page: for a county or town, where each domain's matters come from (arising locally, own past,
neighbours), the strongest couplings, the weeks risk spread; the 动态模拟 form; and the button that queues a
refit. Reading and simulating change nothing; the refit is a background job (``tasks.fit_transmission``)."""

from __future__ import annotations

from itertools import zip_longest

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import jobs
from anju.core.models import Area, AreaLevel, JobKind
from anju.core.params import id_param
from anju.core.permissions import may
from anju.core.scoping import in_scope, scoped
from anju.warning.models import TransmissionFit
from anju.warning.tasks import fit_transmission
from anju.warning.transmission_charts import share_bar, stacked_weeks
from anju.warning.transmission_scenario import ScenarioForm, run_scenario


def _county_to_fit(user) -> Area | None:
    """The county whose refit this user may queue: their own area, when it is a county (a town's staff
    see their town's part of the county's model but do not refit the whole county)."""
    if not may(user, "transmission.fit") or user.area is None or user.area.level != AreaLevel.COUNTY:
        return None
    return user.area if in_scope(user, user.area) else None


def _sentence(area_name: str, domain: dict) -> str:
    shares = domain["shares"]
    values = {
        "area": area_name,
        "domain": domain["name"],
        "ne": round(100 * (shares.get("ne") or 0)),
        "ar": round(100 * (shares.get("ar") or 0)),
        "end": round(100 * (shares.get("end") or 0)),
    }
    text = (
        _(
            "%(area)s的%(domain)s类事项中，约 %(ne)s%% 来自相邻村或相关领域上周事项的传导，约 %(ar)s%% 来自本村同类事项"
            "上周未平息的延续，其余约 %(end)s%% 是各村自身发生的（与季节、村的规模有关）。"
        )
        % values
    )
    spread = domain.get("spreading_shares") or {}
    if domain.get("spreading_weeks") and spread:
        text += " " + _(
            "近一年有 %(n)s 周以传导或延续为主（自 %(first)s 起）；这几周的事项约 %(ne)s%% 来自相邻村或相关领域的传导，"
            "约 %(ar)s%% 来自本村延续。"
        ) % {
            "n": len(domain["spreading_weeks"]),
            "first": domain["spreading_weeks"][0],
            "ne": round(100 * (spread.get("ne") or 0)),
            "ar": round(100 * (spread.get("ar") or 0)),
        }
    if values["ne"] >= 40:
        text += " " + _("传导占比较高：相邻村出现此类事项增多时，本村应提前排查。")
    elif values["ar"] >= 40:
        text += " " + _("延续占比较高：及时化解已登记的事项最能减少后续事项。")
    return text


def _scenario_sentence(report) -> str:
    return _(
        "若%(v)s的%(d)s类事项在 %(w)s 周内增加到平常的 %(f)s 倍，%(h)s 周内本辖区预计多出约 %(e)s 件事项"
        "（95%% 区间 %(lo)s–%(hi)s 件）。"
    ) % {
        "v": report.village,
        "d": report.domain,
        "w": report.weeks,
        "f": f"{report.factor:g}",
        "h": report.horizon,
        "e": f"{report.total['expected']:.1f}",
        "lo": f"{report.total['low']:.0f}",
        "hi": f"{report.total['high']:.0f}",
    }


@login_required
def transmission(request):
    request.user.require("transmission.view")
    fits = list(scoped(request.user, TransmissionFit).select_related("area").order_by("area__path"))
    if not fits:
        return render(
            request,
            "warning/transmission.html",
            {
                "fit": None,
                "county_to_fit": _county_to_fit(request.user),
                "fit_job": jobs.latest_job(request.user, JobKind.TRANSMISSION_FIT),
            },
        )
    code = request.GET.get("area", "")
    fit = next((f for f in fits if f.area.code == code), None)
    if code and fit is None:
        raise Http404
    fit = fit or next((f for f in fits if f.area_id == request.user.area_id), fits[0])
    result = fit.result
    domains = result.get("domains", [])
    for row in domains:
        row["sentence"] = _sentence(fit.area.name, row)
        row["bar"] = share_bar(row["shares"])
        row["bar_label"] = _("自身发生 %(a)s%%，本村延续 %(b)s%%，传导 %(c)s%%") % {
            "a": row["bar"][0]["pct"],
            "b": row["bar"][1]["pct"],
            "c": row["bar"][2]["pct"],
        }
    chosen_id = id_param(request.GET.get("domain", ""))
    chosen = next((d for d in domains if d["id"] == chosen_id), None)
    if chosen is None and domains:
        chosen = max(domains, key=lambda d: (d["shares"].get("ne") or 0) * d["observed"])
    chart = stacked_weeks(result.get("weeks", []), chosen["weekly"]) if chosen else None

    form, report, status = None, None, 200
    if request.GET.get("s-village") is not None:
        form = ScenarioForm(request.GET, prefix="s", fit_result=result)
        if form.is_valid():
            report = run_scenario(result, fit.area.path, **form.cleaned_data)
        else:
            status = 400
    else:
        initial = {"village": None, "domain": chosen["id"] if chosen else None}
        if chosen and chosen.get("villages"):
            initial["village"] = chosen["villages"][0]["id"]
        form = ScenarioForm(prefix="s", fit_result=result, initial=initial)
    return render(
        request,
        "warning/transmission.html",
        {
            "fit": fit,
            "fits": fits,
            "result": result,
            "domains": domains,
            "chosen": chosen,
            "chart": chart,
            "form": form,
            "report": report,
            "report_sentence": _scenario_sentence(report) if report else "",
            "coefficients": result.get("coefficients", {}),
            "coupling_rows": list(
                zip_longest(
                    result.get("couplings", {}).get("villages", []),
                    result.get("couplings", {}).get("domains", []),
                )
            ),
            "county_to_fit": _county_to_fit(request.user),
            "fit_job": jobs.latest_job(request.user, JobKind.TRANSMISSION_FIT),
        },
        status=status,
    )


@login_required
@require_POST
def transmission_fit(request):
    """Queue the refit for ``anju worker``; the job calls ``fit_transmission`` with this user as actor."""
    county = _county_to_fit(request.user)
    if county is None:
        raise PermissionDenied(_("您无权计算风险传导模型。"))
    jobs.start(fit_transmission, user=request.user, kind=JobKind.TRANSMISSION_FIT, county_id=county.pk)
    messages.info(request, _("风险传导模型已在后台开始计算，进度见下方。"))
    return redirect("warning:transmission")
