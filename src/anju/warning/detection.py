"""The platform's side of the detection methods: each domain's method and R-named controls, checked with
Chinese messages, and the scan's calls of the library's public ``anju.signals.detect``.

A new deployment has little history, so the number of past years used by the Farrington methods
(``b``) shrinks to what the data allow at each week, down to one year; weeks with less history than
that are recorded as not evaluated rather than given a made-up bound. EARS needs only its baseline
weeks; the library marks earlier weeks as not evaluated itself.

Nothing here writes to the database: the scan computes every point first (``scan_points``) and the
action writes them afterwards in one short transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.signals import CountPanel, Status, controls_of, default_controls, detect, keyword_controls
from anju.warning.counting import WeeklyCounts
from anju.warning.models import Method

DEFAULT_METHOD = Method.FARRINGTON_FLEXIBLE

# R-named controls of farringtonFlexible as the Noufaily et al. (2013) defaults used by public-health
# agencies; a domain's own controls override these.
NOUFAILY = {
    "b": 5,
    "w": 3,
    "noPeriods": 10,
    "pastWeeksNotIncluded": 26,
    "weightsThreshold": 2.58,
    "pThresholdTrend": 1.0,
    "trend": True,
    "thresholdMethod": "nbPlugin",
    "alpha": 0.05,
}
FARRINGTON_1996 = {"b": 5, "w": 3, "reweight": True, "trend": True, "alpha": 0.05}

# R's earsC defaults: alpha 0.001 for C1 and C2, 0.025 for C3.
DEFAULTS = {
    Method.FARRINGTON_FLEXIBLE: NOUFAILY,
    Method.FARRINGTON: FARRINGTON_1996,
    Method.EARS_C1: {"baseline": 7, "alpha": 0.001},
    Method.EARS_C2: {"baseline": 7, "alpha": 0.001},
    Method.EARS_C3: {"baseline": 7, "alpha": 0.025},
}


@dataclass(frozen=True)
class ControlField:
    """How a page asks for one R control and which values the platform accepts."""

    label: object  # lazy Chinese label
    kind: str  # "int", "float", "bool", "choice", "pair"
    low: float | None = None  # inclusive bounds for numbers
    high: float | None = None
    open_low: bool = False  # low itself not allowed
    open_high: bool = False
    choices: tuple[str, ...] = ()


# Bounds keep the controls where the methods are defined and a weekly series can serve them; they are
# the platform's choice, wider than the published settings (Noufaily: b 5, w 3, noPeriods 10).
CONTROL_FIELDS: dict[str, ControlField] = {
    "b": ControlField(gettext_lazy("参照往年年数 b"), "int", 1, 10),
    "w": ControlField(gettext_lazy("同期窗口半宽 w（周）"), "int", 0, 10),
    "noPeriods": ControlField(gettext_lazy("季节分段数 noPeriods"), "int", 1, 20),
    "pastWeeksNotIncluded": ControlField(
        gettext_lazy("不纳入拟合的近期周数 pastWeeksNotIncluded"), "int", 0, 52
    ),
    "weightsThreshold": ControlField(
        gettext_lazy("降权阈值 weightsThreshold"), "float", 0, 10, open_low=True
    ),
    "pThresholdTrend": ControlField(gettext_lazy("趋势检验 p 值阈值 pThresholdTrend"), "float", 0, 1),
    "trend": ControlField(gettext_lazy("拟合时间趋势 trend"), "bool"),
    "reweight": ControlField(gettext_lazy("离群点降权 reweight"), "bool"),
    "thresholdMethod": ControlField(
        gettext_lazy("阈值方法 thresholdMethod"), "choice", choices=("nbPlugin", "delta", "muan")
    ),
    "powertrans": ControlField(gettext_lazy("幂变换 powertrans"), "choice", choices=("2/3", "1/2", "none")),
    "limit54": ControlField(gettext_lazy("最少件数规则 limit54（件数,周数）"), "pair"),
    "alpha": ControlField(gettext_lazy("显著性水平 alpha"), "float", 0, 0.5, open_low=True, open_high=True),
    "baseline": ControlField(gettext_lazy("基线周数 baseline"), "int", 3, 52),
    "minSigma": ControlField(gettext_lazy("最小标准差 minSigma"), "float", 0, 100),
}


def applicable_controls(method: str) -> tuple[str, ...]:
    """The R names of the controls the platform offers for ``method``, in the order of the form."""
    offered = set(controls_of(method))
    return tuple(name for name in CONTROL_FIELDS if name in offered)


def controls_for(method: str, overrides: dict | None) -> dict:
    """The controls a scan passes on: the platform's defaults of the method, overridden by the domain's own
    (the library fills in R's defaults for the rest)."""
    merged = dict(DEFAULTS[method])
    merged.update(overrides or {})
    return merged


def effective_controls(method: str, overrides: dict | None) -> dict:
    """Every control of ``method`` with the value a scan uses, for pages: R's default, the platform's, the
    domain's own."""
    merged = default_controls(method) | controls_for(method, overrides)
    if merged.get("pastWeeksNotIncluded", 0) is None:  # R: the window half-width w
        merged["pastWeeksNotIncluded"] = merged["w"]
    return {name: merged[name] for name in applicable_controls(method)}


def control_text(value) -> str:
    """A control's value as the page shows it and the form reads it back."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number_error(name: str, spec: ControlField, value) -> str | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if spec.kind == "int" and not (is_number and float(value).is_integer()):
        return _("请填写整数。")
    if not is_number or not math.isfinite(value):
        return _("请填写数字。")
    too_low = value <= spec.low if spec.open_low else value < spec.low
    too_high = value >= spec.high if spec.open_high else value > spec.high
    if too_low or too_high:
        left, right = ("(" if spec.open_low else "["), (")" if spec.open_high else "]")
        return _("取值须在 %(range)s 之内。") % {"range": f"{left}{spec.low:g}, {spec.high:g}{right}"}
    return None


def clean_controls(method: str, controls: dict | None) -> dict:
    """The domain's own controls checked for ``method``; ``ValidationError`` maps each bad one to a message.

    Only controls that differ from the defaults need be given; each must apply to the method."""
    if method not in Method.values:
        raise ValidationError({"method": _("请选择监测方法。")})
    offered = applicable_controls(method)
    errors: dict[str, str] = {}
    clean: dict = {}
    for name, value in (controls or {}).items():
        spec = CONTROL_FIELDS.get(name)
        if spec is None or name not in offered:
            errors[name if spec else "controls"] = _("该参数不适用于所选方法（%(method)s），请清空。") % {
                "method": Method(method).label
            }
            continue
        if spec.kind == "bool":
            if not isinstance(value, bool):
                errors[name] = _("请选择是或否。")
            else:
                clean[name] = value
        elif spec.kind == "choice":
            if value not in spec.choices:
                errors[name] = _("请从 %(choices)s 中选择。") % {"choices": "、".join(spec.choices)}
            else:
                clean[name] = value
        elif spec.kind == "pair":
            ok = (
                isinstance(value, list | tuple)
                and len(value) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                and 0 <= value[0] <= 100
                and 1 <= value[1] <= 52
            )
            if not ok:
                errors[name] = _("请填写两个整数“件数,周数”，如 5,4（件数 0–100，周数 1–52）。")
            else:
                clean[name] = [int(value[0]), int(value[1])]
        else:
            message = _number_error(name, spec, value)
            if message:
                errors[name] = message
            else:
                clean[name] = int(value) if spec.kind == "int" else float(value)
    if errors:
        raise ValidationError(errors)
    keyword_controls(method, controls_for(method, clean))  # the library accepts them (a bug here if not)
    return clean


def years_available(t: int, w: int, freq: int = 52) -> int:
    """How many past years the Farrington window can reach at 1-based period ``t``."""
    return max(0, (t - w - 2) // freq)


def evaluate(method: str, controls: dict, panel: CountPanel, t_index: np.ndarray):
    """Run ``method`` with R-named ``controls`` at periods ``t_index``; yields (t_index subset, result)."""
    t_index = np.asarray(t_index, dtype=np.int64)
    kwargs = keyword_controls(method, controls)
    if method not in (Method.FARRINGTON, Method.FARRINGTON_FLEXIBLE):
        yield t_index, detect(panel, method, t_index=t_index, **kwargs)
        return
    w = int(controls.get("w", 3))
    wanted_b = int(controls.get("b", 5))
    b_at = np.minimum(wanted_b, np.array([years_available(int(t), w, panel.freq) for t in t_index]))
    for b in sorted(set(b_at.tolist()) - {0}):
        subset = t_index[b_at == b]
        yield subset, detect(panel, method, t_index=subset, jobs=0, **{**kwargs, "b": b})


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _expected(result, i: int, k: int) -> float | None:
    """The model's expected count. Farrington masks it where too few recent cases allow no alarm, but the
    fitted mean (``mu0``) is still what past years predict, which the charts and sentences show."""
    value = _finite(result.expected[i, k])
    if value is None and "mu0" in result.extra:
        value = _finite(result.extra["mu0"][i, k])
    return value


def scan_points(counts: WeeklyCounts, t_index: np.ndarray, configured: dict) -> list[dict]:
    """One dict of Signal fields per (village, domain, evaluated week), each domain with its own method.

    ``configured`` maps a domain id to its ``DomainDetection``; domains without one use the default."""
    n_domains = len(counts.domains)
    series_ids = [str(a.pk) for a in counts.areas]
    points: list[dict] = []
    for j, domain in enumerate(counts.domains):
        setting = configured.get(domain.pk)
        method = setting.method if setting else DEFAULT_METHOD
        controls = controls_for(method, setting.controls if setting else None)
        rows = np.arange(j, counts.counts.shape[0], n_domains)
        panel = CountPanel(counts.counts[rows], freq=52, dates=counts.mondays, series_ids=series_ids)
        evaluated = np.zeros((rows.size, t_index.size), dtype=bool)
        for subset, result in evaluate(method, controls, panel, t_index):
            cols = np.searchsorted(t_index, subset)
            weeks = [counts.mondays[t - 1].astype(dt.date) for t in subset]
            for i, area in enumerate(counts.areas):
                for k, col in enumerate(cols):
                    evaluated[i, col] = True
                    points.append(
                        dict(
                            area_id=area.pk,
                            domain_id=domain.pk,
                            week=weeks[k],
                            method=method,
                            observed=int(result.observed[i, k]),
                            expected=_expected(result, i, k),
                            upperbound=_finite(result.upperbound[i, k]),
                            score=_finite(result.score[i, k]),
                            alarm=bool(result.alarm[i, k]),
                            status=Status(int(result.status[i, k])).name.lower(),
                        )
                    )
        for i, col in zip(*np.nonzero(~evaluated), strict=True):
            points.append(
                dict(
                    area_id=counts.areas[i].pk,
                    domain_id=domain.pk,
                    week=counts.mondays[t_index[col] - 1].astype(dt.date),
                    method=method,
                    observed=int(counts.counts[rows[i], t_index[col] - 1]),
                    expected=None,
                    upperbound=None,
                    score=None,
                    alarm=False,
                    status=Status.INSUFFICIENT_HISTORY.name.lower(),
                )
            )
    return points
