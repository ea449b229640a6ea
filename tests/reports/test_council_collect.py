"""The council evaluation (raadsinformatiebrief): its snapshot, its figures (equal to the final
accounting's own selector), its gate, and the letter as HTML and PDF."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from closeout import selectors as closeout_selectors
from closeout.models import ActivityContinuation, FinalAccounting
from closeout.services import snapshot_build, snapshot_sha256
from core.money import format_money
from core.npo import SpendingCategory
from cycles.models import Activity, GoalOutcome, Phase, ProgressUpdate
from municipalities.models import Role
from reports import gates, services
from reports.models import ReportJob
from reports.rendering import render_document_html, render_pdf
from tests.budgets.factories import BeschikkingFactory, SpendingFactory, SpendingGoalFactory, stream
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.closeout_data import ELIGIBLE, GRANTED, closeout_fill
from tests.reports.factories import CycleFactory
from tests.reports.helpers import assert_pdf_ua

D = datetime.date

GOALS = [
    # title, indicator, baseline, target, unit, measurements, result, explanation
    (
        "Leesvaardigheid groep 8 omhoog",
        "Aandeel leerlingen groep 8 op 1F lezen",
        "61",
        "70",
        "%",
        [(D(2024, 6, 1), "65"), (D(2025, 6, 15), "71.5")],
        GoalOutcome.Result.ACHIEVED,
        "Het streefniveau is in juni 2025 gehaald op 11 van de 14 scholen.",
    ),
    (
        "Minder thuiszitters",
        "Aantal thuiszitters op 1 oktober",
        "48",
        "30",
        "leerlingen",
        [(D(2025, 5, 1), "39")],
        GoalOutcome.Result.PARTLY,
        "De daling zette in, maar de streefwaarde is niet gehaald.",
    ),
    (
        "Meer peuters naar de voorschool",
        "Bereik voorschoolse educatie doelgroeppeuters",
        "72",
        "85",
        "%",
        [],
        GoalOutcome.Result.NOT_ACHIEVED,
        "Er is geen nieuwe meting; de wachtlijsten bleven bestaan.",
    ),
]
OAB_GRANTED = Decimal("120000.00")
OAB_SPENT = Decimal("45250.40")


def council_fill(municipality, *, user=None, outcomes: bool = True, phase=Phase.EVALUATIE):
    """An evaluated cycle with three goals (measurements and outcomes), activities with and
    without a continuation, the NPO close-out of ``closeout_fill`` and an OAB beschikking."""
    cycle = CycleFactory(
        municipality=municipality,
        title="NPO 2023–2025",
        phase=phase,
        process_evaluation="Scholen en partners werkten goed samen in de LEA.",
        lessons_learned="Meet vaker tussentijds.\nBetrek de kinderopvang eerder.",
    )
    accounting = closeout_fill(municipality, user=user)
    oab = stream("oab")
    BeschikkingFactory(
        municipality=municipality,
        stream=oab,
        amount=OAB_GRANTED,
        date=D(2023, 1, 10),
        reference="OAB-2023-1",
    )
    SpendingFactory(
        municipality=municipality,
        spending_goal=SpendingGoalFactory(
            municipality=municipality,
            cycle=cycle,
            category=SpendingCategory.PRESCHOOL,
            suboption="",
            title="VVE-uitbreiding",
        ),
        stream=oab,
        date=D(2024, 3, 1),
        amount=OAB_SPENT,
    )
    from cycles.models import Goal

    activities = []
    for title, indicator, baseline, target, unit, measured, result, explanation in GOALS:
        goal = Goal.objects.create(
            municipality=municipality,
            cycle=cycle,
            title=title,
            indicator=indicator,
            baseline=Decimal(baseline),
            target_value=Decimal(target),
            unit=unit,
        )
        activity = Activity.objects.create(
            municipality=municipality, goal=goal, title=f"Aanpak: {title.lower()}", status="done"
        )
        activities.append(activity)
        for date, value in measured:
            ProgressUpdate.objects.create(
                municipality=municipality,
                activity=activity,
                date=date,
                narrative="Meting",
                measured_value=Decimal(value),
                status="running",
            )
        if outcomes:
            GoalOutcome.objects.create(
                municipality=municipality, goal=goal, result=result, explanation=explanation
            )
    ActivityContinuation.objects.create(
        municipality=municipality,
        activity=activities[0],
        decision=ActivityContinuation.Decision.CONTINUE,
        stream=oab,
        category=SpendingCategory.PRESCHOOL,
        note="Gaat door in de LEA 2025–2027.",
    )
    ActivityContinuation.objects.create(
        municipality=municipality,
        activity=activities[1],
        decision=ActivityContinuation.Decision.STOP,
        note="Opgenomen in het reguliere leerplichtbeleid.",
    )
    # activities[2]: no decision yet
    return cycle, accounting


def _job(municipality, cycle, user, options=None, version=1):
    return ReportJob.objects.create(
        municipality=municipality,
        cycle=cycle,
        kind=ReportJob.Kind.COUNCIL,
        version=version,
        requested_by=user,
        options=options or {},
    )


@pytest.fixture
def utrecht(db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    cycle, accounting = council_fill(municipality, user=officer)
    return municipality, officer, cycle, accounting


def test_the_letter_has_the_colleges_form(utrecht):
    municipality, officer, cycle, _ = utrecht
    options = {"kenmerk": "RIB-2026-117", "burgemeester": "S.A.M. Dijksma", "secretaris": ""}
    snap = services.report_collect(job=_job(municipality, cycle, officer, options))
    letter = snap["letter"]
    assert letter["letterhead"] == "Gemeente Utrecht"
    assert letter["sender"] == "het college van burgemeester en wethouders"
    assert letter["addressee"] == "Aan de gemeenteraad van Utrecht"
    assert letter["subject"] == "Evaluatie Nationaal Programma Onderwijs 2023–2025"
    assert letter["reference"] == "RIB-2026-117"
    assert letter["mayor"] == "S.A.M. Dijksma" and letter["secretary"] == ""
    assert letter["signature_intro"] == ("Het college van burgemeester en wethouders van Utrecht,")
    assert snap["kind"] == "raadsinformatiebrief" and snap["cycle"]["title"] == "NPO 2023–2025"


def test_every_goal_has_baseline_target_result_and_verdict(utrecht):
    municipality, officer, cycle, _ = utrecht
    snap = services.report_collect(job=_job(municipality, cycle, officer))
    goals = {g["title"]: g for g in snap["goals"]}
    assert list(goals) == [g[0] for g in GOALS]
    reading = goals["Leesvaardigheid groep 8 omhoog"]
    assert (reading["baseline"], reading["target"], reading["result"]) == ("61%", "70%", "71,5%")
    assert reading["result_date"] == "15 juni 2025"  # the latest measurement, not the first
    assert reading["verdict_display"] == "Behaald"
    assert reading["explanation"].startswith("Het streefniveau")
    assert goals["Minder thuiszitters"]["result"] == "39 leerlingen"
    assert goals["Minder thuiszitters"]["verdict_display"] == "Deels behaald"
    no_measurement = goals["Meer peuters naar de voorschool"]
    assert no_measurement["result"] == "" and no_measurement["verdict"] == "not_achieved"
    assert snap["verdict_counts"] == {"achieved": 1, "partly": 1, "not_achieved": 1, "total": 3}
    assert "Bron:" in snap["goals_source"]


def test_spending_equals_the_final_accountings_selector(utrecht):
    municipality, officer, cycle, accounting = utrecht
    snap = services.report_collect(job=_job(municipality, cycle, officer))
    streams = {s["code"]: s for s in snap["finance"]["streams"]}
    # The streams with a final accounting (SiSa and a window) on which there is money, NPO first.
    expected = [
        s.code for s in closeout_selectors.closeout_streams() if s.code in ("npo-gemeenten", "oab")
    ]
    assert list(streams) == expected and expected[0] == "npo-gemeenten"
    for code, row in streams.items():
        st = stream(code)
        figures = closeout_selectors.accounting_figures(
            municipality=municipality,
            stream=st,
            accounting=closeout_selectors.final_accounting_get(
                municipality=municipality, stream=st
            ),
        )
        assert Decimal(row["totals"]["granted"]) == figures.granted
        assert Decimal(row["totals"]["eligible"]) == figures.eligible
        assert Decimal(row["totals"]["charged"]) == figures.charged
        assert Decimal(row["totals"]["own_funds"]) == figures.own_funds
        assert Decimal(row["totals"]["unspent"]) == figures.unspent
        assert [(c["label"], Decimal(c["total"])) for c in row["categories"]] == [
            (c.label, c.total) for c in figures.categories
        ]
        assert Decimal(row["categories_total"]) == figures.eligible
    npo = streams["npo-gemeenten"]
    assert Decimal(npo["totals"]["granted"]) == GRANTED
    assert Decimal(npo["totals"]["eligible"]) == ELIGIBLE
    assert npo["status_display"] == "Concept" and "nog niet definitief" in npo["source"]
    if "oab" in streams:
        assert Decimal(streams["oab"]["totals"]["eligible"]) == OAB_SPENT
        assert streams["oab"]["status_display"] == "nog niet begonnen"
    assert Decimal(snap["finance"]["total"]["granted"]) == GRANTED + (
        OAB_GRANTED if "oab" in streams else 0
    )


def test_a_definitief_accounting_gives_its_frozen_figures(utrecht):
    municipality, officer, cycle, accounting = utrecht
    npo = stream()
    figures = closeout_selectors.accounting_figures(
        municipality=municipality, stream=npo, accounting=accounting
    )
    from closeout.checks import accounting_checks

    frozen = snapshot_build(
        figures=figures,
        checks=accounting_checks(figures=figures, accounting=accounting),
        accounting=accounting,
    )
    # What the accounting said at definitief; a later spending row does not change the letter.
    frozen["totals"]["eligible"] = "237500.15"
    FinalAccounting.objects.filter(pk=accounting.pk).update(
        status=FinalAccounting.Status.FINAL,
        decision_date=D(2026, 3, 3),
        decision_reference="CB-2026-12",
        snapshot=frozen,
        snapshot_sha256=snapshot_sha256(frozen),
    )
    SpendingFactory(
        municipality=municipality,
        spending_goal=SpendingGoalFactory(municipality=municipality, cycle=cycle),
        stream=npo,
        date=D(2024, 9, 1),
        amount=Decimal("999.00"),
    )
    snap = services.report_collect(job=_job(municipality, cycle, officer))
    row = snap["finance"]["streams"][0]
    assert row["frozen"] is True and row["status_display"] == "Definitief"
    assert row["totals"]["eligible"] == "237500.15"  # frozen, not today's 238499.15
    assert row["matches_frozen"] is False
    assert row["categories_agree"] is False  # the letter then says so
    assert "na het definitief maken is er iets veranderd" in render_document_html(snap)
    assert "3 maart 2026" in row["source"] and "CB-2026-12" in row["source"]


def test_continuations_grouped_with_their_stream_and_undecided_listed(utrecht):
    municipality, officer, cycle, _ = utrecht
    snap = services.report_collect(job=_job(municipality, cycle, officer))
    groups = {g["key"]: g for g in snap["continuations"]["groups"]}
    assert list(groups) == ["voortzetten", "stoppen", "geen-besluit"]
    continued = groups["voortzetten"]["items"][0]
    assert continued["stream"] == stream("oab").name
    assert continued["category"] == "Activiteiten in de voorschoolse periode"
    assert groups["stoppen"]["items"][0]["note"].startswith("Opgenomen")
    assert groups["geen-besluit"]["label"] == "Nog geen besluit"
    assert groups["geen-besluit"]["items"][0]["title"] == "Aanpak: meer peuters naar de voorschool"
    assert snap["continuations"]["undecided"] == 1


def test_collecting_takes_a_fixed_number_of_queries(utrecht):
    municipality, officer, cycle, _ = utrecht

    def count():
        job = ReportJob.objects.select_related("municipality", "cycle").get(
            pk=_job(municipality, cycle, officer, version=ReportJob.objects.count() + 1).pk
        )
        with CaptureQueriesContext(connection) as ctx:
            services.report_collect(job=job)
        return len(ctx.captured_queries)

    before = count()
    from cycles.models import Goal

    for i in range(4):
        goal = Goal.objects.create(municipality=municipality, cycle=cycle, title=f"Extra {i}")
        GoalOutcome.objects.create(
            municipality=municipality, goal=goal, result="achieved", explanation="ok"
        )
        Activity.objects.create(municipality=municipality, goal=goal, title=f"Extra {i}")
    assert count() == before


# --- The gate ---------------------------------------------------------------------------------


def test_goals_without_an_outcome_block_the_letter(db):
    municipality = MunicipalityFactory()
    cycle, _ = council_fill(municipality, outcomes=False)
    GoalOutcome.objects.create(
        municipality=municipality,
        goal=cycle.goals.get(title=GOALS[0][0]),
        result="achieved",
        explanation="ok",
    )
    reason = gates.council_block_reason(cycle=cycle)
    assert reason.startswith("2 doelen van de cyclus “NPO 2023–2025” hebben nog geen resultaat")
    assert "“Minder thuiszitters”" in reason and "“Meer peuters naar de voorschool”" in reason
    assert GOALS[0][0] not in reason


def test_only_an_evaluated_or_closed_cycle(db):
    municipality = MunicipalityFactory()
    cycle, _ = council_fill(municipality, phase=Phase.DOEN)
    assert "fase Evaluatie of Afgerond" in gates.council_block_reason(cycle=cycle)
    assert "nog geen cyclus" in gates.council_block_reason(cycle=None)
    cycle.phase = Phase.AFGEROND
    cycle.save()
    assert gates.council_block_reason(cycle=cycle) is None
    assert list(gates.council_cycles(municipality=municipality)) == [cycle]


def test_the_gate_does_not_block_the_financial_accounting(db, django_capture_on_commit_callbacks):
    """Goals without an outcome block only the council letter: the accountant's PDF is made."""
    municipality = MunicipalityFactory()
    cycle, _ = council_fill(municipality, outcomes=False)
    assert gates.council_block_reason(cycle=cycle) is not None
    with django_capture_on_commit_callbacks(execute=True):
        job = services.report_request(
            municipality=municipality, kind="eindverantwoording", user=None, stream=stream()
        )
    job.refresh_from_db()
    assert job.status == "done"


