"""The close-out outputs built end to end by a real Celery worker (Redis in CI): the SiSa files
(the ODS read back with pandas equals the XLSX) and the accountant's PDF/UA."""

import io
import time
from decimal import Decimal

import pandas as pd
import pytest
from pypdf import PdfReader

from closeout.selectors import accounting_figures, final_accounting_get
from core.money import format_money
from municipalities.models import Role
from reports import services
from reports.models import ReportJob
from tests.budgets.factories import stream
from tests.celery_helpers import running_celery_worker
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.closeout_data import ELIGIBLE, GRANTED, closeout_fill
from tests.reports.helpers import assert_pdf_ua, pdf_text


def _wait(pk: int, timeout: float = 90) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=pk)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {pk} not finished in {timeout}s: {job.status} {job.progress}%")


def _read(job, fmt) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(job.files[fmt]["name"], "rb") as fh:
        return fh.read()


def _images_have_alt(reader: PdfReader) -> int:
    """Every /Figure structure element carries /Alt; returns how many figures there are."""
    figures = 0
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict) or hasattr(node, "keys"):
            if node.get("/S") == "/Figure":
                figures += 1
                assert str(node.get("/Alt", "")).strip(), "a figure without /Alt"
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                stack.extend(k.get_object() for k in (kids if isinstance(kids, list) else [kids]))
    return figures


@pytest.mark.worker
def test_real_worker_builds_the_sisa_files_and_the_accountant_pdf(transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    closeout_fill(municipality, user=officer)
    npo = stream()
    with running_celery_worker():
        sisa = services.report_request(
            municipality=municipality, kind="sisa", user=officer, stream=npo
        )
        pdf = services.report_request(
            municipality=municipality, kind="eindverantwoording", user=officer, stream=npo
        )
        sisa, pdf = _wait(sisa.pk), _wait(pdf.pk)
    for job in (sisa, pdf):
        assert job.status == "done", job.error
        assert job.task_id and job.attempts == 1

    xlsx = pd.read_excel(io.BytesIO(_read(sisa, "xlsx")), sheet_name=None, engine="openpyxl")
    ods = pd.read_excel(io.BytesIO(_read(sisa, "ods")), sheet_name=None, engine="odf")
    assert list(xlsx) == list(ods)
    for name in xlsx:
        pd.testing.assert_frame_equal(xlsx[name], ods[name], check_dtype=False)

    accounting = final_accounting_get(municipality=municipality, stream=npo)
    figures = accounting_figures(municipality=municipality, stream=npo, accounting=accounting)
    sheet = ods["SiSa-overzicht"]
    computed = sheet["Besteding ten laste van rijksmiddelen in jaar T (berekend)"]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in computed] == [
        line.computed for line in figures.sisa_lines
    ]

    with pdf.pdf.open("rb") as fh:
        reader = assert_pdf_ua(fh.read())
    assert _images_have_alt(reader) >= 1  # the chart per year
    text = pdf_text(pdf)
    for amount in (GRANTED, ELIGIBLE, figures.unspent, figures.ineligible):
        assert format_money(amount) in text
    for year in figures.years:
        assert format_money(year.eligible) in text
