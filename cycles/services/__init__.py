"""Writes for the 4D cycle, one module per subject: ``cycle`` (the cycle and its phases),
``duiden`` (sessions, attachments, findings), ``doelen`` (goals and bijstellingen), ``doen``
(activities, progress), ``evaluatie`` and ``carry_over`` (starting the next cycle); ``common``
holds what they share.

Keyword-only arguments; every write validates first and runs in one transaction, so bad input
leaves nothing half-saved. The services are re-exported here because the views, tests and
benchmarks call them as ``services.<name>``.
"""

from cycles.services.carry_over import cycle_start_next, next_cycle_defaults
from cycles.services.cycle import (
    ONE_OPEN_MESSAGE,
    GateBlocked,
    PhaseMoved,
    cycle_advance,
    cycle_create,
    cycle_go_back,
    cycle_update,
    cycle_waive_analyses,
)
from cycles.services.doelen import goal_delete, goal_delete_check, goal_save
from cycles.services.doen import (
    activity_delete,
    activity_delete_check,
    activity_save,
    progress_add,
)
from cycles.services.duiden import (
    attachment_add,
    finding_delete,
    finding_delete_check,
    finding_save,
    session_delete,
    session_delete_check,
    session_save,
)
from cycles.services.evaluatie import cycle_evaluation_update, goal_outcome_set

__all__ = [
    "ONE_OPEN_MESSAGE",
    "GateBlocked",
    "PhaseMoved",
    "activity_delete",
    "activity_delete_check",
    "activity_save",
    "attachment_add",
    "cycle_advance",
    "cycle_create",
    "cycle_evaluation_update",
    "cycle_go_back",
    "cycle_start_next",
    "cycle_update",
    "cycle_waive_analyses",
    "finding_delete",
    "finding_delete_check",
    "finding_save",
    "goal_delete",
    "goal_delete_check",
    "goal_outcome_set",
    "goal_save",
    "next_cycle_defaults",
    "progress_add",
    "session_delete",
    "session_delete_check",
    "session_save",
]
