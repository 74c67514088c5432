"""Every state change of a matter goes through one function here.

Which actions exist, in which statuses each may run, the status it moves to, the permission it needs and
whether its timeline entry is public is one table, ``matters.workflow.WORKFLOW``. Each function follows one
skeleton (``base.begin`` / ``base.finish``), inside one transaction:

1. ``begin``: the actor's permission, scope and unit (``core.permissions.require`` → ``NotAllowed``, 403);
   the row locked and re-read, and a stale ``version`` refused (``Conflict``, 409); the status checked against
   the table (``WorkflowError``, 409);
2. the action's own checks of its input (``ValidationError``, field → message) and its change;
3. ``finish``: the target status, the save, the timeline entry (``MatterEvent``) and the audit event.

A refusal changes nothing. Every action takes ``now`` (default ``timezone.now()``): its timeline, its
timestamps and its date checks ("not before today") use it; the audit log records the real time.
"""

from anju.core.errors import NotAllowed, WorkflowError
from anju.matters.actions.base import AUDITED_FIELDS, begin, finish
from anju.matters.actions.batch import RowResult, batch_assign, batch_set_deadline, batch_supervise
from anju.matters.actions.coordination import (
    add_cohandler,
    answer_request,
    complete_cohandling,
    decide_accountability,
    record_accountability,
    register_duty_failure,
    request_coordination,
    withdraw_cohandling,
)
from anju.matters.actions.labels import confirm_domain
from anju.matters.actions.levels import apply_level_rules, file_progress_report, set_lead_leader
from anju.matters.actions.links import link_matters, reopen_matter, unlink_matters
from anju.matters.actions.matrix import upload_risk_matrix
from anju.matters.actions.notices import remind_deadlines, remind_ungraded
from anju.matters.actions.records import (
    add_note,
    record_export,
    record_mediation,
    set_grey_rhino,
    set_residual_risk,
    supervise,
)
from anju.matters.actions.register import add_party, create_matter
from anju.matters.actions.regrade import correct_facts, regrade
from anju.matters.actions.rules import save_level_rules
from anju.matters.actions.steps import (
    archive,
    assess,
    assign,
    escalate,
    follow_up,
    merge,
    reject,
    resolve,
    return_matter,
    start,
)
from anju.matters.actions.swans import (
    complete_root_cause,
    confirm_black_swan,
    dismiss_black_swan,
    set_mitigation_plan,
)

__all__ = [
    "confirm_domain",
    "RowResult",
    "batch_assign",
    "batch_set_deadline",
    "batch_supervise",
    "withdraw_cohandling",
    "request_coordination",
    "decide_accountability",
    "record_accountability",
    "register_duty_failure",
    "complete_cohandling",
    "answer_request",
    "add_cohandler",
    "AUDITED_FIELDS",
    "NotAllowed",
    "WorkflowError",
    "add_note",
    "add_party",
    "apply_level_rules",
    "archive",
    "assess",
    "assign",
    "begin",
    "complete_root_cause",
    "confirm_black_swan",
    "correct_facts",
    "dismiss_black_swan",
    "create_matter",
    "escalate",
    "file_progress_report",
    "finish",
    "follow_up",
    "merge",
    "link_matters",
    "unlink_matters",
    "reopen_matter",
    "record_export",
    "record_mediation",
    "regrade",
    "reject",
    "remind_deadlines",
    "remind_ungraded",
    "resolve",
    "return_matter",
    "save_level_rules",
    "upload_risk_matrix",
    "set_lead_leader",
    "set_grey_rhino",
    "set_mitigation_plan",
    "set_residual_risk",
    "start",
    "supervise",
]
