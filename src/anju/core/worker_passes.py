"""Work that the apps above core hand to ``anju worker``'s loop, without core importing them.

An app registers a pass from its ``AppConfig.ready`` (``register(name, function)``); each turn of the worker
calls every pass, which does a bounded amount of what is due and returns how much it did. Intake registers
the triage of reports received through the API (``intake.actions.triage_pending_reports``); core the linking
of audit events left unlinked (``audit_chain.link_pending``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)
_PASSES: dict[str, Callable[[], int]] = {}


def register(name: str, work: Callable[[], int]) -> None:
    _PASSES[name] = work


def run_passes() -> dict[str, int]:
    """Run every registered pass once; a pass that fails is logged and the others still run."""
    done = {}
    for name, work in _PASSES.items():
        try:
            done[name] = work()
        except Exception:  # the worker goes on; the traceback is in its log
            logger.exception("worker pass %s failed", name)
            done[name] = 0
    return done
