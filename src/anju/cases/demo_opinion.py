"""Demo content of 舆情应对: a short video about the chemical plant (示范县宏达化工有限公司) that a villager
reported, handled as 核实 → 口径 → 回应 with two tracking entries, on the newest of the plant's odour
complaints (and in the plant's case when the cases demo has made one). Made through the actions."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.cases import actions
from anju.cases.models import Case, OpinionResponse
from anju.core.models import User
from anju.matters.demo_links import ODOUR_COMPANY, odour_matters


def load_opinion_demo() -> str:
    staff = User.objects.filter(username="zongzhi").first()
    leader = User.objects.filter(username="lingdao").first()
    # the newest complaint of the plant's case (cases.demo), else the newest complaint about the plant
    case = Case.objects.filter(title__contains=ODOUR_COMPANY).first()
    newest = case.memberships.order_by("-matter__registered_at").first() if case else None
    matter = newest.matter if newest else odour_matters().first()
    if None in (staff, leader, matter) or OpinionResponse.objects.filter(matter=matter).exists():
        return ""
    now = timezone.now()
    response = actions.open_opinion(
        staff,
        matter,
        case=case,
        title="短视频称“化工厂排毒，石门村多人中毒送医”",
        platform="抖音",
        reported_by="citizen",
        seen_at=now - dt.timedelta(days=3, hours=2),
        source_text="村民把视频转到村微信群后向网格员反映；视频配文称多名村民中毒住院。",
        now=now - dt.timedelta(days=3),
    )
    actions.record_verification(
        staff,
        response,
        result="partly",
        note=f"{ODOUR_COMPANY}新生产线夜间异味属实；经卫生院和县医院核查，近两周无因气体中毒就诊记录，"
        "视频中“送医”画面系外地旧视频。",
        now=now - dt.timedelta(days=2, hours=20),
    )
    actions.draft_wording(
        staff,
        response,
        wording="针对群众反映的石门村周边异味问题，县生态环境局已现场监测并责令企业停用新生产线整改；"
        "经核查，未发现人员因气体中毒就医，网传“多人中毒送医”视频系外地旧视频。整改进展将持续公开。",
        now=now - dt.timedelta(days=2, hours=18),
    )
    actions.approve_wording(leader, response, now=now - dt.timedelta(days=2, hours=12))
    actions.record_response(
        staff,
        response,
        channel="青山镇人民政府微信公众号；原视频评论区回复",
        published_at=now - dt.timedelta(days=2, hours=10),
        text="关于石门村周边异味问题的情况通报（按审定口径发布）。",
        now=now - dt.timedelta(days=2, hours=9),
    )
    day = timezone.localdate(now)
    actions.add_tracking(
        staff,
        response,
        on_date=day - dt.timedelta(days=1),
        posts=14,
        views=23600,
        note="通报发布后转发减少，评论以询问整改进度为主",
        now=now - dt.timedelta(days=1),
    )
    actions.add_tracking(
        staff, response, on_date=day, posts=3, views=4100, note="热度明显回落，无新的不实信息", now=now
    )
    return f"舆情应对：{response.title}（{matter.number}，跟踪 2 次）。"
