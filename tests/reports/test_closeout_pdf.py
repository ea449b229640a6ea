"""The accountant's final accounting PDF: PDF/UA-tagged, built from the workspace's own figures."""

from decimal import Decimal

import pytest

from closeout.selectors import accounting_figures, final_accounting_get
from core.money import format_money
from municipalities.models import Role
from reports import services
from reports.models import ReportJob
from tests.budgets.factories import stream
from tests.reports.closeout_data import ELIGIBLE, GRANTED, INELIGIBLE, closeout_fill
from tests.reports.helpers import assert_pdf_ua, pdf_text

pytestmark = pytest.mark.django_db


def _build(municipality, kind, user, capture):
    with capture(execute=True):
        job = services.report_request(
            municipality=municipality, kind=kind, user=user, stream=stream()
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _figures(municipality):
    npo = stream()
    accounting = final_accounting_get(municipality=municipality, stream=npo)
    return accounting_figures(municipality=municipality, stream=npo, accounting=accounting)


def test_accountant_pdf_is_tagged_and_shows_the_workspace_figures(
    municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    job = _build(
        municipality, ReportJob.Kind.FINAL_ACCOUNTING, officer, django_capture_on_commit_callbacks
    )
    assert job.formats == ["pdf"]
    with job.pdf.open("rb") as fh:
        reader = assert_pdf_ua(fh.read())
    assert "Eindverantwoording" in reader.metadata.title
    text = pdf_text(job)
    figures = _figures(municipality)
    assert figures.eligible == ELIGIBLE and figures.ineligible == INELIGIBLE
    for amount in (GRANTED, ELIGIBLE, INELIGIBLE, figures.unspent, Decimal("40000.10")):
        assert format_money(amount) in text, amount
    assert "NPO-2021-0344" in text  # the beschikking's reference
    assert "1 juli 2021 tot en met 31 juli 2025" in text
    assert "Er staat € 3.000,00 aan bestedingen" in text  # the blocking check, as on the page
    assert job.snapshot["totals"]["eligible"] == "237500.15"


def test_a_definitief_pdf_says_whether_its_figures_still_give_the_frozen_hash(
    municipality, member_factory, django_capture_on_commit_callbacks
):
    import datetime

    from budgets.models import Beschikking, Spending
    from closeout import services as closeout_services
    from tests.budgets.factories import BeschikkingFactory

    officer = member_factory(municipality, Role.POLICY_OFFICER)
    checker = member_factory(municipality, Role.POLICY_OFFICER)
    accounting = closeout_fill(municipality, user=officer)
    # Resolve the blocking checks: the two rows outside the window move inside it.
    Spending.objects.filter(performance_date=datetime.date(2021, 6, 30)).update(
        performance_date=datetime.date(2021, 7, 1)
    )
    Spending.objects.filter(performance_date=datetime.date(2025, 8, 1)).update(
        performance_date=datetime.date(2025, 7, 31)
    )
    accounting.ledger_amounts.filter(year=2021).update(amount=Decimal("13500"))
    accounting.ledger_amounts.filter(year=2025).update(amount=Decimal("47000.05"))
    accounting = closeout_services.accounting_check(accounting=accounting, user=checker)
    accounting = closeout_services.accounting_finalise(
        accounting=accounting,
        user=officer,
        decision_date=datetime.date(2026, 6, 16),
        decision_reference="B&W 2026/412",
    )
    job = _build(
        municipality, ReportJob.Kind.FINAL_ACCOUNTING, officer, django_capture_on_commit_callbacks
    )
    assert job.snapshot["accounting"]["matches_frozen"] is True
    text = " ".join(pdf_text(job).split())
    assert accounting.snapshot_sha256[:16] in text.replace(" ", "")
    assert "gelijk aan de vastgelegde stand" in text
    assert "B&W 2026/412" in text

    BeschikkingFactory(
        municipality=municipality,
        kind=Beschikking.Kind.WIJZIGING,
        amount=Decimal("260000.00"),
        date=datetime.date(2026, 7, 1),
    )
    job = _build(
        municipality, ReportJob.Kind.FINAL_ACCOUNTING, officer, django_capture_on_commit_callbacks
    )
    assert job.snapshot["accounting"]["matches_frozen"] is False
    assert "wijken af van de vastgelegde stand" in " ".join(pdf_text(job).split())
