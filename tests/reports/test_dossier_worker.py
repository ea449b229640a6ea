"""The dossier built end to end by a real Celery worker (Redis in CI): requested like the
workspace does, built in the background, every manifest hash matching its file, the PDFs in it
PDF/A-2 and tagged, the accountant's version without school analyses."""

import csv
import io
import re
import time

import pytest
from django.core.files.storage import default_storage

from municipalities.models import Role
from reports import services
from reports.dossier import dossier_options
from reports.models import ReportJob
from tests.analyses.factories import SchoolAnalysisFactory, attachment_for
from tests.budgets.factories import stream
from tests.celery_helpers import running_celery_worker
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.closeout_data import closeout_fill
from tests.reports.dossier_helpers import assert_pdf_a2, manifest_checked, open_zip
from tests.reports.factories import fill_municipality


def _wait(pk: int, timeout: float = 120) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=pk)
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {pk} not finished in {timeout}s: {job.status} {job.progress}%")


def _zip_of(job) -> bytes:
    with default_storage.open(job.files["zip"]["name"], "rb") as handle:
        return handle.read()


@pytest.mark.worker
def test_real_worker_builds_the_dossier_for_archive_and_accountant(transactional_db):
    municipality = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    cycle = fill_municipality(municipality, schools=3)
    closeout_fill(municipality, user=officer)
    school = cycle.municipality.schools.order_by("pk").first()
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle, complete=True)
    attachment_for(analysis, name="Analyse.pdf")
    npo = stream()
    with running_celery_worker():
        # A gemeentefoto version and the accountant's PDF, then both dossiers at once.
        foto = services.report_request(
            municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle
        )
        final = services.report_request(
            municipality=municipality, kind="eindverantwoording", user=officer, stream=npo
        )
        assert _wait(foto.pk).status == "done" and _wait(final.pk).status == "done"
        archive = services.report_request(
            municipality=municipality,
            kind=ReportJob.Kind.DOSSIER,
            user=officer,
            stream=npo,
            options=dossier_options(audience="archief", attachments=True),
        )
        accountant = services.report_request(
            municipality=municipality,
            kind=ReportJob.Kind.DOSSIER,
            user=officer,
            stream=npo,
            options=dossier_options(audience="accountant"),
        )
        assert archive.pk != accountant.pk
        archive, accountant = _wait(archive.pk), _wait(accountant.pk)
    for job in (archive, accountant):
        assert job.status == "done", job.error
        assert job.task_id and job.attempts == 1 and job.progress == 100

    zipped = open_zip(_zip_of(archive))
    manifest = manifest_checked(zipped)
    names = zipped.namelist()
    assert archive.snapshot["dossier"]["files"] == len(manifest["bestanden"])
    pdfs = [n for n in names if n.endswith(".pdf") and n.startswith(("02-", "04-"))]
    assert {p.split("/")[0] for p in pdfs} == {"02-gemeentefoto", "04-eindverantwoording"}
    for path in pdfs:
        assert_pdf_a2(zipped.read(path))
    assert "08-schoolanalyses/samenvattingen-schoolanalyses.csv" in names
    assert any(n.startswith("09-bijlagen-schoolanalyses/") for n in names)
    audit = zipped.read("07-activiteitenlog/activiteitenlog-npo-gemeenten.csv").decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(audit), delimiter=";"))) > 5
    assert not re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", audit), "an IP address"

    zipped = open_zip(_zip_of(accountant))
    manifest_checked(zipped)
    assert not [n for n in zipped.namelist() if n.startswith(("08-", "09-"))]
    assert school.name not in zipped.read("manifest.json").decode()
