"""The state changes of cases, one module per concern; this package re-exports them."""

from anju.cases.actions.buffer import add_measure, end_measure

__all__ = ["add_measure", "end_measure"]
