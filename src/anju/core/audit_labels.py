"""Readable names of the audit log's action codes (the codes every app passes to ``audit.record``).

A code missing here is shown as the code itself; tests/core/test_audit_page.py checks that every code in
the source has a name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # sign-in
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.logout": _("退出登录"),
    "auth.lockout": _("账户锁定"),
    "auth.unlock": _("解除登录锁定"),
    "auth.2fa_enrol": _("启用双因素认证"),
    "auth.2fa_verify": _("双因素认证通过"),
    "auth.2fa_failure": _("双因素认证失败"),
    "auth.2fa_reset": _("重置双因素认证"),
    "user.password_change": _("修改密码"),
    "user.force_password_change": _("要求下次登录修改密码"),
    "user.logout_everywhere": _("在所有设备上退出登录"),
    # administration and reading
    "area.create": _("新建区域"),
    "unit.create": _("新建单位"),
    "unit.domains": _("设置单位负责的风险领域"),
    "user.create": _("新建用户"),
    "domain.create": _("新建风险领域"),
    "domain.update": _("修改风险领域"),
    "api_token.issue": _("签发 API 令牌"),
    "api_token.revoke": _("撤销 API 令牌"),
    "personal_data.reveal": _("查看个人信息明文"),
    "ledger.export": _("导出台账"),
    "audit.export": _("导出审计日志"),
    # intake
    "report.submit": _("提交诉求"),
    "report.register": _("诉求登记为事项"),
    "report.link": _("诉求并入已有事项"),
    "report.reject": _("诉求不予受理"),
    # the matter ledger
    "matter.registered": _("事项登记"),
    "matter.import": _("导入事项"),
    "matter.assessed": _("事项研判定级"),
    "matter.residual_assessed": _("事项措施后风险评估"),
    "matter.assigned": _("事项交办"),
    "matter.started": _("事项开始化解"),
    "matter.resolved": _("事项化解办结"),
    "matter.followed_up": _("事项回访"),
    "matter.archived": _("事项归档"),
    "matter.escalated": _("事项上报"),
    "matter.returned": _("事项退回"),
    "matter.merged": _("事项合并"),
    "matter.merge_received": _("事项并入"),
    "matter.rejected": _("事项不予受理"),
    "matter.mediation": _("记录调解"),
    "matter.supervised": _("事项督办"),
    "matter.note": _("事项备注"),
    "matter.black_swan": _("黑天鹅研判"),
    "matter.grey_rhino": _("灰犀牛标记"),
    "matter.party_added": _("添加当事人"),
    # 稳评
    "assessment.item.create": _("登记稳评事项"),
    "assessment.item.update": _("修改稳评事项"),
    "assessment.item.decided": _("稳评事项作出决策"),
    "assessment.start": _("启动稳评"),
    "assessment.plan": _("制定稳评方案"),
    "assessment.stage": _("稳评转入下一阶段"),
    "assessment.opinion.add": _("记录意见"),
    "assessment.opinion.handle": _("处理意见"),
    "assessment.survey.add": _("记录问卷调查"),
    "assessment.meeting.add": _("记录座谈会"),
    "assessment.notice.add": _("记录公示"),
    "assessment.expert.add": _("记录专家论证"),
    "assessment.record.remove": _("删除稳评记录"),
    "assessment.analysis": _("稳评风险分析"),
    "assessment.factor.add": _("添加风险因素"),
    "assessment.factor.after": _("评估措施后风险因素"),
    "assessment.measure.add": _("添加防范化解措施"),
    "assessment.level": _("稳评定级"),
    "assessment.report": _("出具稳评报告"),
    "assessment.review": _("稳评报告审查"),
    "assessment.decide": _("稳评决策"),
    "assessment.revise": _("修订稳评"),
    "assessment.task.done": _("完成跟踪任务"),
    "assessment.matters.link": _("稳评关联事项"),
    # early warning
    "signals.scan": _("预警扫描"),
    "signals.configure": _("修改预警设置"),
    "alert.draft": _("起草预警"),
    "alert.issue": _("发布预警"),
    "alert.acknowledge": _("签收预警"),
    "alert.supersede": _("更新预警"),
    "alert.lift": _("解除预警"),
    "analysis.plan": _("安排研判会"),
    "analysis.minutes": _("记录研判会纪要"),
    "analysis.decide": _("研判会作出决定"),
    "analysis.key_date": _("登记敏感节点"),
    "analysis.task_done": _("完成研判会任务"),
    # screening, reports, triage
    "screening.cadence_created": _("新建排查周期"),
    "screening.cadence_updated": _("修改排查周期"),
    "screening.round_opened": _("开启排查轮次"),
    "screening.round_closed": _("结束排查轮次"),
    "screening.return_filed": _("报送排查表"),
    "screening.reminders_sent": _("发送排查提醒"),
    "monthly_report.generate": _("生成月报"),
    "monthly_report.submit": _("报送月报"),
    "triage.train": _("训练分拣模型"),
    "triage.correct": _("纠正分拣结果"),
    # emergency (应急)
    "emergency.plan_create": _("新建应急预案"),
    "emergency.plan_revise": _("修编应急预案"),
    "emergency.plan_edit": _("修改预案草稿"),
    "emergency.plan_level": _("设置预案响应级别"),
    "emergency.plan_group": _("设置预案工作组"),
    "emergency.plan_approve": _("审批应急预案"),
    "emergency.plan_publish": _("发布应急预案"),
    "emergency.duty_post": _("登记值班岗位"),
    "emergency.drill_plan": _("计划应急演练"),
    "emergency.drill_record": _("记录应急演练"),
    "emergency.drill_finding": _("登记演练发现问题"),
    "emergency.task_done": _("办结应急任务"),
    "emergency.team_add": _("登记应急队伍"),
    "emergency.material_add": _("登记应急物资"),
    "emergency.material_restock": _("应急物资入库"),
    "emergency.material_dispatch": _("调拨应急物资"),
    "emergency.material_return": _("归还应急物资"),
    "emergency.shelter_add": _("登记避难场所"),
    "emergency.incident_open": _("登记突发事件"),
    "emergency.response_activate": _("启动应急响应"),
    "emergency.response_raise": _("提升响应级别"),
    "emergency.response_lower": _("降低响应级别"),
    "emergency.response_end": _("终止应急响应"),
    "emergency.report_submit": _("报送突发事件信息"),
    "emergency.log": _("记录处置日志"),
    "emergency.casualties": _("更新突发事件人数"),
    "emergency.cause": _("登记原因调查结论"),
    "emergency.aftermath_task": _("下达善后整改任务"),
    "emergency.release_draft": _("起草突发事件信息发布"),
    "emergency.release_publish": _("审核发布突发事件信息"),
}

# The filter's groups: every code that starts with the prefix.
ACTION_GROUPS = {
    "auth.": _("登录与账户（全部）"),
    "matter.": _("事项（全部）"),
    "report.": _("诉求（全部）"),
    "assessment.": _("稳评（全部）"),
    "alert.": _("预警（全部）"),
    "analysis.": _("研判会（全部）"),
    "screening.": _("排查（全部）"),
    "emergency.": _("应急（全部）"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    return [
        ("", _("全部")),
        *ACTION_GROUPS.items(),
        *sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda c: c[0]),
    ]
