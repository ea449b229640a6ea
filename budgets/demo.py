"""Demo budgets for `make run`. Idempotent: a second run changes nothing.

No public table of each municipality's NPO allocation exists, so the demo *estimates* the NPO
amount with ``budgets.estimate`` (PO and VO pupils on 1 October 2020 × € 118,11; the OAB part
only with an entered score). The basis text says what it includes, and the UI shows the
allocation as "schatting".
"""

import datetime
from decimal import Decimal

from django.db import transaction

from budgets.estimate import npo_estimate
from budgets.models import (
    Allocation,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
)
from budgets.streams import funding_streams_ensure
from core.money import format_money, to_money
from core.npo import NPO_SCHOOL_YEARS, SpendingCategory
from cycles.models import Activity, Cycle, Goal, Phase
from municipalities.models import Municipality
from schools.models import PartnerOrganisation

DEMO_CODES = ["GM0344", "GM0193", "GM0307"]
ESTIMATE_REFERENCE = "schatting-duo-2020"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _seed_allocations(municipality: Municipality, npo: FundingStream, stdout) -> bool:
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


UTRECHT_PLAN = [
    # (category, suboption, title, [(stream code, period, amount)])
    (
        SpendingCategory.CATCH_UP,
        "zomerschool",
        "Zomerschool en bijles voor groep 6 tot en met 8",
        [("npo-gemeenten", "2023-2024", "850000.00"), ("npo-gemeenten", "2024-2025", "900000.00")],
    ),
    (
        SpendingCategory.YOUTH_CARE,
        "schoolmaatschappelijk-werk",
        "Schoolmaatschappelijk werk op scholen met hoge schoolweging",
        [("npo-gemeenten", "2023-2024", "450000.00"), ("npo-gemeenten", "2024-2025", "300000.00")],
    ),
    (
        SpendingCategory.PRESCHOOL,
        "toeleiding",
        "Toeleiding van peuters naar voorschoolse educatie",
        [("npo-gemeenten", "2022-2023", "120000.00"), ("npo-gemeenten", "2024-2025", "300000.00")],
    ),
]
UTRECHT_TRANSACTIONS = [
    # (kind, plan index, date, amount, description, reference)
    (
        "c",
        0,
        datetime.date(2024, 3, 15),
        "780000.00",
        "Opdracht zomerschool 2024",
        "UTR-NPO-2024-01",
    ),
    ("s", 0, datetime.date(2024, 9, 30), "512345.67", "Factuur zomerschool 2024", "F-2024-0931"),
    (
        "c",
        1,
        datetime.date(2023, 9, 1),
        "560000.00",
        "Subsidie schoolmaatschappelijk werk",
        "UTR-NPO-2023-07",
    ),
    (
        "s",
        1,
        datetime.date(2023, 12, 20),
        "140000.00",
        "Voorschot SMW eerste kwartaal",
        "F-2023-1220",
    ),
    (
        "s",
        1,
        datetime.date(2024, 4, 2),
        "140000.00",
        "Voorschot SMW tweede kwartaal",
        "F-2024-0402",
    ),
    (
        "s",
        2,
        datetime.date(2024, 11, 5),
        "45250.10",
        "Inzet toeleidingsfunctionaris",
        "F-2024-1105",
    ),
]


def _seed_utrecht_plan(municipality: Municipality, stdout) -> None:
    cycle = Cycle.objects.for_municipality(municipality).filter(phase=Phase.DOEN).first()
    if cycle is None:
        _say(stdout, "  Utrecht: geen cyclus in Doen; bestedingsdoelen overgeslagen.\n")
        return
    streams = {s.code: s for s in FundingStream.objects.all()}
    goals = list(Goal.objects.for_municipality(municipality).filter(cycle=cycle))
    partners = list(PartnerOrganisation.objects.for_municipality(municipality)[:3])
    spending_goals = []
    for category, suboption, title, planned in UTRECHT_PLAN:
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
                    stream=streams[code],
                    period=period,
                    amount=Decimal(amount),
                )
                for code, period, amount in planned
            )
        spending_goals.append(spending_goal)
    for i, (kind, index, date, amount, description, reference) in enumerate(UTRECHT_TRANSACTIONS):
        model = Commitment if kind == "c" else Spending
        spending_goal = spending_goals[index]
        activity = (
            Activity.objects.for_municipality(municipality)
            .filter(goal__in=spending_goal.goals.all())
            .first()
        )
        model.objects.get_or_create(
            municipality=municipality,
            reference=reference,
            defaults={
                "date": date,
                "amount": Decimal(amount),
                "stream": streams["npo-gemeenten"],
                "spending_goal": spending_goal,
                "partner": partners[i % len(partners)] if partners else None,
                "activity": activity,
                "description": description,
            },
        )
    _say(stdout, f"  Utrecht: {len(spending_goals)} bestedingsdoelen in {cycle}.\n")


@transaction.atomic
def seed(stdout=None) -> None:
    funding_streams_ensure()
    npo = FundingStream.objects.get(code="npo-gemeenten")
    _say(stdout, "Budgetten:\n")
    for municipality in Municipality.objects.filter(cbs_code__in=DEMO_CODES).order_by("name"):
        _seed_allocations(municipality, npo, stdout)
        if municipality.cbs_code == "GM0344":
            _seed_utrecht_plan(municipality, stdout)
