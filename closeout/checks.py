"""The checks before sign-off: each a Dutch sentence with a link to the place to fix it.

Blocking checks stop the sign-off (gecontroleerd and definitief); warnings are shown and frozen
in the snapshot, but do not stop it. ``accounting_checks`` runs a fixed number of queries.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets.models import Spending, SpendingGoal
from closeout.models import Consultation, FinalAccounting
from closeout.selectors import AccountingFigures, open_commitments
from core.money import format_money
from cycles.models import Goal, GoalOutcome

# The interface's one date style ("1 aug. 2023"), as the templates' |date:"j N Y".
DATE_STYLE = "j N Y"

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str  # stable identifier (tests, snapshot)
    severity: str  # BLOCKING or WARNING
    message: str  # a Dutch sentence
    url: str  # where to fix it
    link_text: str

    @property
    def is_blocking(self) -> bool:
        return self.severity == BLOCKING

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "url": self.url,
        }


def accounting_checks(
    *, figures: AccountingFigures, accounting: FinalAccounting | None
) -> list[Check]:
    """Blocking checks first, then warnings."""
    municipality, stream = figures.municipality, figures.stream
    slug = municipality.slug
    spending_url = reverse("budgets:spending_list", args=[slug])
    checks: list[Check] = []

    outside = figures.outside_window
    if outside:
        checks.append(
            Check(
                code="outside_window",
                severity=BLOCKING,
                message=_(
                    "Er staat %(amount)s aan bestedingen met een prestatiedatum buiten de termijn "
                    "(%(start)s tot en met %(end)s) op %(stream)s. Boek ze op een andere "
                    "geldstroom of corrigeer de prestatiedatum."
                )
                % {
                    "amount": format_money(outside),
                    "start": date_format(figures.window_start, DATE_STYLE),
                    "end": date_format(figures.window_end, DATE_STYLE),
                    "stream": stream.name,
                },
                url=spending_url,
                link_text=_("Naar de realisatie"),
            )
        )
    if figures.category_not_allowed:
        checks.append(
            Check(
                code="category_not_allowed",
                severity=BLOCKING,
                message=_(
                    "Er staat %(amount)s aan bestedingen op %(stream)s bij bestedingsdoelen in een "
                    "categorie die deze regeling niet toestaat."
                )
                % {"amount": format_money(figures.category_not_allowed), "stream": stream.name},
                url=spending_url,
                link_text=_("Naar de realisatie"),
            )
        )
    if not figures.beschikkingen:
        checks.append(
            Check(
                code="no_beschikking",
                severity=BLOCKING,
                message=_(
                    "Er is geen beschikking van %(stream)s vastgelegd. Leg de verlening (en "
                    "eventuele wijzigingen) vast met bedrag, datum en kenmerk."
                )
                % {"stream": stream.name},
                url=reverse("budgets:beschikking_list", args=[slug]),
                link_text=_("Naar de beschikkingen"),
            )
        )
    for row in open_commitments(municipality=municipality, stream=stream):
        checks.append(
            Check(
                code=f"open_commitment:{row.spending_goal_id}",
                severity=BLOCKING,
                message=_(
                    "Bij bestedingsdoel „%(goal)s” staat op %(end)s nog %(open)s aan "
                    "verplichtingen open (verplicht %(committed)s, besteed %(spent)s). Boek de "
                    "besteding of verlaag de verplichting."
                )
                % {
                    "goal": row.title,
                    "end": date_format(figures.window_end, DATE_STYLE),
                    "open": format_money(row.open),
                    "committed": format_money(row.committed),
                    "spent": format_money(row.spent),
                },
                url=reverse("budgets:commitment_list", args=[slug]),
                link_text=_("Naar de verplichtingen"),
            )
        )
    ledger_url = reverse("closeout:ledger", args=[slug, stream.code])
    for year in figures.years:
        if year.year > figures.final_year:
            continue
        if year.ledger is None:
            if not year.eligible:
                continue
            message = _(
                "Voor %(year)s is geen grootboekbedrag ingevuld; de subsidiabele besteding is "
                "%(eligible)s."
            ) % {"year": year.year, "eligible": format_money(year.eligible)}
        elif year.ledger_difference:
            message = _(
                "In %(year)s wijkt de subsidiabele besteding (%(eligible)s) %(difference)s af van "
                "het grootboek (%(ledger)s)."
            ) % {
                "year": year.year,
                "eligible": format_money(year.eligible),
                "difference": format_money(abs(year.ledger_difference)),
                "ledger": format_money(year.ledger),
            }
        else:
            continue
        checks.append(
            Check(
                code=f"ledger:{year.year}",
                severity=BLOCKING,
                message=message,
                url=ledger_url,
                link_text=_("Naar de grootboekbedragen"),
            )
        )

    # Warnings.
    consulted = accounting is not None and (
        Consultation.objects.for_municipality(accounting.municipality_id)
        .filter(accounting=accounting, with_school_boards=True, with_childcare=True)
        .exclude(participants="")
        .exists()
    )
    if not consulted:
        checks.append(
            Check(
                code="no_consultation",
                severity=WARNING,
                message=_(
                    "Er is geen overleg met schoolbesturen en kinderopvang over de besteding "
                    "vastgelegd (datum en deelnemers; vermeld of het in de LEA/het OOGO was)."
                ),
                url=reverse("closeout:consultation_add", args=[slug, stream.code]),
                link_text=_("Overleg vastleggen"),
            )
        )
    for goal in _goals_without_outcome(figures):
        checks.append(
            Check(
                code=f"no_outcome:{goal.pk}",
                severity=WARNING,
                message=_("Doel „%(goal)s” heeft nog geen resultaat (evaluatie).")
                % {"goal": goal.title},
                url=reverse("cycles:outcome", args=[slug, goal.cycle_id, goal.pk]),
                link_text=_("Resultaat invullen"),
            )
        )
    return checks


def _goals_without_outcome(figures: AccountingFigures):
    """The goals served by spending goals with spending on the stream, without an outcome."""
    spent_on = Spending.objects.for_municipality(figures.municipality).filter(
        stream=figures.stream, spending_goal=OuterRef("pk")
    )
    spending_goals = SpendingGoal.objects.for_municipality(figures.municipality).filter(
        Exists(spent_on)
    )
    return (
        Goal.objects.for_municipality(figures.municipality)
        .filter(spending_goals__in=spending_goals)
        .exclude(Exists(GoalOutcome.objects.filter(goal=OuterRef("pk"))))
        .distinct()
        .order_by("cycle_id", "title", "pk")
    )


def blocking(checks: list[Check]) -> list[Check]:
    return [check for check in checks if check.is_blocking]
