"""The close-out outputs: the SiSa overview (XLSX, ODS, CSV) and the accountant's PDF, built by
the report jobs from the workspace's own selector; their downloads and who may ask for them."""

import csv
import io
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse

from closeout.selectors import accounting_figures, final_accounting_get
from core.money import format_money
from municipalities.models import ReadLogEntry, Role
from reports import services
from reports.models import ReportJob
from tests.budgets.factories import stream
from tests.reports.closeout_data import ELIGIBLE, closeout_fill
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def _build(municipality, kind, user, capture):
    with capture(execute=True):
        job = services.report_request(
            municipality=municipality, kind=kind, user=user, stream=stream()
        )
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _file(job, fmt) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(job.files[fmt]["name"], "rb") as fh:
        return fh.read()


def _sheets(data: bytes, engine: str) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None, engine=engine, dtype=object)


def _figures(municipality):
    npo = stream()
    accounting = final_accounting_get(municipality=municipality, stream=npo)
    return accounting_figures(municipality=municipality, stream=npo, accounting=accounting)


def test_sisa_files_are_one_table_equal_to_the_workspace(
    municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer, hostile_indicator=True)
    job = _build(municipality, ReportJob.Kind.SISA, officer, django_capture_on_commit_callbacks)
    assert job.formats == ["ods", "xlsx", "csv"] and not job.pdf
    assert job.files["ods"]["size"] == len(_file(job, "ods"))

    xlsx = _sheets(_file(job, "xlsx"), "openpyxl")
    ods = _sheets(_file(job, "ods"), "odf")
    assert list(xlsx) == list(ods) == ["SiSa-overzicht", "Bron"]
    for name in xlsx:
        pd.testing.assert_frame_equal(
            xlsx[name].astype(str), ods[name].astype(str), check_dtype=False
        )

    sheet = ods["SiSa-overzicht"]
    lines = _figures(municipality).sisa_lines
    assert [int(y) for y in sheet["Jaar (T)"]] == [line.year for line in lines]
    computed = sheet["Besteding ten laste van rijksmiddelen in jaar T (berekend)"]
    assert [Decimal(str(v)).quantize(Decimal("0.01")) for v in computed] == [
        line.computed for line in lines
    ]
    assert sum(line.computed for line in lines) == ELIGIBLE  # all eligible, under the grant
    correction = sheet["Correctie voorgaande jaren (berekend min verantwoord)"]
    by_year = dict(zip(sheet["Jaar (T)"], correction, strict=True))
    assert Decimal(str(by_year[2022])).quantize(Decimal("0.01")) == Decimal("1000.10")
    assert Decimal(str(by_year[2023])) == Decimal("-1000")
    assert pd.isna(by_year[2025])  # nothing reported over 2025 yet
    assert list(sheet["Eindverantwoording"]) == ["nee"] * 4 + ["ja"]
    # The hostile indicator code stays text in every file.
    assert sheet["Indicator"].iloc[-1].startswith("'=1+1")
    assert xlsx["SiSa-overzicht"]["Indicator"].iloc[-1].startswith("'=1+1")

    rows = list(csv.reader(io.StringIO(_file(job, "csv").decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(sheet.columns)
    assert [r[3] for r in rows[1:]] == [
        format_money(line.computed, symbol=False, grouping=False) for line in lines
    ]
    assert rows[-1][2].startswith("'=1+1")


def test_the_other_report_pages_never_show_close_out_jobs(
    client, municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    job = _build(municipality, ReportJob.Kind.SISA, officer, django_capture_on_commit_callbacks)
    client.force_login(officer)
    for name in ("reports:detail", "reports:progress", "reports:pdf"):
        assert client.get(reverse(name, args=[municipality.slug, job.pk])).status_code == 404
    assert (
        client.post(reverse("reports:list", args=[municipality.slug]), {"kind": "sisa"}).status_code
        == 400
    )


def test_an_editor_requests_and_a_finance_reader_downloads(
    client, municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(outputs, {"kind": "sisa", "back": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"{outputs}#bestanden"
    job = ReportJob.objects.get(kind="sisa")
    assert job.status == "done" and job.stream.code == "npo-gemeenten"

    page = client.get(outputs).content.decode()
    ods_url = reverse("reports:closeout_file", args=[municipality.slug, job.pk, "ods"])
    assert ods_url in page

    for role in (Role.VIEWER, Role.ACCOUNTANT):
        client.force_login(member_factory(municipality, role))
        assert client.post(outputs, {"kind": "sisa"}).status_code == 403
        body = client.get(outputs).content.decode()
        assert ods_url in body and 'name="kind"' not in body  # reads, cannot request
        response = client.get(ods_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
        assert "no-store" in response["Cache-Control"]
        b"".join(response.streaming_content)
    logged = ReadLogEntry.objects.filter(kind=ReadLogEntry.Kind.FINAL_ACCOUNTING)
    assert logged.count() == 2
    assert {row.subject for row in logged} == {f"sisa-utrecht-npo-gemeenten-v{job.version}.ods"}

    client.force_login(member_factory(municipality, Role.SCHOOL))
    assert client.get(ods_url).status_code == 403
    client.force_login(officer)
    pdf_url = reverse("reports:closeout_file", args=[municipality.slug, job.pk, "pdf"])
    assert client.get(pdf_url).status_code == 404  # a SiSa job has no PDF


def test_downloads_stay_inside_the_municipality(
    client, municipality, other_municipality, member_factory
):
    job = ReportJobFactory(
        municipality=other_municipality,
        kind=ReportJob.Kind.SISA,
        stream=stream(),
        status=ReportJob.Status.DONE,
        files={"csv": {"name": "x.csv", "size": 1}},
    )
    foto = ReportJobFactory(municipality=municipality, status=ReportJob.Status.DONE)
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    for pk in (job.pk, foto.pk):
        url = reverse("reports:closeout_file", args=[municipality.slug, pk, "csv"])
        assert client.get(url).status_code == 404
    unknown = reverse("reports:closeout_outputs", args=[municipality.slug, "geen-stroom"])
    assert client.get(unknown).status_code == 404


def test_a_build_in_progress_polls_and_ten_clicks_make_one_job(
    client, municipality, member_factory
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    first = services.report_request(
        municipality=municipality, kind="sisa", user=officer, stream=stream(), enqueue=False
    )
    again = services.report_request(
        municipality=municipality, kind="sisa", user=officer, stream=stream(), enqueue=False
    )
    assert again.pk == first.pk and again.already_requested
    pdf = services.report_request(
        municipality=municipality,
        kind="eindverantwoording",
        user=officer,
        stream=stream(),
        enqueue=False,
    )
    assert pdf.pk != first.pk
    client.force_login(officer)
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])
    partial = client.get(outputs, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<section") and f'hx-get="{outputs}"' in partial
    with pytest.raises(ValueError):
        services.report_request(municipality=municipality, kind="sisa", user=officer)


def test_the_files_page_has_a_fixed_number_of_queries(client, municipality, member_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = member_factory(municipality, Role.POLICY_OFFICER)
    client.force_login(officer)
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(outputs).status_code == 200
        return len(queries)

    ReportJobFactory(municipality=municipality, kind="sisa", stream=stream(), status="done")
    few = count()
    for kind in ("sisa", "eindverantwoording") * 4:
        ReportJobFactory(municipality=municipality, kind=kind, stream=stream(), status="done")
    assert count() == few
