"""The configurable rules of emergency work, with their defaults.

Nothing here is law written into code: a deployment overrides any key in ``settings.ANJU_EMERGENCY``
(a dict). The defaults follow common practice under the Emergency Response Law (突发事件应对法): the first
report (首报) within an hour of learning of an event, a follow-up (续报) at a fixed interval while the
response lasts, the final report (终报) within a day of ending it, plans reviewed every three years.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict = {
    "first_report_hours": 1,  # 首报: hours after the event was learned of
    "follow_up_hours": 24,  # 续报: every N hours from the activation while the response lasts
    "final_report_hours": 24,  # 终报: hours after the response ended
    "plan_review_years": 3,  # a plan is reviewed (评估修订) at least this often
    "expiry_warning_days": 30,  # materials expiring within this many days are listed
    # the response level proposed for an event's grade (特别重大 → 一级 …); the commander decides
    "grade_levels": {"extraordinary": 1, "major": 2, "large": 3, "general": 4},
    # the working groups a new plan version starts with (positions and units, never persons)
    "working_groups": [
        "综合协调组",
        "抢险救援组",
        "医疗救治组",
        "治安维稳组",
        "宣传引导组",
        "后勤保障组",
        "善后处置组",
    ],
    # the command positions a new plan version starts with
    "command_positions": ["指挥长｜党委书记、镇长", "副指挥长｜分管副镇长", "成员｜各工作组牵头单位负责人"],
    # 善后: the categories of cause an investigation chooses from (原因类别)
    "cause_categories": ["自然因素", "设备设施", "管理责任", "违法违规", "社会矛盾", "其他"],
    # 举一反三: a ledger matter is proposed when its title shares this much (Jaccard of character bigrams)
    # with the incident's title, within the incident's area subtree and risk domain; at most ``limit`` shown
    "similar_matter_min_score": 0.1,
    "similar_matter_limit": 10,
    # 迟报/漏报 feed the accountability records (问责, matters): the post of the reporting unit named in
    # the record, pending the decision of whoever decides 问责 (one of matters' AccountableRole values)
    "report_failure_role": "head",
    "task_days": 30,  # default deadline of a drill finding's or an aftermath task, in days
}


def rule(name: str):
    overrides = getattr(settings, "ANJU_EMERGENCY", None) or {}
    if name not in DEFAULTS:
        raise KeyError(f"unknown emergency rule {name!r}")
    return overrides.get(name, DEFAULTS[name])
