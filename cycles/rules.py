"""What may be edited in which phase.

Goals are free to edit until the cycle is in Doen; from then on a change is a *bijstelling* with a
reason (see ``services.goal_update``). Nothing changes in a finished cycle.
"""

from django.utils.translation import gettext_lazy as _

from cycles.models import Cycle, Phase

EDITABLE_IN: dict[str, frozenset[str]] = {
    "waiver": frozenset({Phase.DATA}),
    "session": frozenset({Phase.DUIDEN, Phase.DOELEN}),
    "finding": frozenset({Phase.DUIDEN, Phase.DOELEN}),
    # Carried-over goals arrive in Data and may be reworked before Doelen.
    "goal": frozenset({Phase.DATA, Phase.DUIDEN, Phase.DOELEN, Phase.DOEN, Phase.EVALUATIE}),
    "activity": frozenset({Phase.DATA, Phase.DOELEN, Phase.DOEN, Phase.EVALUATIE}),
    "progress": frozenset({Phase.DOEN, Phase.EVALUATIE}),
    "evaluation": frozenset({Phase.EVALUATIE}),
    "cycle": frozenset({Phase.DATA, Phase.DUIDEN, Phase.DOELEN, Phase.DOEN, Phase.EVALUATIE}),
}

# From Doen on, a goal is fixed: changing it needs a reason (a bijstelling).
GOAL_FIXED_FROM = frozenset({Phase.DOEN, Phase.EVALUATIE})

NOT_EDITABLE_MESSAGES = {
    "waiver": _("Afzien van schoolanalyses kan alleen in de fase Data."),
    "session": _("Sessies leg je vast in de fasen Duiden en Doelen."),
    "finding": _("Bevindingen leg je vast in de fasen Duiden en Doelen."),
    "goal": _("Doelen zijn in deze fase niet te wijzigen."),
    "activity": _("Activiteiten zijn in deze fase niet te wijzigen."),
    "progress": _("Voortgang leg je vast in de fasen Doen en Evaluatie."),
    "evaluation": _("Evalueren doe je in de fase Evaluatie."),
    "cycle": _("Een afgeronde cyclus is niet meer te wijzigen."),
}


def can_edit(cycle: Cycle, what: str) -> bool:
    return cycle.phase in EDITABLE_IN[what]


def goal_is_fixed(cycle: Cycle) -> bool:
    return cycle.phase in GOAL_FIXED_FROM


def editable_map(cycle: Cycle) -> dict[str, bool]:
    """For templates: ``can.goal`` and so on (the view ANDs this with the user's role)."""
    return {what: can_edit(cycle, what) for what in EDITABLE_IN}
