"""Demo close-out for `make run`, as it stands today (30 November 2026; the NPO window ended on
31 July 2025, the last moment for its final accounting is 15 July 2027):

* **Utrecht**: the final accounting in concept, to be given in the accounts over 2026, with exactly
  two blocking checks (the commitment for school social work is not fully paid at the window's
  end, and the 2024 grootboek amount differs from the spending) and its internal deadline 45 days
  after the day the demo is made. Its closed NPO cycle continues in a new LEA cycle funded by
  GOAB, through the continuation service, so every continued activity links to its history.
* **Zwolle**: in concept with one blocking check (spending with a prestatiedatum after 31 July
  2025, to be corrected); its internal deadline passed 10 days before the demo was made.
* **Amersfoort**: definitief (consultation, grootboek, reported SiSa values, the college decision,
  four eyes), made definitief through the services so the snapshot and its SHA-256 are real,
  followed by the minister's vaststelling.

Runs after the budgets seeder (it needs the spending) and before the analyses and reports
seeders (they need Utrecht's new cycle and Amersfoort's definitief accounting). Idempotent: a
municipality that already has its final accounting (or its next cycle) is left alone. NPO dates
are absolute; the internal deadlines are relative to the day the demo is made.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.demo import npo_cycle
from budgets.models import (
    Allocation,
    Beschikking,
    FundingStream,
    PlannedAmount,
    SpendingGoal,
    StreamFreeze,
)
from budgets.streams import funding_streams_ensure
from closeout import services
from closeout.models import FinalAccounting
from closeout.selectors import accounting_figures
from core.money import format_money, to_money
from cycles.models import Activity, Cycle, Phase
from municipalities.models import Membership, Municipality, Role

NPO_CODE = "npo-gemeenten"
GOAB_CODE = "oab"
UTRECHT, ZWOLLE, AMERSFOORT = "GM0344", "GM0193", "GM0307"
# Relative to the day the demo is made: Utrecht still has time, Zwolle is over time.
UTRECHT_DEADLINE_DAYS = 45
ZWOLLE_DEADLINE_DAYS = -10
# Utrecht's grootboek holds a correction invoice of 2024 that is not in the platform.
UTRECHT_LEDGER_EXTRA_2024 = Decimal("12500.00")

LEA_TITLE = "LEA 2026–2028: gelijke kansen voor elk kind"
LEA_START = datetime.date(2026, 8, 1)
LEA_END = datetime.date(2028, 7, 31)
LEA_CREATED = datetime.date(2026, 9, 14)
# Activity of Utrecht's NPO cycle -> (decision, GOAB category or "", note).
UTRECHT_CONTINUATIONS = {
    "Zomerschool lezen 2024": (
        "voortzetten",
        "goab-leerlingen",
        "Zomerschool lezen gaat elk jaar door als GOAB-zomerschool.",
    ),
    "Tutoring in kleine groepen": (
        "aanpassen",
        "goab-leerlingen",
        "Alleen op scholen die de tutoring in het rooster opnemen (les uit de evaluatie).",
    ),
    "Toeleidingsfunctionaris bij de JGZ": (
        "voortzetten",
        "goab-voorschool",
        "Doel behaald; de toeleiding hoort bij de voorschoolse educatie van GOAB.",
    ),
    "Inzet schoolmaatschappelijk werkers": (
        "stoppen",
        "",
        "Geen GOAB-doel: gaat verder uit het budget jeugdhulp van de gemeente.",
    ),
    "Voorlichting in moskeeën en buurthuizen": (
        "stoppen",
        "",
        "Opgenomen in het werk van de toeleidingsfunctionaris.",
    ),
}
# GOAB for Utrecht: demo amounts (no public table of GOAB allocations is in data/).
GOAB_ALLOCATIONS = [("2026", Decimal("1250000.00")), ("2027", Decimal("1250000.00"))]
GOAB_PLANNED = {
    "goab-leerlingen": [("2026", "420000.00"), ("2027", "450000.00")],
    "goab-voorschool": [("2026", "95000.00"), ("2027", "98000.00")],
}


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(14, 0)))


def _member(municipality: Municipality, role: str):
    membership = (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _ledger_as_eligible(figures, *, extra: dict | None = None) -> dict[int, Decimal]:
    extra = extra or {}
    return {
        row.year: to_money(row.eligible + extra.get(row.year, Decimal("0")))
        for row in figures.years
        if row.eligible and row.year <= figures.final_year
    }


def _start(municipality, npo, officer, *, final_year, deadline) -> FinalAccounting:
    accounting = services.accounting_start(municipality=municipality, stream=npo, user=officer)
    services.accounting_settings_save(
        accounting=accounting, user=officer, final_year=final_year, internal_deadline=deadline
    )
    return accounting


def _figures(accounting: FinalAccounting):
    return accounting_figures(
        municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
    )


@transaction.atomic
def _seed_utrecht(municipality, npo, today, stdout) -> None:
    officer = _member(municipality, Role.POLICY_OFFICER)
    accounting = _start(
        municipality,
        npo,
        officer,
        final_year=2026,
        deadline=today + datetime.timedelta(days=UTRECHT_DEADLINE_DAYS),
    )
    figures = _figures(accounting)
    # The accounts over 2023 and 2024 reported what the platform computes now.
    services.reported_values_save(
        accounting=accounting,
        user=officer,
        amounts={
            line.year: to_money(line.computed)
            for line in figures.sisa_lines
            if line.year in (2023, 2024)
        },
    )
    services.ledger_amounts_save(
        accounting=accounting,
        user=officer,
        amounts=_ledger_as_eligible(figures, extra={2024: UTRECHT_LEDGER_EXTRA_2024}),
    )
    _say(stdout, "  Utrecht: eindverantwoording NPO in concept (twee blokkerende controles).\n")


@transaction.atomic
def _seed_zwolle(municipality, npo, today, stdout) -> None:
    officer = _member(municipality, Role.POLICY_OFFICER)
    accounting = _start(
        municipality,
        npo,
        officer,
        final_year=2026,
        deadline=today + datetime.timedelta(days=ZWOLLE_DEADLINE_DAYS),
    )
    services.ledger_amounts_save(
        accounting=accounting, user=officer, amounts=_ledger_as_eligible(_figures(accounting))
    )
    _say(stdout, "  Zwolle: eindverantwoording NPO in concept, besteding buiten de termijn.\n")


@transaction.atomic
def _seed_amersfoort(municipality, npo, today, stdout) -> None:
    officer = _member(municipality, Role.POLICY_OFFICER)
    checker = _member(municipality, Role.ADVISOR)
    accounting = _start(
        municipality, npo, officer, final_year=2025, deadline=datetime.date(2026, 5, 29)
    )
    cycle = npo_cycle(municipality)
    services.consultation_save(
        accounting=accounting,
        user=officer,
        date=datetime.date(2025, 3, 11),
        session=None,
        participants=(
            "Schoolbesturen PO en VO van Amersfoort, Kinderopvang Amersfoort, "
            "samenwerkingsverband PO, afdeling Onderwijs"
        ),
        with_school_boards=True,
        with_childcare=True,
        in_lea_oogo=True,
        note=f"Besteding van de NPO-middelen besproken in het OOGO van de LEA ({cycle}).",
    )
    figures = _figures(accounting)
    services.ledger_amounts_save(
        accounting=accounting, user=officer, amounts=_ledger_as_eligible(figures)
    )
    services.reported_values_save(
        accounting=accounting,
        user=officer,
        amounts={line.year: to_money(line.computed) for line in figures.sisa_lines},
    )
    services.accounting_check(accounting=accounting, user=checker)
    services.accounting_finalise(
        accounting=accounting,
        user=officer,
        decision_date=datetime.date(2026, 6, 23),
        decision_reference="B&W 2026-0412",
    )
    # The sign-off happened in May and June 2026 (the SHA-256 covers the figures, not these).
    FinalAccounting.objects.filter(pk=accounting.pk).update(
        prepared_at=_at(datetime.date(2026, 5, 18)),
        checked_at=_at(datetime.date(2026, 5, 27)),
        finalised_at=_at(datetime.date(2026, 6, 24)),
    )
    StreamFreeze.objects.for_municipality(municipality).filter(
        stream=npo, reopened_at__isnull=True
    ).update(frozen_at=_at(datetime.date(2026, 6, 24)))
    # The minister's vaststelling after the accounts over 2025 (demo letter, like the verlening).
    figures = _figures(accounting)
    Beschikking.objects.create(
        municipality=municipality,
        stream=npo,
        kind=Beschikking.Kind.VASTSTELLING,
        amount=figures.granted,
        final_amount=to_money(figures.charged),
        reclaim_amount=to_money(figures.granted - figures.charged),
        date=datetime.date(2026, 11, 16),
        reference=f"DEMO-NPO-VS-{municipality.cbs_code}",
        note=(
            "Demo: geen echte beschikking. Vaststelling na de eindverantwoording in de "
            "jaarrekening over 2025; het verleende bedrag is een schatting."
        ),
    )
    _say(
        stdout,
        f"  Amersfoort: eindverantwoording NPO definitief (SHA-256 "
        f"{FinalAccounting.objects.get(pk=accounting.pk).snapshot_sha256[:12]}…), vastgesteld op "
        f"{format_money(figures.charged)}.\n",
    )


@transaction.atomic
def _seed_utrecht_lea(municipality, stdout) -> None:
    """Utrecht's NPO cycle continues in a LEA cycle funded by GOAB (the continuation service)."""
    cycle = npo_cycle(municipality)
    if cycle is None or cycle.phase != Phase.AFGEROND:
        return
    if Cycle.objects.for_municipality(municipality).filter(predecessor=cycle).exists():
        return
    officer = _member(municipality, Role.POLICY_OFFICER)
    goab = FundingStream.objects.get(code=GOAB_CODE)
    activities = {
        a.title: a
        for a in Activity.objects.for_municipality(municipality).filter(goal__cycle=cycle)
    }
    decisions = [
        services.ContinuationInput(
            activity_id=activities[title].pk,
            decision=decision,
            stream=goab if category else None,
            category=category,
            note=note,
        )
        for title, (decision, category, note) in UTRECHT_CONTINUATIONS.items()
        if title in activities
    ]
    services.continuations_save(cycle=cycle, decisions=decisions, actor=officer)
    result = services.continuation_carry_over(
        cycle=cycle, actor=officer, title=LEA_TITLE, start_date=LEA_START, end_date=LEA_END
    )
    lea = result.cycle
    Cycle.objects.filter(pk=lea.pk).update(
        created_at=_at(LEA_CREATED), phase_changed_at=_at(LEA_CREATED)
    )
    beschikking = Beschikking.objects.create(
        municipality=municipality,
        stream=goab,
        kind=Beschikking.Kind.VERLENING,
        amount=sum((amount for _period, amount in GOAB_ALLOCATIONS), Decimal("0")),
        date=datetime.date(2025, 12, 10),
        reference=f"DEMO-GOAB-{municipality.cbs_code}",
        note="Demo: geen echte beschikking; demobedragen voor GOAB 2026 en 2027.",
    )
    for period, amount in GOAB_ALLOCATIONS:
        Allocation.objects.create(
            municipality=municipality,
            stream=goab,
            period=period,
            amount=amount,
            reference=beschikking.reference,
            beschikking=beschikking,
            note="Demobedrag, geen echte toekenning.",
        )
    for spending_goal in SpendingGoal.objects.for_municipality(municipality).filter(cycle=lea):
        PlannedAmount.objects.bulk_create(
            PlannedAmount(
                municipality=municipality,
                spending_goal=spending_goal,
                stream=goab,
                period=period,
                amount=Decimal(amount),
            )
            for period, amount in GOAB_PLANNED.get(spending_goal.category, [])
        )
    _say(
        stdout,
        f"  Utrecht: {len(result.created)} activiteiten voortgezet in {lea} (GOAB), "
        f"{len(result.spending_goals)} bestedingsdoelen gepland.\n",
    )


def seed(stdout=None) -> None:
    funding_streams_ensure()
    npo = FundingStream.objects.get(code=NPO_CODE)
    today = timezone.localdate()
    _say(stdout, "Eindverantwoording:\n")
    builders = {UTRECHT: _seed_utrecht, ZWOLLE: _seed_zwolle, AMERSFOORT: _seed_amersfoort}
    for municipality in Municipality.objects.filter(cbs_code__in=builders).order_by("name"):
        if npo_cycle(municipality) is None:
            continue
        if not FinalAccounting.objects.for_municipality(municipality).filter(stream=npo).exists():
            builders[municipality.cbs_code](municipality, npo, today, stdout)
        if municipality.cbs_code == UTRECHT:
            _seed_utrecht_lea(municipality, stdout)
