"""Every state change of the cases app goes through one function here, one module per concern."""

from anju.cases.actions.opinion import (
    add_tracking,
    approve_wording,
    close_opinion,
    draft_wording,
    open_opinion,
    record_response,
    record_verification,
)

__all__ = [
    "add_tracking",
    "approve_wording",
    "close_opinion",
    "draft_wording",
    "open_opinion",
    "record_response",
    "record_verification",
]
