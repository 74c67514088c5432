"""A centre's "send reminders" that sends none says why: reminded today, all filed, nobody to tell, closed."""

from django.urls import reverse

from anju.screening.actions import close_round, file_return, why_no_reminders


def remind(client, user, round_):
    client.force_login(user)
    response = client.post(reverse("screening:remind", args=[round_.pk]), follow=True)
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_a_second_reminder_the_same_day_says_they_were_reminded_today(client, world, village_round):
    first = remind(client, world.centre_staff, village_round)
    assert first == [
        "已向未报送区域发送提醒 2 条（每个区域每天最多一条）。"
    ]  # cun and cun_b (东二村 has no filer)
    again = remind(client, world.centre_staff, village_round)
    assert again == ["没有发送提醒：今天已提醒过未报送的区域（每个区域每天最多一条），明天可再次提醒。"]


def test_when_every_area_in_scope_has_filed_it_says_so(client, world, village_round):
    file_return(world.cadre, village_round, zero_report=True)
    file_return(world.town_staff, village_round, area=world.village_a2, zero_report=True)
    assert remind(client, world.town_staff, village_round) == [
        "没有发送提醒：辖区内所有区域都已报送，无需提醒。"
    ]
    # positive control: the county centre still has 西一村 missing, and reminds it
    assert remind(client, world.centre_staff, village_round) == [
        "已向未报送区域发送提醒 1 条（每个区域每天最多一条）。"
    ]


def test_when_the_missing_areas_have_no_filer_it_says_so(client, world, village_round):
    file_return(world.cadre, village_round, zero_report=True)  # left for 东镇: 东二村, where nobody files
    assert remind(client, world.town_staff, village_round) == [
        "没有发送提醒：未报送的区域没有可接收提醒的填报人员，请先为这些区域添加填报账号。"
    ]


def test_a_closed_round_says_it_is_closed(client, world, village_round):
    close_round(world.centre_staff, village_round)
    village_round.refresh_from_db()
    assert why_no_reminders(world.centre_staff, village_round) == "本轮排查已结束，不能再发送提醒。"
    assert remind(client, world.centre_staff, village_round) == ["本轮排查已结束，不能再发送提醒。"]