# --- HTML and PDF -----------------------------------------------------------------------------


def test_the_pdf_is_a_tagged_letter_with_goals_amounts_and_signature(utrecht):
    municipality, officer, cycle, _ = utrecht
    job = _job(municipality, cycle, officer, {"kenmerk": "RIB-2026-117", "burgemeester": "Dijksma"})
    snap = services.report_collect(job=job)
    html = render_document_html(snap)
    assert 'class="cover"' not in html  # a letter, not a report with a cover
    assert "<h1" in html and "Evaluatie Nationaal Programma Onderwijs 2023–2025" in html
    reader = assert_pdf_ua(render_pdf(snap))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for title, *_rest in GOALS:
        assert title in flat
    for amount in (GRANTED, ELIGIBLE):
        assert format_money(amount) in flat
    for cat in snap["finance"]["streams"][0]["categories"]:
        assert format_money(cat["total"]) in flat
    assert "Aan de gemeenteraad van Utrecht" in flat
    assert "RIB-2026-117" in flat
    assert "de burgemeester," in flat and "Dijksma" in flat and "de secretaris," in flat
    assert "Nog geen besluit" in flat
    assert reader.metadata.title.startswith("Raadsinformatiebrief Utrecht")


def test_the_vaststelling_and_what_is_reclaimed_are_in_the_letter(utrecht):
    municipality, officer, cycle, _ = utrecht
    snap = services.report_collect(job=_job(municipality, cycle, officer))
    assert snap["finance"]["streams"][0]["vaststelling"] is None
    html = " ".join(render_document_html(snap).split())
    assert f"is {format_money(GRANTED - ELIGIBLE)} niet besteed" in html
    BeschikkingFactory(
        municipality=municipality,
        stream=stream(),
        kind="vaststelling",
        date=D(2026, 11, 16),
        amount=GRANTED,
        final_amount=ELIGIBLE,
        reclaim_amount=GRANTED - ELIGIBLE,
        reference="VS-2026-344",
    )
    snap = services.report_collect(job=_job(municipality, cycle, officer, version=2))
    row = snap["finance"]["streams"][0]
    assert row["vaststelling"] == {
        "date": "16 november 2026",
        "reference": "VS-2026-344",
        "final_amount": str(ELIGIBLE),
        "reclaim_amount": str(GRANTED - ELIGIBLE),
    }
    assert row["categories_agree"] is True
    html = " ".join(render_document_html(snap).split())
    assert f"vastgesteld op {format_money(ELIGIBLE)}" in html
    assert f"vordert {format_money(GRANTED - ELIGIBLE)} terug" in html
