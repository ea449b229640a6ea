"""The school-analyses item of the Data → Duiden gate, contributed to cycles' gate registry.

cycles sits below this app and must not import it, so the answer is registered here
(see cycles/gates.py).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from analyses.selectors import received_count


def school_analyses_check(cycle):
    from cycles.gates import CheckResult

    if cycle.analyses_waived:
        return CheckResult(
            True,
            _("Afgezien van schoolanalyses: %(reason)s") % {"reason": cycle.analyses_waiver_reason},
        )
    received = received_count(cycle=cycle)
    if received:
        return CheckResult(
            True,
            ngettext(
                "%(count)s schoolanalyse ontvangen.",
                "%(count)s schoolanalyses ontvangen.",
                received,
            )
            % {"count": received},
        )
    return CheckResult(
        False,
        _("Nog geen schoolanalyses ontvangen. Wacht op de scholen of zie er met een reden van af."),
    )


def register() -> None:
    from cycles.gates import register_check
    from cycles.models import Phase

    register_check(
        Phase.DATA,
        "school_analyses",
        _("Schoolanalyses ontvangen of bewust van afgezien"),
        school_analyses_check,
        order=20,
    )
