"""动态模拟: "if this village's matters of this domain rise k-fold for some weeks, what follows?" — run from a
stored fit (no state change), reported as the expected extra matters by village and by domain, with 95 %
intervals from coupled simulation (``anju.signals.hhh4_scenario``). Only the areas of the fit's own area are
reported: a town sees what reaches its villages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django import forms
from django.utils.translation import gettext_lazy as _
from scipy import sparse

from anju.signals.hhh4_scenario import Projection, scenario
from anju.warning.transmission import HORIZON

FOLLOW_UP_WEEKS = 4  # weeks shown after the shock ends
NSIM = 1000
MAX_FACTOR = 10


class ScenarioForm(forms.Form):
    village = forms.TypedChoiceField(label=_("村（社区）"), coerce=int)
    domain = forms.TypedChoiceField(label=_("风险领域"), coerce=int)
    factor = forms.DecimalField(
        label=_("倍数"),
        initial=2,
        max_digits=4,
        decimal_places=1,
        error_messages={"invalid": _("请输入数字，例如 2 表示翻一番。")},
    )
    weeks = forms.IntegerField(
        label=_("持续周数"), initial=3, error_messages={"invalid": _("请输入整数周数。")}
    )

    def __init__(self, *args, fit_result: dict, **kwargs):
        super().__init__(*args, **kwargs)
        projection = fit_result.get("projection", {})
        self.fields["village"].choices = [(v["id"], v["name"]) for v in fit_result.get("villages", [])]
        domains = projection.get("domains", {})
        self.fields["domain"].choices = sorted(
            ((int(k), v) for k, v in domains.items()), key=lambda kv: kv[0]
        )
        for name in ("village", "domain"):
            self.fields[name].error_messages["invalid_choice"] = _("请从列表中选择。")
            self.fields[name].error_messages["required"] = _("请选择。")
        self.fields["factor"].error_messages["required"] = _("请填写倍数。")
        self.fields["weeks"].error_messages["required"] = _("请填写持续周数。")
        self.units = {tuple(u): i for i, u in enumerate(projection.get("units", []))}

    def clean_factor(self):
        factor = self.cleaned_data["factor"]
        if not 1 < factor <= MAX_FACTOR:
            raise forms.ValidationError(_("倍数须大于 1、不超过 %(max)s。") % {"max": MAX_FACTOR})
        return float(factor)

    def clean_weeks(self):
        weeks = self.cleaned_data["weeks"]
        longest = HORIZON - FOLLOW_UP_WEEKS
        if not 1 <= weeks <= longest:
            raise forms.ValidationError(_("持续周数须为 1 至 %(max)s 周。") % {"max": longest})
        return weeks

    def clean(self):
        data = super().clean()
        village, domain = data.get("village"), data.get("domain")
        if village is not None and domain is not None and (village, domain) not in self.units:
            self.add_error(
                "domain",
                _("该村这一领域近三年没有事项，模型中没有这一序列，无法模拟；请选择其他领域。"),
            )
        return data


def load_projection(result: dict) -> Projection:
    raw = result["projection"]
    n = len(raw["units"])
    triplets = np.array(raw["weights"], dtype=float).reshape(-1, 3)
    weights = sparse.csr_matrix(
        (triplets[:, 2], (triplets[:, 0].astype(int), triplets[:, 1].astype(int))), shape=(n, n)
    )
    return Projection(
        end=np.array(raw["end"], dtype=float),
        ar=np.array(raw["ar"], dtype=float),
        ne=np.array(raw["ne"], dtype=float),
        weights=weights,
        size=raw["size"],
        start=np.array(raw["start"], dtype=float),
    )


@dataclass
class ScenarioReport:
    village: str
    domain: str
    factor: float
    weeks: int
    horizon: int
    total: dict
    by_village: list
    by_domain: list
    by_week: list


def run_scenario(
    result: dict, area_path: str, *, village: int, domain: int, factor: float, weeks: int, seed=0
):
    """The scenario on a stored fit, reported for the villages under ``area_path`` only."""
    raw = result["projection"]
    units = [tuple(u) for u in raw["units"]]
    unit = units.index((village, domain))
    proj = load_projection(result)
    horizon = weeks + FOLLOW_UP_WEEKS
    proj.end = proj.end[:horizon]
    outcome = scenario(proj, unit, factor=factor, weeks=weeks, nsim=NSIM, seed=seed)
    villages, domains = raw["villages"], raw["domains"]
    inside = np.array([villages[str(v)][1].startswith(area_path) for v, _d in units])
    expected = outcome.expected.sum(axis=0)

    def summary(mask) -> dict:
        lo, hi = outcome.interval(mask)
        return {"expected": float(expected[mask].sum()), "low": lo, "high": hi}

    unit_village = np.array([v for v, _d in units])
    unit_domain = np.array([d for _v, d in units])
    by_village = [
        {"name": villages[str(v)][0], **summary((unit_village == v) & inside)}
        for v in np.unique(unit_village[inside])
    ]
    by_domain = [
        {"name": domains[str(d)], **summary((unit_domain == d) & inside)}
        for d in np.unique(unit_domain[inside])
    ]
    by_village = [row for row in sorted(by_village, key=lambda r: -r["expected"]) if row["expected"] >= 0.005]
    by_domain = [row for row in sorted(by_domain, key=lambda r: -r["expected"]) if row["expected"] >= 0.005]
    weekly = outcome.expected[:, inside].sum(axis=1)
    weekly_paths = outcome.paths[:, :, inside].sum(axis=2)
    lows, highs = np.quantile(weekly_paths, [0.025, 0.975], axis=0)
    by_week = [
        {
            "week": k + 1,
            "shock": k < weeks,
            "expected": float(weekly[k]),
            "low": float(lows[k]),
            "high": float(highs[k]),
        }
        for k in range(horizon)
    ]
    return ScenarioReport(
        village=villages[str(village)][0],
        domain=domains[str(domain)],
        factor=factor,
        weeks=weeks,
        horizon=horizon,
        total=summary(inside),
        by_village=by_village[:15],
        by_domain=by_domain,
        by_week=by_week,
    )
