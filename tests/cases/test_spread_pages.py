"""The spread pages (风险传导): the case timeline and crossings, the area matrix, and the buffer measure forms."""

from spread_helpers import at, case, domain, link, matter

from anju.cases import actions
from anju.cases.models import BufferMeasure


def _county_chain(world):
    w = world
    land = matter(w, "land_requisition", w.village_a1, 1, "东一村征地补偿争议")
    petition = matter(w, "petitions", w.village_a2, 3, "东二村村民集体上访")
    online = matter(w, "online_opinion", w.village_b1, 6, "西一村网络发帖")
    link(land, petition, "led_to")
    link(petition, online, "led_to")
    again = matter(w, "land_requisition", w.village_a1, 2, "东一村二组征地")
    link(again, matter(w, "petitions", w.village_a1, 4, "东一村二组信访"), "related")
    return land, petition, online


def test_case_page_draws_the_timeline_and_lists_crossings(client, world):
    land, petition, online = _county_chain(world)
    c = case(world, world.county, [land, petition, online], title="征地补偿连锁专案")
    actions.add_measure(
        world.centre_staff,
        case=c,
        kind="opinion_guidance",
        content="县委宣传部统一发布补偿进展",
        owner_unit=world.centre,
        started_at=at(7),
        now=at(7),
    )
    client.force_login(world.centre_staff)
    page = client.get(f"/cases/{c.pk}/spread/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="edge via-led_to crossing"' in html
    assert html.count('class="node crossed"') == 3
    assert html.count('<line class="mark"') == 1  # the measure's start on the timeline
    assert "征地拆迁 → 信访突出问题" in html and "东一村 → 东二村" in html
    assert "信访突出问题 → 网络舆情" in html
    assert "县委宣传部统一发布补偿进展" in html and "措施开始后未再发生传导" in html
    assert "措施开始前：2 次传导" in html
    # the cadre of 西镇 sees the case? it is the county's: no
    client.force_login(world.cadre_b)
    assert client.get(f"/cases/{c.pk}/spread/").status_code == 404


def test_case_page_links_only_matters_in_sight(client, world):
    land, petition, online = _county_chain(world)
    c = case(world, world.town_a, [land, petition, online])
    client.force_login(world.town_staff)
    html = client.get(f"/cases/{c.pk}/spread/").content.decode()
    assert f'href="/matters/{land.pk}/"' in html
    assert f'href="/matters/{online.pk}/"' not in html  # 西一村 is not 东镇's
    assert online.number in html


def test_area_page_matrix_and_top_pairs(client, world):
    _county_chain(world)
    client.force_login(world.centre_staff)
    html = client.get("/cases/spread/").content.decode()
    assert "征地拆迁 → 信访突出问题：2 次" in html
    assert "信访突出问题 → 网络舆情：1 次" in html
    land, petitions = domain("land_requisition"), domain("petitions")
    assert f"pair={land.pk}-{petitions.pk}" in html
    cell = client.get(f"/cases/spread/?pair={land.pk}-{petitions.pk}").content.decode()
    assert "东二村村民集体上访" in cell and "东一村二组信访" in cell
    assert "为这一领域传导登记隔离缓冲措施" in cell
    # a sub-area: 西镇 sees only the step into 西一村
    town_b = client.get(f"/cases/spread/?area={world.town_b.pk}").content.decode()
    assert "信访突出问题 → 网络舆情：1 次" in town_b and "征地拆迁 → 信访突出问题" not in town_b
    # a date range
    dated = client.get("/cases/spread/?date_from=2026-03-04&date_to=2026-03-31").content.decode()
    assert "征地拆迁 → 信访突出问题：1 次" in dated
    bad = client.get("/cases/spread/?date_from=2026-03-09&date_to=2026-03-01")
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()


def test_area_page_scope(client, world):
    _county_chain(world)
    client.force_login(world.cadre)  # 东一村: the related step inside 东一村 only
    html = client.get("/cases/spread/").content.decode()
    assert "东一村二组信访" in html and "东二村村民集体上访" not in html
    assert client.get(f"/cases/spread/?area={world.town_b.pk}").status_code == 200
    assert "西一村网络发帖" not in client.get(f"/cases/spread/?area={world.town_b.pk}").content.decode()


def test_buffer_form_adds_and_ends_a_measure(client, world):
    _county_chain(world)
    land, petitions = domain("land_requisition"), domain("petitions")
    client.force_login(world.town_staff)
    form = client.get(
        f"/cases/buffer/new/?area={world.town_a.pk}&from_domain={land.pk}&to_domain={petitions.pk}"
    )
    assert form.status_code == 200
    bad = client.post(
        "/cases/buffer/new/",
        {
            "kind": "dedicated_reception",
            "content": "专人接待",
            "area": world.town_a.pk,
            "from_domain": land.pk,
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "来源领域和传导领域须同时填写" in html and "请指定责任单位或责任人" in html
    assert not BufferMeasure.objects.exists()
    done = client.post(
        "/cases/buffer/new/",
        {
            "kind": "dedicated_reception",
            "content": "镇信访办征地专人接待",
            "area": world.town_a.pk,
            "from_domain": land.pk,
            "to_domain": petitions.pk,
            "owner_unit": world.town_centre.pk,
        },
    )
    assert done.status_code == 302 and done["Location"] == "/cases/spread/"
    measure = BufferMeasure.objects.get()
    page = client.get("/cases/spread/").content.decode()
    assert "镇信访办征地专人接待" in page and "措施开始前：2 次传导" in page
    ended = client.post(f"/cases/buffer/{measure.pk}/end/", {"note": "已化解", "version": measure.version})
    assert ended.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "ended"


def test_buffer_pages_refuse(client, world):
    measure = actions.add_measure(
        world.town_staff,
        area=world.village_a1,  # the cadre's village: seen, but not theirs to end
        from_domain=domain("land_requisition"),
        to_domain=domain("petitions"),
        kind="other",
        content="其他措施",
        owner_unit=world.town_centre,
    )
    client.force_login(world.cadre)
    assert client.get("/cases/buffer/new/").status_code == 403
    assert client.post(f"/cases/buffer/{measure.pk}/end/", {"note": "越权"}).status_code == 403
    client.force_login(world.cadre_b)
    assert client.post(f"/cases/buffer/{measure.pk}/end/", {"note": "越界"}).status_code == 404
    measure.refresh_from_db()
    assert measure.status == "active"


def test_a_measure_addressed_to_my_unit(client, world):
    """A crossing's measure in 西镇 with 东镇综治中心 responsible: 东镇's centre sees it and ends it; the
    police of 东镇 (another unit of the same town, no right to buffer) does not see it."""
    measure = actions.add_measure(
        world.centre_staff,
        area=world.town_b,
        from_domain=domain("land_requisition"),
        to_domain=domain("petitions"),
        kind="separate_channel",
        content="西镇征地诉求单独处置通道",
        owner_unit=world.town_centre,
    )
    client.force_login(world.officer)
    assert "西镇征地诉求单独处置通道" not in client.get("/cases/spread/").content.decode()
    client.force_login(world.town_staff)
    assert "西镇征地诉求单独处置通道" in client.get("/cases/spread/").content.decode()
    ended = client.post(
        f"/cases/buffer/{measure.pk}/end/", {"note": "已并入常规", "version": measure.version}
    )
    assert ended.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "ended"
