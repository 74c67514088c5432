"""Every state change of 稳评 goes through one function here.

Each function checks the actor's permission (``permissions``), the item's scope and the assessment's stage,
validates its input with field-level Chinese messages, changes the records in one transaction and writes an
audit event. A refused call raises ``ValidationError`` (field → message) or ``WorkflowError`` and changes
nothing. A decided assessment is locked: further changes go into a new revision (``revise``).
"""

from anju.assessment.actions._common import RECORD_STAGES, WorkflowError
from anju.assessment.actions.decision import (
    complete_task,
    determine_level,
    issue_report,
    link_all_matters,
    link_matters,
    matters_after_decision,
    record_decision,
    record_review,
    revise,
)
from anju.assessment.actions.records import (
    add_expert_opinion,
    add_factor,
    add_measure,
    add_meeting,
    add_opinion,
    add_public_notice,
    add_survey,
    handle_opinion,
    remove_record,
    save_analysis,
    score_factor_after,
)
from anju.assessment.actions.register import (
    create_item,
    open_consultation,
    record_item_decided,
    reopen_analysis,
    start_analysis,
    start_assessment,
    update_item,
    update_plan,
)

__all__ = [
    "RECORD_STAGES",
    "WorkflowError",
    "add_expert_opinion",
    "add_factor",
    "add_measure",
    "add_meeting",
    "add_opinion",
    "add_public_notice",
    "add_survey",
    "complete_task",
    "create_item",
    "determine_level",
    "handle_opinion",
    "issue_report",
    "link_all_matters",
    "link_matters",
    "matters_after_decision",
    "open_consultation",
    "record_decision",
    "record_item_decided",
    "record_review",
    "remove_record",
    "reopen_analysis",
    "revise",
    "save_analysis",
    "score_factor_after",
    "start_analysis",
    "start_assessment",
    "update_item",
    "update_plan",
]
