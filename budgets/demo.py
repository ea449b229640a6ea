"""Demo budgets for `make run`: the NPO money of the three demo municipalities as it stands today
(30 November 2026): allocations, the beschikking (verlening) they come from, the spending goals of
each NPO cycle with their commitments and spending. Idempotent: a second run changes nothing.

No public table of each municipality's NPO allocation exists, so the demo *estimates* the NPO
amount with ``budgets.estimate`` (PO and VO pupils on 1 October 2020 × € 118,11; the OAB part
only with an entered score), or takes a round demo amount when no pupil counts are loaded. The
demo beschikking carries that amount and says in its note that it is an estimate, not a real
letter; the allocations are linked to it (and so are no longer marked "schatting" themselves,
but their note says the same).

The transactions are chosen so the close-out shows today's work: Utrecht's commitment for
school social work is not fully paid (an open commitment at the window's end), Zwolle has
spending with a prestatiedatum after 31 July 2025, Amersfoort's spending is complete.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from budgets.estimate import npo_estimate
from budgets.models import (
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
)
from budgets.streams import funding_streams_ensure
from core.money import format_money, to_money
from core.npo import NPO_SCHOOL_YEARS, NPO_WINDOW_END, SpendingCategory
from cycles.models import Activity, Cycle, Goal
from municipalities.models import Municipality
from schools.models import PartnerOrganisation

DEMO_CODES = ["GM0344", "GM0193", "GM0307"]
ESTIMATE_REFERENCE = "schatting-duo-2020"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _seed_allocations(municipality: Municipality, npo: FundingStream, stdout) -> bool:
    """Estimated NPO allocations from the pupil counts (also bench/bench_data.py's)."""
    if Allocation.objects.for_municipality(municipality).filter(stream=npo).exists():
        return True
    estimate = npo_estimate(municipality=municipality)
    if estimate is None or not estimate.pupils:
        _say(
            stdout, f"  {municipality}: geen leerlingtellingen 2020 geladen; geen NPO-schatting.\n"
        )
        return False
    total, basis = estimate.total, estimate.basis_text()
    share = to_money(total / len(NPO_SCHOOL_YEARS))
    for index, period in enumerate(NPO_SCHOOL_YEARS):
        last = index == len(NPO_SCHOOL_YEARS) - 1
        amount = total - share * (len(NPO_SCHOOL_YEARS) - 1) if last else share
        Allocation.objects.create(
            municipality=municipality,
            stream=npo,
            period=period,
            amount=amount,
            reference=ESTIMATE_REFERENCE,
            is_estimate=True,
            estimate_basis=basis,
        )
    _say(stdout, f"  {municipality}: NPO geschat op {format_money(total)} (schatting).\n")
    return True


# A round demo amount per municipality when no pupil counts are loaded (tests, a bare database).
FALLBACK_AMOUNTS = {
    "GM0344": Decimal("5800000.00"),
    "GM0193": Decimal("3150000.00"),
    "GM0307": Decimal("3740000.00"),
}
# The demo verlening: a date in the first half of the programme, a reference that says "demo".
VERLENING_DATE = datetime.date(2021, 7, 15)


def _seed_beschikking(municipality: Municipality, npo: FundingStream, stdout) -> Beschikking:
    """The NPO verlening (demo), with the school-year allocations linked to it: estimated from
    the pupil counts when they are loaded, a round demo amount otherwise."""
    existing = Beschikking.objects.for_municipality(municipality).filter(stream=npo).first()
    if existing is not None:
        return existing
    allocations = Allocation.objects.for_municipality(municipality).filter(stream=npo)
    if _seed_allocations(municipality, npo, stdout):
        total = sum((a.amount for a in allocations), Decimal("0"))
        basis = allocations.first().estimate_basis
    else:
        total = FALLBACK_AMOUNTS[municipality.cbs_code]
        basis = "Rond demobedrag: er zijn geen leerlingtellingen van 1 oktober 2020 geladen."
    note = (
        "Demo: geen echte beschikking. Het bedrag is een schatting, geen bedrag uit een "
        f"beschikking van het ministerie. {basis}"
    )
    beschikking = Beschikking.objects.create(
        municipality=municipality,
        stream=npo,
        kind=Beschikking.Kind.VERLENING,
        amount=total,
        date=VERLENING_DATE,
        reference=f"DEMO-NPO-{municipality.cbs_code}",
        note=note,
    )
    if not allocations.exists():
        share = to_money(total / len(NPO_SCHOOL_YEARS))
        Allocation.objects.bulk_create(
            Allocation(
                municipality=municipality,
                stream=npo,
                period=period,
                amount=total - share * (len(NPO_SCHOOL_YEARS) - 1)
                if index == len(NPO_SCHOOL_YEARS) - 1
                else share,
            )
            for index, period in enumerate(NPO_SCHOOL_YEARS)
        )
    allocations.update(
        beschikking=beschikking, is_estimate=False, reference=beschikking.reference, note=note
    )
    _say(
        stdout,
        f"  {municipality}: NPO-beschikking (demo, geschat) {format_money(total)}, gekoppeld aan "
        f"{allocations.count()} toekenningen.\n",
    )
    return beschikking


# Per municipality: the spending goals of its NPO cycle
# (category, suboption, title, [(period, planned amount)]), and the transactions
# (kind c/s, spending goal index, booking date, prestatiedatum or None, amount, description, reference).
PLANS = {
    "GM0344": (
        [
            (
                SpendingCategory.CATCH_UP,
                "zomerschool",
                "Zomerschool en bijles voor groep 6 tot en met 8",
                [("2023-2024", "850000.00"), ("2024-2025", "450000.00")],
            ),
            (
                SpendingCategory.YOUTH_CARE,
                "schoolmaatschappelijk-werk",
                "Schoolmaatschappelijk werk op scholen met hoge schoolweging",
                [("2023-2024", "480000.00"), ("2024-2025", "520000.00")],
            ),
            (
                SpendingCategory.PRESCHOOL,
                "toeleiding",
                "Toeleiding van peuters naar voorschoolse educatie",
                [("2023-2024", "110000.00"), ("2024-2025", "100000.00")],
            ),
        ],
        [
            ("c", 0, datetime.date(2024, 3, 15), None, "1300000.00", "Opdracht zomerschool 2024 en tutoring", "UTR-NPO-2024-01"),
            ("s", 0, datetime.date(2024, 9, 30), datetime.date(2024, 8, 16), "852345.67", "Factuur zomerschool 2024", "F-2024-0931"),
            ("s", 0, datetime.date(2025, 6, 20), None, "447654.33", "Factuur tutoring schooljaar 2024-2025", "F-2025-0620"),
            ("c", 1, datetime.date(2023, 9, 1), None, "1000000.00", "Subsidie schoolmaatschappelijk werk", "UTR-NPO-2023-07"),
            ("s", 1, datetime.date(2023, 12, 20), None, "250000.00", "Voorschot SMW eerste kwartaal", "F-2023-1220"),
            ("s", 1, datetime.date(2024, 4, 2), None, "250000.00", "Voorschot SMW tweede kwartaal", "F-2024-0402"),
            ("s", 1, datetime.date(2024, 10, 1), None, "250000.00", "Voorschot SMW derde kwartaal", "F-2024-1001"),
            # The fourth quarter (250.000) is not booked: the commitment stays open.
            ("s", 2, datetime.date(2024, 11, 5), None, "113125.25", "Inzet toeleidingsfunctionaris", "F-2024-1105"),
            ("s", 2, datetime.date(2025, 7, 15), datetime.date(2025, 7, 11), "95000.00", "Inzet toeleidingsfunctionaris 2025", "F-2025-0715"),
        ],
    ),
    "GM0193": (
        [
            (
                SpendingCategory.THUISZITTERS,
                "thuiszitters",
                "Maatwerktrajecten voor thuiszitters",
                [("2024-2025", "420000.00")],
            ),
            (
                SpendingCategory.CATCH_UP,
                "zomerschool",
                "Zomerschool voor de overstap naar het VO",
                [("2024-2025", "250000.00")],
            ),
        ],
        [
            ("s", 0, datetime.date(2025, 3, 31), None, "192000.00", "Maatwerktrajecten eerste kwartaal 2025", "ZWL-2025-031"),
            ("s", 0, datetime.date(2025, 7, 15), datetime.date(2025, 6, 30), "208000.00", "Maatwerktrajecten tweede kwartaal 2025", "ZWL-2025-072"),
            ("s", 1, datetime.date(2025, 8, 12), datetime.date(2025, 7, 25), "246000.00", "Factuur zomerschool 2025", "ZWL-2025-081"),
            # Work done after the window: to be booked on another stream or corrected.
            ("s", 0, datetime.date(2025, 9, 30), datetime.date(2025, 9, 15), "18400.00", "Nazorg maatwerktrajecten september 2025", "ZWL-2025-093"),
        ],
    ),
    "GM0307": (
        [
            (
                SpendingCategory.CATCH_UP,
                "bijles",
                "Rekentutoring in kleine groepen",
                [("2021-2022", "440000.00"), ("2022-2023", "520000.00"), ("2023-2024", "530000.00"), ("2024-2025", "490000.00")],
            ),
            (
                SpendingCategory.PRESCHOOL,
                "begeleiding-groep",
                "Extra pedagogisch medewerker in de peutergroep",
                [("2021-2022", "490000.00"), ("2022-2023", "410000.00"), ("2023-2024", "400000.00"), ("2024-2025", "420000.00")],
            ),
        ],
        [
            ("c", 0, datetime.date(2022, 1, 10), None, "1980000.00", "Opdracht rekentutoring 2022-2025", "AMF-NPO-2022-01"),
            ("s", 0, datetime.date(2022, 6, 30), None, "310000.00", "Rekentutoring 2021-2022", "AMF-F-2022-06"),
            ("s", 0, datetime.date(2023, 6, 30), None, "560000.00", "Rekentutoring 2022-2023", "AMF-F-2023-06"),
            ("s", 0, datetime.date(2024, 6, 28), None, "590000.00", "Rekentutoring 2023-2024", "AMF-F-2024-06"),
            ("s", 0, datetime.date(2025, 6, 27), None, "520000.00", "Rekentutoring 2024-2025", "AMF-F-2025-06"),
            ("c", 1, datetime.date(2021, 9, 1), None, "1720000.00", "Subsidie extra pedagogisch medewerkers", "AMF-NPO-2021-09"),
            ("s", 1, datetime.date(2021, 12, 15), None, "205000.00", "Extra medewerkers peutergroepen 2021", "AMF-F-2021-12"),
            ("s", 1, datetime.date(2022, 12, 15), None, "410000.00", "Extra medewerkers peutergroepen 2022", "AMF-F-2022-12"),
            ("s", 1, datetime.date(2023, 12, 15), None, "420000.00", "Extra medewerkers peutergroepen 2023", "AMF-F-2023-12"),
            ("s", 1, datetime.date(2024, 12, 13), None, "430000.00", "Extra medewerkers peutergroepen 2024", "AMF-F-2024-12"),
            ("s", 1, datetime.date(2025, 8, 29), datetime.date(2025, 7, 31), "255000.00", "Extra medewerkers peutergroepen 2025 (tot de zomer)", "AMF-F-2025-08"),
        ],
    ),
}  # fmt: skip


def npo_cycle(municipality: Municipality) -> Cycle | None:
    """The municipality's NPO cycle: the latest that ended inside the NPO window."""
    return (
        Cycle.objects.for_municipality(municipality)
        .filter(end_date__lte=NPO_WINDOW_END)
        .order_by("-start_date", "-pk")
        .first()
    )


def _seed_plan(municipality: Municipality, npo: FundingStream, stdout) -> None:
    cycle = npo_cycle(municipality)
    if cycle is None:
        _say(stdout, f"  {municipality}: geen NPO-cyclus; bestedingsdoelen overgeslagen.\n")
        return
    spending_plan, transactions = PLANS[municipality.cbs_code]
    goals = list(Goal.objects.for_municipality(municipality).filter(cycle=cycle))
    partners = list(PartnerOrganisation.objects.for_municipality(municipality)[:3])
    spending_goals = []
    for category, suboption, title, planned in spending_plan:
        spending_goal, created = SpendingGoal.objects.get_or_create(
            municipality=municipality,
            cycle=cycle,
            title=title,
            defaults={"category": category, "suboption": suboption},
        )
        if created:
            spending_goal.goals.set(
                [g for g in goals if g.spending_category == category] or goals[:1]
            )
            PlannedAmount.objects.bulk_create(
                PlannedAmount(
                    municipality=municipality,
                    spending_goal=spending_goal,
                    stream=npo,
                    period=period,
                    amount=Decimal(amount),
                )
                for period, amount in planned
            )
        spending_goals.append(spending_goal)
    for i, (kind, index, date, performed, amount, description, reference) in enumerate(
        transactions
    ):
        model = Commitment if kind == "c" else Spending
        spending_goal = spending_goals[index]
        activity = (
            Activity.objects.for_municipality(municipality)
            .filter(goal__in=spending_goal.goals.all())
            .order_by("pk")
            .first()
        )
        model.objects.get_or_create(
            municipality=municipality,
            reference=reference,
            defaults={
                "date": date,
                "performance_date": performed,
                "amount": Decimal(amount),
                "stream": npo,
                "spending_goal": spending_goal,
                "partner": partners[i % len(partners)] if partners else None,
                "activity": activity,
                "description": description,
            },
        )
    _say(stdout, f"  {municipality}: {len(spending_goals)} bestedingsdoelen in {cycle}.\n")


@transaction.atomic
def seed(stdout=None) -> None:
    funding_streams_ensure()
    npo = FundingStream.objects.get(code="npo-gemeenten")
    _say(stdout, "Budgetten:\n")
    for municipality in Municipality.objects.filter(cbs_code__in=DEMO_CODES).order_by("name"):
        _seed_beschikking(municipality, npo, stdout)
        _seed_plan(municipality, npo, stdout)
