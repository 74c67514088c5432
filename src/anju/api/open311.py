"""Open311 GeoReport v2 at ``/open311/v2/`` (docs/open311.md): other systems post citizens' requests into
intake and follow them by receipt code.

A service is a risk domain (service_code = the domain's code). A posted request is an intake report received
through the online channel from the API key's user (``intake.actions.submit_report``, with its permission and
scope checks); its ``service_request_id`` is the citizen's receipt code. What a request answers about itself
is what the citizen's status page shows (``intake.actions.public_status``): the status, the neutral lines of
the public timeline events and the text written for the citizen — never the citizen's text, names, staff
notes or the exact position. There is no ``tokens`` call: the receipt code is given at once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from anju.api.open311_format import answer, errors, place
from anju.core.api_tokens import valid_token
from anju.core.errors import NotAllowed
from anju.core.models import Domain
from anju.intake import actions, ratelimit, receipts
from anju.intake.models import Channel, Report, ReportStatus
from anju.matters.workflow import CLOSED_STATUSES

RATE_SCOPE = "open311"
# Without a key, looking requests up by receipt code counts against the citizen's status page's limit per
# client address: the API is no faster a way to guess codes than the page.
TRACK_SCOPE = "public-track"
DEFAULT_DAYS = 90  # the specification's default window for a listing without dates
MAX_REQUESTS = 200  # the most requests one listing answers (the specification lets a server choose)
MAX_IDS = 100
# submit_report's field names → the Open311 parameter a client sent
PARAMETER_OF_FIELD = {
    "text": "description",
    "latitude": "lat",
    "location": "address_string",
    "reporter_name": "first_name",
    "reporter_phone": "phone",
    "area": "address_string",
}
REQUEST_ATTRIBUTES = (
    "description",
    "lat",
    "long",
    "address_string",
    "first_name",
    "last_name",
    "phone",
)


class Refusal(Exception):
    """An Open311 error answer: its HTTP status and descriptions."""

    def __init__(self, status: int, *descriptions):
        super().__init__(descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def _params(request) -> dict:
    return request.POST if request.method == "POST" else request.GET


def _check_jurisdiction(request) -> None:
    expected = settings.ANJU_OPEN311_JURISDICTION
    given = (_params(request).get("jurisdiction_id") or "").strip()
    if expected and given and given != expected:
        raise Refusal(404, _("jurisdiction_id“%(id)s”不是本系统服务的辖区。") % {"id": given[:60]})


def _caller(request, *, required: bool):
    """The API key's token (checked and counted against its hourly limit), or None when none was sent."""
    secret = (_params(request).get("api_key") or "").strip()
    if not secret:
        if required:
            raise Refusal(400, _("缺少 api_key。"))
        subject = None  # counted per client address
        token = None
    else:
        token = valid_token(secret)
        if token is None:
            raise Refusal(403, _("api_key 无效、已过期或已撤销。"))
        subject = "key:" + token.digest
    if ratelimit.hit(request, RATE_SCOPE, subject=subject) > settings.ANJU_OPEN311_PER_HOUR:
        raise Refusal(429, _("调用过于频繁，请一小时后再试。"))
    return token


def _domain(code: str) -> Domain:
    domain = Domain.objects.filter(code=code, active=True).select_related("parent").first()
    if domain is None:
        raise Refusal(404, _("没有代码为“%(code)s”的服务。") % {"code": code[:60]})
    return domain


def _service(domain: Domain) -> dict:
    group = domain.parent if domain.parent_id else domain
    return {
        "service_code": domain.code,
        "service_name": str(domain),
        "description": _("%(name)s（%(kind)s）")
        % {"name": str(domain), "kind": domain.get_emergency_class_display()},
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(str(k) for k in domain.keywords or []),
        "group": str(group),
    }


