"""The budget item of the Doelen → Doen gate, contributed to cycles' gate registry.

cycles must not import budgets, so budgets registers the answer (see cycles/gates.py).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from budgets.models import SpendingGoal


def budget_planned_check(cycle):
    from cycles.gates import CheckResult, complete_goals

    complete = [goal.pk for goal in complete_goals(cycle)]
    if not complete:
        return CheckResult(False, _("Er is nog geen compleet doel om budget voor te plannen."))
    planned = (
        SpendingGoal.objects.filter(cycle=cycle, goals__in=complete, planned_amounts__amount__gt=0)
        .values("goals")
        .distinct()
        .count()
    )
    if planned:
        return CheckResult(
            True,
            ngettext(
                "Budget gepland voor %(count)s compleet doel.",
                "Budget gepland voor %(count)s complete doelen.",
                planned,
            )
            % {"count": planned},
        )
    return CheckResult(
        False,
        _(
            "Koppel minstens één compleet doel aan een bestedingsdoel met een gepland bedrag "
            "(Budget → Bestedingsdoelen)."
        ),
    )


def register() -> None:
    from cycles.gates import register_check
    from cycles.models import Phase

    register_check(
        Phase.DOELEN,
        "budget_planned",
        _("Budget gepland voor een compleet doel"),
        budget_planned_check,
        order=20,
    )
