"""Every state change of emergency management goes through one function here, one module per concern.

``plans`` (预案 and its revisions, the duty roster), ``drills`` (演练 and findings), ``resources`` (teams,
materials, shelters, dispatch and return), ``incidents`` (突发事件, response, reports, log, aftermath), ``releases`` (信息发布),
``tasks`` and ``aftermath`` (善后: investigation, 问题查处, 整改验收, 举一反三, recovery). Each checks its guard with ``anju.core.permissions.require``, locks what it changes, writes the
audit log in its transaction and takes its clock as ``now``.
"""

from anju.emergency.actions.aftermath import (
    add_problem_finding,
    add_recovery,
    link_matter,
    mark_plan_for_revision,
    record_investigation,
    verify_task,
)
from anju.emergency.actions.drills import add_finding, plan_drill, record_drill
from anju.emergency.actions.incidents import (
    activate_response,
    add_aftermath_task,
    add_log_entry,
    change_level,
    end_response,
    open_incident,
    record_cause,
    submit_report,
    update_casualties,
)
from anju.emergency.actions.plans import (
    add_duty_post,
    approve_version,
    create_plan,
    edit_draft,
    import_plan_text,
    publish_version,
    save_group,
    save_level,
    start_revision,
)
from anju.emergency.actions.preparedness import (
    add_programme_item,
    create_programme,
    record_compensation,
    record_stocktake,
    requisition,
    return_requisitioned,
)
from anju.emergency.actions.releases import draft_release, publish_release
from anju.emergency.actions.reporting_failures import flag_all_report_failures, flag_report_failures
from anju.emergency.actions.resources import (
    add_material,
    add_shelter,
    add_team,
    dispatch_material,
    restock,
    return_material,
)
from anju.emergency.actions.tasks import complete_task

__all__ = [
    "flag_all_report_failures",
    "flag_report_failures",
    "add_problem_finding",
    "add_recovery",
    "link_matter",
    "mark_plan_for_revision",
    "record_investigation",
    "verify_task",
    "activate_response",
    "add_aftermath_task",
    "add_duty_post",
    "add_finding",
    "add_log_entry",
    "add_material",
    "add_programme_item",
    "add_shelter",
    "add_team",
    "approve_version",
    "change_level",
    "complete_task",
    "create_plan",
    "create_programme",
    "dispatch_material",
    "draft_release",
    "edit_draft",
    "end_response",
    "import_plan_text",
    "open_incident",
    "plan_drill",
    "publish_release",
    "publish_version",
    "record_cause",
    "record_compensation",
    "record_drill",
    "record_stocktake",
    "requisition",
    "restock",
    "return_material",
    "return_requisitioned",
    "save_group",
    "save_level",
    "start_revision",
    "submit_report",
    "update_casualties",
]
