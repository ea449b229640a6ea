"""The demo shows today's situation (30 November 2026; the NPO ended on 31 July 2025): Utrecht's
NPO cycle evaluated and continued in a LEA cycle under GOAB, its final accounting in concept with
two blocking checks; Zwolle with spending after the window; Amersfoort definitief with a dossier
whose manifest verifies; beschikkingen for each; a council evaluation; and a second run changes
nothing. One seeding (with PDFs) serves every assertion, so the test stays within a minute."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from analyses.models import AnalysisStatus, SchoolAnalysis
from budgets.models import Allocation, Beschikking, FundingStream, PlannedAmount, SpendingGoal
from closeout.checks import accounting_checks, blocking
from closeout.models import ActivityContinuation, FinalAccounting
from closeout.selectors import accounting_figures
from closeout.services import snapshot_sha256
from cycles.models import Activity, Cycle, GoalOutcome, Phase
from municipalities.models import Municipality
from reports.models import ReportJob
from tests.factories import MunicipalityFactory, SchoolFactory
from tests.reports.dossier_helpers import manifest_checked, open_zip


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _checks(municipality, npo):
    accounting = FinalAccounting.objects.get(municipality=municipality, stream=npo)
    figures = accounting_figures(municipality=municipality, stream=npo, accounting=accounting)
    return accounting, figures, accounting_checks(figures=figures, accounting=accounting)


@pytest.mark.django_db
def test_the_demo_shows_today_and_a_second_run_changes_nothing(settings, tmp_path):
    settings.DEMO_REPORTS = True
    settings.MEDIA_ROOT = tmp_path
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    for n in range(8):
        SchoolFactory(municipality=utrecht, name=f"Basisschool De Wegwijzer {n}")
    call_command("seed_demo", "--force", verbosity=0)
    today = timezone.localdate()
    npo = FundingStream.objects.get(code="npo-gemeenten")
    goab = FundingStream.objects.get(code="oab")
    zwolle = Municipality.objects.get(cbs_code="GM0193")
    amersfoort = Municipality.objects.get(cbs_code="GM0307")

    # Utrecht: the NPO cycle evaluated and closed, every goal with a result and explanation.
    npo_cycle = Cycle.objects.get(municipality=utrecht, end_date=datetime.date(2025, 7, 31))
    assert npo_cycle.phase == Phase.AFGEROND and npo_cycle.lessons_learned
    goals = list(npo_cycle.goals.all())
    assert len(goals) == 3
    assert all(GoalOutcome.objects.get(goal=g).explanation for g in goals)
    # Analyses submitted inside the cycle's Data phase (2023), not in November 2026.
    old = SchoolAnalysis.objects.filter(cycle=npo_cycle)
    assert old.exists() and all(a.status == AnalysisStatus.ACCEPTED for a in old)
    assert all(
        datetime.date(2023, 8, 1) <= a.submitted_at.date() <= datetime.date(2023, 9, 20)
        for a in old
    )

    # Utrecht's final accounting: concept, exactly two blocking checks, deadline in 45 days.
    accounting, figures, checks = _checks(utrecht, npo)
    assert accounting.status == FinalAccounting.Status.CONCEPT
    codes = sorted(c.code.split(":")[0] for c in blocking(checks))
    assert codes == ["ledger", "open_commitment"]
    assert accounting.internal_deadline == today + datetime.timedelta(days=45)

    # Utrecht's next cycle: LEA under GOAB, through the continuation service (real history links).
    lea = Cycle.objects.get(municipality=utrecht, predecessor=npo_cycle)
    assert lea.title.startswith("LEA") and lea.phase == Phase.DATA
    assert lea.previous_lessons == npo_cycle.lessons_learned
    # Its schools hand in their analyses before a due date in the coming weeks (the reminders).
    assert timezone.localdate() < lea.analyses_due <= timezone.localdate() + datetime.timedelta(30)
    carried = Activity.objects.filter(goal__cycle=lea)
    assert carried.count() == 3
    assert all(a.carried_from.goal.cycle_id == npo_cycle.pk for a in carried)
    continued = ActivityContinuation.objects.filter(activity__goal__cycle=npo_cycle)
    assert continued.count() == 5
    assert {c.stream_id for c in continued if c.decision != "stoppen"} == {goab.pk}
    lea_goals = SpendingGoal.objects.filter(cycle=lea)
    assert {g.category for g in lea_goals} == {"goab-leerlingen", "goab-voorschool"}
    assert PlannedAmount.objects.filter(spending_goal__in=lea_goals, stream=goab).exists()
    assert Allocation.objects.filter(municipality=utrecht, stream=goab).count() == 2
    # The current round of analyses belongs to the LEA cycle, with the demo school users in it.
    assert SchoolAnalysis.objects.filter(cycle=lea, status=AnalysisStatus.DRAFT).exists()

    # Zwolle: spending with a prestatiedatum after the window, shown by the check; over time.
    accounting, figures, checks = _checks(zwolle, npo)
    assert figures.outside_window == Decimal("18400.00")
    assert [c.code for c in blocking(checks)] == ["outside_window"]
    assert accounting.internal_deadline == today - datetime.timedelta(days=10)

    # Amersfoort: definitief with a real snapshot and SHA-256, nothing blocking, a vaststelling.
    accounting, figures, checks = _checks(amersfoort, npo)
    assert accounting.status == FinalAccounting.Status.FINAL
    assert accounting.snapshot_sha256 == snapshot_sha256(accounting.snapshot)
    assert accounting.checked_by_id != accounting.prepared_by_id
    assert accounting.consultations.exists() and accounting.decision_reference
    assert not blocking(checks)
    kinds = list(
        Beschikking.objects.filter(municipality=amersfoort, stream=npo)
        .order_by("date")
        .values_list("kind", flat=True)
    )
    assert kinds == ["verlening", "vaststelling"]
    # ... and its dossier, whose manifest names every file with a matching SHA-256.
    dossier = ReportJob.objects.get(municipality=amersfoort, kind="dossier")
    assert dossier.status == ReportJob.Status.DONE
    with default_storage.open(dossier.files["zip"]["name"]) as handle:
        manifest = manifest_checked(open_zip(handle.read()))
    assert any(entry["path"].endswith(".json") for entry in manifest["bestanden"])
    # The final accounting's outputs were made before the dossier, so it holds them.
    paths = {entry["path"] for entry in manifest["bestanden"]}
    assert "04-eindverantwoording/eindverantwoording-v1.pdf" in paths
    assert {
        "04-eindverantwoording/sisa-overzicht-v1." + ext for ext in ("ods", "xlsx", "csv")
    } <= paths

    # Every municipality has its NPO verlening, and the allocations point at it.
    for municipality in (utrecht, zwolle, amersfoort):
        verlening = Beschikking.objects.get(municipality=municipality, stream=npo, kind="verlening")
        allocations = Allocation.objects.filter(municipality=municipality, stream=npo)
        assert allocations.count() == 4
        assert all(a.beschikking_id == verlening.pk for a in allocations)
        assert "schatting" in verlening.note

    # A council evaluation (raadsinformatiebrief) for the evaluated cycles.
    council = ReportJob.objects.filter(kind="raadsinformatiebrief", status=ReportJob.Status.DONE)
    assert set(council.values_list("municipality__cbs_code", flat=True)) == {"GM0344", "GM0307"}

    before = _counts()
    call_command("seed_demo", "--force", verbosity=0)
    assert _counts() == before
