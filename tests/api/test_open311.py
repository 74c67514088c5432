"""Open311 GeoReport v2 conformance: every call in JSON and XML, every error in the specification's format with
its HTTP status, posting into intake, and the public/internal separation of the citizen's status page."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from anju.core import actions as core_actions
from anju.core.models import ApiScope
from anju.intake import actions as intake_actions
from anju.intake.models import Channel, Report

BASE = "/open311/v2"
# a square around 东一村 (lon 120.10–120.20, lat 30.10–30.20), and 东一村第一网格 in its south-west quarter
VILLAGE_A1 = {
    "type": "Polygon",
    "coordinates": [[[120.1, 30.1], [120.2, 30.1], [120.2, 30.2], [120.1, 30.2], [120.1, 30.1]]],
}
GRID_A1 = {
    "type": "Polygon",
    "coordinates": [[[120.1, 30.1], [120.15, 30.1], [120.15, 30.15], [120.1, 30.15], [120.1, 30.1]]],
}
TEXT = "东一村工地拖欠工资三个月，工人欧阳小五 13600001111 多次讨要未果"


@pytest.fixture
def place(world):
    world.village_a1.boundary = VILLAGE_A1
    world.village_a1.save()
    world.grid_a1.boundary = GRID_A1
    world.grid_a1.save()
    world.village_b1.latitude, world.village_b1.longitude = 31.0, 121.0
    world.village_b1.save()
    return world


@pytest.fixture
def key(world):
    return core_actions.issue_api_token(world.centre_staff, "open311")


def post(fmt="json", **data):
    return Client().post(f"{BASE}/requests.{fmt}", data)


def errors_of(response) -> list[tuple[int, str]]:
    if response["Content-Type"].startswith("text/xml"):
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(e["code"], e["description"]) for e in response.json()]


def good_post(world, key, fmt="json", **extra):
    data = {
        "api_key": key,
        "service_code": "social_security_wages",
        "lat": "30.12",
        "long": "120.12",
        "description": TEXT,
        "first_name": "小五",
        "last_name": "欧阳",
        "phone": "13600001111",
    } | extra
    return post(fmt, **data)


# --- services ----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_services_list_in_json_names_each_domain_as_a_service(world):
    response = Client().get(f"{BASE}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    services = {s["service_code"]: s for s in response.json()}
    wages = services["social_security_wages"]
    assert wages["service_name"] == "社会保障和民工欠薪"
    assert wages["metadata"] is False
    assert wages["type"] == "realtime"
    assert "欠薪" in wages["keywords"].split(",")
    assert wages["group"] == "社会保障和民工欠薪"
    assert set(wages) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert services["land_requisition"]["service_name"] == "征地拆迁"


@pytest.mark.django_db
def test_services_list_in_xml_uses_the_specification_elements(world):
    response = Client().get(f"{BASE}/services.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services"
    by_code = {s.findtext("service_code"): s for s in root.findall("service")}
    wages = by_code["social_security_wages"]
    assert wages.findtext("service_name") == "社会保障和民工欠薪"
    assert wages.findtext("metadata") == "false"
    assert wages.findtext("type") == "realtime"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_and_unknown_service(world, fmt):
    response = Client().get(f"{BASE}/services/land_requisition.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "land_requisition", "attributes": []}
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "land_requisition"
        assert root.find("attributes") is not None and len(root.find("attributes")) == 0
    missing = Client().get(f"{BASE}/services/no_such_domain.{fmt}")
    assert missing.status_code == 404
    assert errors_of(missing) == [(404, "没有代码为“no_such_domain”的服务。")]


@pytest.mark.django_db
def test_discovery_lists_the_endpoint(world):
    response = Client().get(f"{BASE}/discovery.json")
    assert response.status_code == 200
    endpoint = response.json()["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["application/json", "text/xml"]


@pytest.mark.django_db
def test_an_unknown_format_is_not_found(world):
    assert Client().get(f"{BASE}/services.html").status_code == 404


# --- POST requests -----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_post_creates_an_online_report_placed_by_the_boundary_and_visible_by_get(place, key):
    response = good_post(place, key)
    assert response.status_code == 201
    [answer] = response.json()
    report = Report.objects.get()
    assert answer["service_request_id"] == "-".join(report.receipt_code[i : i + 4] for i in range(0, 12, 4))
    assert answer["service_notice"]
    assert report.channel == Channel.ONLINE
    assert report.area == place.grid_a1  # the deepest boundary holding the point
    assert report.suggested_domain == place.wages
    assert report.created_by == place.centre_staff
    assert report.reporter_name == "欧阳小五"
    assert report.reporter_phone == "13600001111"

    shown = Client().get(f"{BASE}/requests.json", {"service_request_id": answer["service_request_id"]})
    assert shown.status_code == 200
    [entry] = shown.json()
    assert entry["service_request_id"] == answer["service_request_id"]
    assert entry["status"] == "open"
    assert entry["service_code"] == "social_security_wages"
    assert entry["service_name"] == "社会保障和民工欠薪"
    assert entry["address"] == "东镇 东一村"  # the status page's place at village level, not the grid
    assert entry["status_notes"] == "已受理，待登记"
    # the citizen's own text and contact details are never answered
    body = shown.content.decode()
    for private in ("欧阳小五", "13600001111", "拖欠工资三个月"):
        assert private not in body
    detail = Client().get(f"{BASE}/requests/{report.receipt_code}.json")
    assert detail.status_code == 200
    assert detail.json() == [entry]


@pytest.mark.django_db
def test_post_in_xml_answers_in_xml(place, key):
    response = good_post(place, key, fmt="xml")
    assert response.status_code == 201
    root = ElementTree.fromstring(response.content)
    assert root.tag == "service_requests"
    code = root.find("request").findtext("service_request_id")
    shown = Client().get(f"{BASE}/requests/{code}.xml")
    request = ElementTree.fromstring(shown.content).find("request")
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "social_security_wages"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_required_fields_are_400_each_named(place, key, fmt):
    response = post(fmt, api_key=key)
    assert response.status_code == 400
    assert errors_of(response) == [
        (400, "缺少必填参数 service_code。"),
        (400, "缺少必填参数 description。"),
        (400, "缺少必填参数 lat & long | address_string。"),
    ]
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_post_without_key_is_400_and_with_a_bad_key_403(place, key):
    no_key = good_post(place, "")
    assert no_key.status_code == 400
    assert errors_of(no_key) == [(400, "缺少 api_key。")]
    bad = good_post(place, "anju_not-a-real-token")
    assert bad.status_code == 403
    assert errors_of(bad) == [(403, "api_key 无效、已过期或已撤销。")]
    read_only = core_actions.issue_api_token(place.centre_staff, "ro", scope=ApiScope.READ)
    refused = good_post(place, read_only)
    assert refused.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_post_for_an_unknown_service_is_404(place, key):
    response = good_post(place, key, service_code="no_such_domain")
    assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_post_with_invalid_values_answers_the_action_messages_by_parameter(place, key):
    response = good_post(place, key, phone="123")
    assert response.status_code == 400
    [(code, description)] = errors_of(response)
    assert code == 400 and description.startswith("phone: ")
    assert good_post(place, key, lat="north").status_code == 400
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_jurisdiction_is_checked_against_the_setting(place, key, settings):
    settings.ANJU_OPEN311_JURISDICTION = "shifanxian.gov.cn"
    wrong = good_post(place, key, jurisdiction_id="other.gov.cn")
    assert wrong.status_code == 404
    assert not Report.objects.exists()
    assert good_post(place, key, jurisdiction_id="shifanxian.gov.cn").status_code == 201
    wrong_get = Client().get(f"{BASE}/services.json", {"jurisdiction_id": "other.gov.cn"})
    assert wrong_get.status_code == 404


@pytest.mark.django_db
def test_placing_falls_back_to_the_nearest_area_then_to_the_address(place, key, settings):
    settings.ANJU_OPEN311_NEAREST_KM = 3
    # about 1.1 km north of 西一村's centre, outside every boundary
    near = good_post(place, key, lat="31.01", long="121.0")
    assert near.status_code == 201
    assert Report.objects.get().area == place.village_b1
    far = good_post(place, key, lat="35.0", long="121.0")
    assert far.status_code == 400
    by_address = good_post(place, key, lat="", long="", address_string="示范县东镇东二村村口")
    assert by_address.status_code == 201
    assert Report.objects.latest("id").area == place.village_a2
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_key_posts_only_within_its_users_area(place):
    town_key = core_actions.issue_api_token(place.town_staff, "town")  # 东镇
    outside = good_post(place, town_key, lat="", long="", address_string="西镇西一村")
    assert outside.status_code == 400
    assert not Report.objects.exists()
    inside = good_post(place, town_key, lat="", long="", address_string="东镇东一村")  # positive control
    assert inside.status_code == 201
    assert Report.objects.get().area == place.village_a1


@pytest.mark.django_db
def test_a_key_whose_role_may_not_report_is_403(place):
    leader_key = core_actions.issue_api_token(place.leader, "leader")
    response = good_post(place, leader_key)
    assert response.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_other_methods_are_405(world):
    response = Client().put(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert Client().post(f"{BASE}/services.json").status_code == 405


# --- GET requests ------------------------------------------------------------------------------------------------
def _registered(world, code):
    report = Report.objects.get(receipt_code=code.replace("-", ""))
    matter = intake_actions.register_report(
        world.centre_staff, report, kind="dispute", domain=world.land, title="东一村欠薪（登记）"
    )
    return report, matter


@pytest.mark.django_db
def test_status_notes_are_the_status_page_lines_and_never_internal_notes(place, key):
    from anju.matters import actions as matter_actions

    code = good_post(place, key).json()[0]["service_request_id"]
    report, matter = _registered(place, code)
    matter_actions.add_note(place.centre_staff, matter, note="内部：当事人情绪激动，需重点关注")
    matter_actions.add_note(place.centre_staff, matter, note="已联系施工方，约定本周内答复。", public=True)
    [entry] = Client().get(f"{BASE}/requests/{code}.json").json()
    day = report.received_at.astimezone().strftime("%Y-%m-%d")
    assert entry["status_notes"] == "\n".join(
        ["已登记", f"{day} 已登记受理", f"{day} 办理说明", "已联系施工方，约定本周内答复。"]
    )
    assert entry["service_code"] == "land_requisition"  # the matter's domain once registered
    assert entry["status"] == "open"
    xml = Client().get(f"{BASE}/requests/{code}.xml").content.decode()
    for internal in ("当事人情绪激动", "东一村欠薪（登记）", "欧阳小五"):
        assert internal not in json.dumps(entry, ensure_ascii=False)
        assert internal not in xml


@pytest.mark.django_db
def test_a_rejected_report_is_closed_with_its_reason(place, key):
    code = good_post(place, key).json()[0]["service_request_id"]
    report = Report.objects.get()
    intake_actions.reject_report(place.centre_staff, report, "不属于本辖区受理范围")
    [entry] = Client().get(f"{BASE}/requests.json", {"service_request_id": code}).json()
    assert entry["status"] == "closed"
    assert entry["status_notes"] == "不予受理\n不予受理原因：不属于本辖区受理范围"


@pytest.mark.django_db
def test_listing_with_a_key_gives_the_callers_own_requests_with_filters(place, key):
    first = good_post(place, key).json()[0]["service_request_id"]
    second = good_post(place, key, service_code="land_requisition").json()[0]["service_request_id"]
    intake_actions.reject_report(
        place.centre_staff, Report.objects.get(receipt_code=second.replace("-", "")), "重复"
    )
    other_key = core_actions.issue_api_token(place.admin, "other")
    third = good_post(place, other_key).json()[0]["service_request_id"]

    def codes(**params):
        response = Client().get(f"{BASE}/requests.json", {"api_key": key, **params})
        assert response.status_code == 200, response.content
        return {e["service_request_id"] for e in response.json()}

    assert codes() == {first, second}  # not the other key's request
    assert codes(status="open") == {first}
    assert codes(status="closed") == {second}
    assert codes(service_code="land_requisition") == {second}
    assert codes(start_date="2000-01-01T00:00:00Z", end_date="2000-12-31T00:00:00Z") == set()
    assert codes(start_date="2000-01-01") == {first, second}
    # ids: anyone may follow a request by its receipt code (the citizen's code is the key)
    by_id = Client().get(f"{BASE}/requests.json", {"service_request_id": f"{first},{third},XXXX"})
    assert {e["service_request_id"] for e in by_id.json()} == {first, third}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_listing_errors(place, key, fmt):
    anonymous = Client().get(f"{BASE}/requests.{fmt}")
    assert anonymous.status_code == 400
    bad_date = Client().get(f"{BASE}/requests.{fmt}", {"api_key": key, "start_date": "昨天"})
    assert bad_date.status_code == 400
    assert errors_of(bad_date) == [(400, "start_date 不是 ISO 8601 格式的日期或时间。")]
    bad_status = Client().get(f"{BASE}/requests.{fmt}", {"api_key": key, "status": "pending"})
    assert bad_status.status_code == 400
    bad_key = Client().get(f"{BASE}/requests.{fmt}", {"api_key": "anju_nothing"})
    assert bad_key.status_code == 403
    unknown = Client().get(f"{BASE}/requests/ABCD-EFGH-JKLM.{fmt}")
    assert unknown.status_code == 404
    assert errors_of(unknown)[0][0] == 404


@pytest.mark.django_db
def test_each_key_has_an_hourly_limit(place, key, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ANJU_OPEN311_PER_HOUR = 2
    assert Client().get(f"{BASE}/services.json", {"api_key": key}).status_code == 200
    assert Client().get(f"{BASE}/services.json", {"api_key": key}).status_code == 200
    limited = good_post(place, key)
    assert limited.status_code == 429
    assert errors_of(limited) == [(429, "调用过于频繁，请一小时后再试。")]
    assert not Report.objects.exists()
    other = core_actions.issue_api_token(place.admin, "other")  # another key has its own count
    assert Client().get(f"{BASE}/services.json", {"api_key": other}).status_code == 200
    cache.clear()


@pytest.mark.django_db
def test_lookups_without_a_key_share_the_status_pages_limit(place, key, settings):
    from django.core.cache import cache

    cache.clear()
    code = good_post(place, key).json()[0]["service_request_id"]
    settings.ANJU_PUBLIC_TRACK_PER_HOUR = 3
    assert Client().get(f"{BASE}/requests/{code}.json").status_code == 200
    two = Client().get(f"{BASE}/requests.json", {"service_request_id": f"{code},{code}"})
    assert two.status_code == 200
    assert Client().get(f"{BASE}/requests/{code}.json").status_code == 429
    # with a key, the key's own limit applies instead (positive control)
    assert Client().get(f"{BASE}/requests/{code}.json", {"api_key": key}).status_code == 200
    cache.clear()
