"""The 4D cycle: Data → Duiden → Doelen → Doen, then evaluation and the next cycle.

One module per subject: ``cycle`` (the cycle and its phases), ``duiden`` (sessions, attachments,
findings), ``doelen`` (goals, bijstellingen), ``doen`` (activities, progress) and ``evaluatie``
(goal outcomes). Everything is imported here, so Django finds the models and
``from cycles.models import Goal`` works as before.

Every model here is tenant-owned and carries ``municipality`` directly (not only through its
parent), so ``for_municipality()`` is one indexed filter and the audit trail can attribute each
row to its municipality. Services (``cycles/services/``) keep the denormalised
``municipality`` equal to the parent's.
"""

from cycles.models.cycle import (
    PHASE_ORDER,
    Cycle,
    CycleQuerySet,
    Phase,
    PhaseTransition,
    phase_next,
    phase_previous,
)
from cycles.models.doelen import Goal, GoalRevision
from cycles.models.doen import (
    UNFINISHED_ACTIVITY_STATUSES,
    Activity,
    ActivityStatus,
    ProgressUpdate,
)
from cycles.models.duiden import (
    SESSION_ATTACHMENT_UPLOAD,
    Finding,
    SessionAttachment,
    StakeholderSession,
)
from cycles.models.evaluatie import GoalOutcome

__all__ = [
    "PHASE_ORDER",
    "SESSION_ATTACHMENT_UPLOAD",
    "UNFINISHED_ACTIVITY_STATUSES",
    "Activity",
    "ActivityStatus",
    "Cycle",
    "CycleQuerySet",
    "Finding",
    "Goal",
    "GoalOutcome",
    "GoalRevision",
    "Phase",
    "PhaseTransition",
    "ProgressUpdate",
    "SessionAttachment",
    "StakeholderSession",
    "phase_next",
    "phase_previous",
]
