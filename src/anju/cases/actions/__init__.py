"""Every state change of cases (专案), one module per concern; this package re-exports them."""

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
from anju.cases.actions.work import (
    add_task,
    complete_task,
    record_education_session,
    record_fraud_figures,
    record_fraud_progress,
)

__all__ = [
    "add_matters_to_case",
    "add_task",
    "close_case",
    "complete_task",
    "open_case",
    "open_case_from_cluster",
    "open_cluster_meeting",
    "record_education_session",
    "record_fraud_figures",
    "record_fraud_progress",
    "remove_matter_from_case",
    "reopen_case",
    "set_lead",
    "update_case",
]
