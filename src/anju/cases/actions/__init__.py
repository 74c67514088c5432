"""Every state change of the cases app goes through one function here, one module per concern."""

from anju.cases.actions.buffer import add_measure, end_measure
from anju.cases.actions.cases import (
    add_matters_to_case,
    close_case,
    open_case,
    remove_matter_from_case,
    reopen_case,
    set_lead,
    update_case,
)
from anju.cases.actions.clusters import open_case_from_cluster, open_cluster_meeting
from anju.cases.actions.opinion import (
    add_tracking,
    approve_wording,
    close_opinion,
    draft_wording,
    open_opinion,
    record_response,
    record_verification,
)
from anju.cases.actions.work import (
    add_task,
    complete_task,
    record_education_session,
    record_fraud_figures,
    record_fraud_progress,
)

__all__ = [
    "add_matters_to_case",
    "add_measure",
    "add_task",
    "add_tracking",
    "approve_wording",
    "close_case",
    "close_opinion",
    "complete_task",
    "draft_wording",
    "end_measure",
    "open_case",
    "open_case_from_cluster",
    "open_cluster_meeting",
    "open_opinion",
    "record_education_session",
    "record_fraud_figures",
    "record_fraud_progress",
    "record_response",
    "record_verification",
    "remove_matter_from_case",
    "reopen_case",
    "set_lead",
    "update_case",
]