def _iso(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def status_notes(info: dict) -> str:
    """The status page's text, line for line: status, reason of a refusal, then each public event."""
    lines = [str(info["status_label"])]
    if info["reject_reason"]:
        lines.append(_("不予受理原因：%(reason)s") % {"reason": info["reject_reason"]})
    for event in info["events"]:
        lines.append(f"{event['date']:%Y-%m-%d} {event['line']}")
        if event["text"]:
            lines.append(event["text"])
    return "\n".join(lines)


def _is_closed(report: Report) -> bool:
    if report.status == ReportStatus.REJECTED:
        return True
    return report.matter is not None and report.matter.status in CLOSED_STATUSES


def request_entry(report: Report) -> dict:
    info = actions.public_status(report.receipt_code)
    matter = report.matter
    domain = matter.domain if matter is not None and matter.domain_id else report.suggested_domain
    updated = None
    if matter is not None:
        updated = matter.events.filter(public=True).aggregate(last=Max("at"))["last"]
    return {
        "service_request_id": info["code"],
        "status": "closed" if _is_closed(report) else "open",
        "status_notes": status_notes(info),
        "service_name": str(domain) if domain else "",
        "service_code": domain.code if domain else "",
        "agency_responsible": "",
        "service_notice": "",
        "requested_datetime": _iso(report.received_at),
        "updated_datetime": _iso(updated or report.received_at),
        "expected_datetime": "",
        "address": info["area"],
        "address_id": "",
        "zipcode": "",
    }


def _count_lookups(request, token, n: int) -> None:
    if token is not None:
        return
    if ratelimit.used(request, TRACK_SCOPE) + n > settings.ANJU_PUBLIC_TRACK_PER_HOUR:
        raise Refusal(429, _("调用过于频繁，请一小时后再试。"))
    for _i in range(n):
        ratelimit.hit(request, TRACK_SCOPE)


def _reports():
    return Report.objects.select_related("matter__domain", "suggested_domain")


def _moment(name: str, raw: str, *, end: bool) -> dt.datetime:
    moment = parse_datetime(raw)
    if moment is None:
        day = parse_date(raw)
        if day is None:
            raise Refusal(400, _("%(name)s 不是 ISO 8601 格式的日期或时间。") % {"name": name})
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _listing(request, token) -> list[Report]:
    params = request.GET
    ids = [i for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:  # the specification: other parameters are ignored when ids are given
        if len(ids) > MAX_IDS:
            raise Refusal(400, _("一次最多查询 %(n)d 个 service_request_id。") % {"n": MAX_IDS})
        _count_lookups(request, token, len(ids))
        codes = [c for c in (receipts.normalise(i) for i in ids) if c]
        return list(_reports().filter(receipt_code__in=codes).order_by("-received_at", "-id"))
    if token is None:
        raise Refusal(400, _("请提供 service_request_id，或用 api_key 查询本系统提交的请求。"))
    reports = _reports().filter(created_by=token.user)
    now = timezone.now()
    start = _moment("start_date", params["start_date"], end=False) if params.get("start_date") else None
    end = _moment("end_date", params["end_date"], end=True) if params.get("end_date") else None
    if start is None and end is None:
        start = now - dt.timedelta(days=DEFAULT_DAYS)
    if start is not None:
        reports = reports.filter(received_at__gte=start)
    if end is not None:
        reports = reports.filter(received_at__lte=end)
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    if codes:
        reports = reports.filter(
            Q(matter__domain__code__in=codes) | Q(matter__isnull=True, suggested_domain__code__in=codes)
        )
    statuses = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Refusal(400, _("status 只能是 open 或 closed。"))
    closed = Q(status=ReportStatus.REJECTED) | Q(matter__status__in=CLOSED_STATUSES)
    if statuses == {"open"}:
        reports = reports.exclude(closed)
    elif statuses == {"closed"}:
        reports = reports.filter(closed)
    return list(reports.order_by("-received_at", "-id")[:MAX_REQUESTS])


def _number(name: str, raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise Refusal(400, _("%(name)s 应为数字。") % {"name": name}) from None


def _create(request, token) -> list[dict]:
    params = request.POST
    if not token.can_act:
        raise Refusal(403, _("此 api_key 为只读令牌，不能提交请求。"))
    missing = [name for name in ("service_code", "description") if not (params.get(name) or "").strip()]
    raw_lat, raw_long = (params.get("lat") or "").strip(), (params.get("long") or "").strip()
    address = (params.get("address_string") or "").strip()
    if not (raw_lat and raw_long) and not address:
        missing.append("lat & long | address_string")
    if missing:
        raise Refusal(400, *[_("缺少必填参数 %(name)s。") % {"name": name} for name in missing])
    domain = _domain(params["service_code"].strip())
    lat = _number("lat", raw_lat) if raw_lat and raw_long else None
    lon = _number("long", raw_long) if raw_lat and raw_long else None
    area = place(token.user.area, lat, lon, address)
    if area is None:
        raise Refusal(400, _("无法确定请求所在的区域：位置不在本辖区内，地址中也没有本辖区的地名。"))
    name = ((params.get("last_name") or "").strip() + (params.get("first_name") or "").strip()).strip()
    phone = (params.get("phone") or "").strip()
    report = actions.submit_report(
        token.user,
        channel=Channel.ONLINE,
        text=params["description"],
        area=area,
        location=address,
        latitude=lat,
        longitude=lon,
        anonymous=not (name or phone),
        reporter_name=name,
        reporter_phone=phone,
        suggested_domain=domain,
        triage_later=True,  # another system's request: triage's suggestions are made by the worker
    )
    notice = _("已受理。凭回执码可在“查询办理进度”页面查看办理情况。")
    return [{"service_request_id": receipts.display(report.receipt_code), "service_notice": notice}]


def _validation_descriptions(error: ValidationError) -> list[str]:
    if not hasattr(error, "message_dict"):
        return [str(m) for m in error.messages]
    return [
        f"{PARAMETER_OF_FIELD.get(field, field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _open311(view=None, *, allowed=("GET",)):
    """Each call: only its methods, the jurisdiction checked, errors as Open311 errors."""
    if view is None:
        return lambda v: _open311(v, allowed=allowed)

    @csrf_exempt
    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            if request.method not in allowed:
                raise Refusal(405, _("不支持 %(method)s 请求。") % {"method": request.method[:10]})
            _check_jurisdiction(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Refusal as refusal:
            response = errors(fmt, refusal.status, refusal.descriptions)
        except NotAllowed as refusal:
            response = errors(fmt, 403, [str(refusal)])
        except ValidationError as invalid:
            response = errors(fmt, 400, _validation_descriptions(invalid))
        if response.status_code == 405:
            response["Allow"] = ", ".join(allowed)
        return response

    return wrapped


@_open311
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return answer(
        fmt,
        "discovery",
        {
            "changeset": "2026-01-01T00:00:00+08:00",
            "contact": _("本县综治中心"),
            "key_service": _("API 令牌（读写）由系统管理员在“账户”页面签发，作为 api_key 使用。"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-01-01T00:00:00+08:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


@_open311
def services(request, fmt):
    _caller(request, required=False)
    domains = Domain.objects.filter(active=True).select_related("parent").order_by("sort_order", "code")
    return answer(fmt, "services", [_service(d) for d in domains])


@_open311
def service_definition(request, code, fmt):
    _caller(request, required=False)
    domain = _domain(code)
    return answer(fmt, "service_definition", {"service_code": domain.code, "attributes": []})


@_open311(allowed=("GET", "POST"))
def requests_(request, fmt):
    if request.method == "POST":
        token = _caller(request, required=True)
        return answer(fmt, "service_requests", _create(request, token), status=201)
    token = _caller(request, required=False)
    return answer(fmt, "service_requests", [request_entry(r) for r in _listing(request, token)])


@_open311
def request_detail(request, request_id, fmt):
    _count_lookups(request, _caller(request, required=False), 1)
    code = receipts.normalise(request_id)
    report = _reports().filter(receipt_code=code).first() if code else None
    if report is None:
        raise Refusal(404, _("没有编号为“%(id)s”的请求。") % {"id": request_id[:40]})
    return answer(fmt, "service_requests", [request_entry(report)])
