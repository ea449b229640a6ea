"""Writes started from the portfolio: bulk analysis reminders.

The gemeentefoto bulk action is the reports app's own page (``reports_bulk:bulk``); the portfolio
form posts there, so there is one way to request reports for several municipalities. Reminders
go through the analyses app's ``reminders_send`` per municipality, so its rules (only schools
without a received analysis, not twice within a day) hold here too.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analyses.services import reminders_send
from cycles.models import Cycle
from municipalities.models import Municipality


@dataclass
class ReminderResult:
    emails: int = 0
    schools: int = 0
    skipped: int = 0
    without_users: int = 0
    no_cycle: list[str] = field(default_factory=list)
    waived: list[str] = field(default_factory=list)

    def message(self) -> str:
        parts = [
            ngettext(
                "%(n)s herinnering verstuurd",
                "%(n)s herinneringen verstuurd",
                self.emails,
            )
            % {"n": self.emails}
            + " "
            + ngettext("(%(s)s school).", "(%(s)s scholen).", self.schools) % {"s": self.schools}
        ]
        if self.skipped:
            parts.append(
                ngettext(
                    "%(n)s school kreeg het afgelopen etmaal al een herinnering.",
                    "%(n)s scholen kregen het afgelopen etmaal al een herinnering.",
                    self.skipped,
                )
                % {"n": self.skipped}
            )
        if self.without_users:
            parts.append(
                ngettext(
                    "%(n)s school heeft nog geen gebruiker om te mailen.",
                    "%(n)s scholen hebben nog geen gebruiker om te mailen.",
                    self.without_users,
                )
                % {"n": self.without_users}
            )
        if self.waived:
            parts.append(
                _("Geen schoolanalyses nodig in deze cyclus, dus geen herinnering: %(names)s.")
                % {"names": ", ".join(self.waived)}
            )
        if self.no_cycle:
            parts.append(
                _("Geen open cyclus, dus geen herinnering: %(names)s.")
                % {"names": ", ".join(self.no_cycle)}
            )
        return " ".join(parts)


def portfolio_send_reminders(
    *, municipalities: list[Municipality], user, site_url: str
) -> ReminderResult:
    """Remind the schools of each municipality's open cycle. The caller has already checked
    that ``user`` advises every one of ``municipalities``."""
    result = ReminderResult()
    cycles = {
        c.municipality_id: c for c in Cycle.objects.filter(municipality__in=municipalities).open()
    }
    for municipality in municipalities:
        cycle = cycles.get(municipality.pk)
        if cycle is None:
            result.no_cycle.append(municipality.name)
            continue
        if cycle.analyses_waived:
            result.waived.append(municipality.name)
            continue
        try:
            counts = reminders_send(
                municipality=municipality, cycle=cycle, user=user, site_url=site_url
            )
        except ValidationError:
            result.no_cycle.append(municipality.name)
            continue
        result.emails += counts["emails"]
        result.schools += counts["schools"]
        result.skipped += counts["skipped"]
        result.without_users += counts["without_users"]
    return result
