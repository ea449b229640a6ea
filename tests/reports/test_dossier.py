"""The dossier for the accountant and the archive (reports.dossier): what goes in for whom, the
manifest, the request and download views, the command, and that the ZIP is written streaming."""

import csv
import datetime
import io
import os
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from analyses.models import AnalysisAttachment
from budgets.models import SpendingGoal
from closeout.models import FinalAccounting
from closeout.services import snapshot_sha256
from municipalities.models import AuditLogEntry, ReadLogEntry, Role
from reports import services
from reports.dossier import dossier_options, dossier_write
from reports.models import ReportJob
from tests.analyses.factories import (
    SchoolAnalysisFactory,
    attachment_for,
    open_cycle,
    pdf_bytes,
)
from tests.budgets.factories import BeschikkingFactory, SpendingFactory, stream
from tests.factories import SchoolFactory
from tests.reports.closeout_data import closeout_fill
from tests.reports.dossier_helpers import manifest_checked, open_zip

pytestmark = pytest.mark.django_db


def _analysis(municipality, name="De Regenboog"):
    cycle = open_cycle(municipality)
    analysis = SchoolAnalysisFactory(
        school=SchoolFactory(municipality=municipality, name=name), cycle=cycle, complete=True
    )
    attachment_for(analysis, name="Analyse De Regenboog.pdf")
    return analysis


def _write(municipality, **options) -> bytes:
    buffer = io.BytesIO()
    dossier_write(
        buffer,
        municipality=municipality,
        stream=stream(),
        options=options,
        made_by="Test",
    )
    return buffer.getvalue()


def _csv(archive, path) -> list[list[str]]:
    text = archive.read(path).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_archive_dossier_holds_everything_and_the_manifest_checks(municipality, member_factory):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    _analysis(municipality)
    letter = BeschikkingFactory(
        municipality=municipality,
        stream=stream(),
        reference="=HYPERLINK(1)",
        letter_name="Vaststelling.pdf",
    )
    letter.letter.save("vaststelling.pdf", ContentFile(pdf_bytes()))
    goal = SpendingGoal.objects.for_municipality(municipality).first()
    SpendingFactory(spending_goal=goal, stream=stream("oab"), description="Factuur GOAB")

    archive = open_zip(_write(municipality, audience="archief", attachments=True))
    manifest = manifest_checked(archive)
    names = archive.namelist()
    assert manifest["voor"] == "archief" and manifest["bijlagen_scholen"] is True
    assert "08-schoolanalyses/samenvattingen-schoolanalyses.csv" in names
    summary = _csv(archive, "08-schoolanalyses/samenvattingen-schoolanalyses.csv")
    assert summary[1][1] == "De Regenboog" and "Kleine vertraging" in summary[1]
    attachments = [n for n in names if n.startswith("09-bijlagen-schoolanalyses/")]
    assert len(attachments) == 1 and attachments[0].endswith("analyse-de-regenboog.pdf")
    assert archive.read(attachments[0]) == pdf_bytes()
    # The exports come from budgets.exports; the letter as uploaded, listed in a neutralised CSV.
    assert "05-exports/budget-verantwoording.xlsx" in names and "05-exports/realisatie.csv" in names
    spending = _csv(archive, "05-exports/realisatie.csv")
    assert len(spending) == 8 and {row[2] for row in spending[1:]} == {"NPO gemeenten"}
    assert "Factuur GOAB" not in archive.read("05-exports/verplichtingen.csv").decode("utf-8-sig")
    letters = _csv(archive, "06-beschikkingen/beschikkingen.csv")
    assert len(letters) == 3  # header, the verlening of closeout_fill, the letter above
    hostile = next(row for row in letters if "HYPERLINK" in row[2])
    assert hostile[2] == "'=HYPERLINK(1)" and hostile[-1].startswith("06-beschikkingen/")
    assert archive.read(hostile[-1]) == pdf_bytes()
    leesmij = archive.read("LEESMIJ.txt").decode()
    assert "sha256sum -c SHA256SUMS" in leesmij and "1 juli 2021 tot en met 31 juli 2025" in leesmij


def test_the_accountant_dossier_holds_no_school_analyses(municipality, member_factory):
    closeout_fill(municipality, user=member_factory(municipality))
    _analysis(municipality)
    # Even when asked for, the accountant's version takes no attachments.
    archive = open_zip(_write(municipality, audience="accountant", attachments=True))
    manifest = manifest_checked(archive)
    assert manifest["voor"] == "accountant" and manifest["bijlagen_scholen"] is False
    assert not [n for n in archive.namelist() if n.startswith(("08-", "09-"))]
    for name in archive.namelist():
        if name.endswith((".csv", ".json", ".txt")):
            assert "De Regenboog" not in archive.read(name).decode("utf-8-sig"), name
    assert "Voor de accountant" in archive.read("LEESMIJ.txt").decode()


def test_the_archive_without_the_tick_has_summaries_but_no_attachments(municipality):
    _analysis(municipality)
    archive = open_zip(_write(municipality, audience="archief", attachments=False))
    names = archive.namelist()
    assert "08-schoolanalyses/samenvattingen-schoolanalyses.csv" in names
    assert not [n for n in names if n.startswith("09-")]


def test_the_definitief_snapshot_is_the_text_of_its_sha256(municipality, member_factory):
    accounting = closeout_fill(municipality, user=member_factory(municipality))
    frozen = {"cijfers": {"besteed": "237500.15"}, "naam": "Ĳsselstein", "jaren": [2024, 2025]}
    FinalAccounting.objects.filter(pk=accounting.pk).update(
        status="definitief",
        snapshot=frozen,
        snapshot_sha256=snapshot_sha256(frozen),
        decision_date=datetime.date(2026, 6, 2),
        decision_reference="B&W 2026/118",
    )
    archive = open_zip(_write(municipality, audience="accountant"))
    manifest_checked(archive)
    data = archive.read("04-eindverantwoording/definitieve-stand.json")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == snapshot_sha256(frozen)
    line = archive.read("04-eindverantwoording/definitieve-stand.json.sha256").decode()
    assert line == f"{snapshot_sha256(frozen)}  definitieve-stand.json\n"


def test_the_audit_trail_names_actors_and_roles_without_addresses(municipality, member_factory):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    officer.display_name = "Fatima el Amrani"
    officer.save()
    from auditlog.context import set_actor

    with set_actor(officer, remote_addr="203.0.113.77"):
        closeout_fill(municipality, user=officer)
    other = BeschikkingFactory(municipality=municipality, stream=stream("oab"), reference="OAB-1")
    entries = AuditLogEntry.objects.for_municipality(municipality)
    assert entries.filter(remote_addr="203.0.113.77").exists()  # the trail has the address
    archive = open_zip(_write(municipality, audience="accountant"))
    text = archive.read("07-activiteitenlog/activiteitenlog-npo-gemeenten.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Tijdstip",
        "Naam",
        "Rol",
        "Actie",
        "Soort gegeven",
        "Gegeven",
        "Wijzigingen",
    ]
    assert any(r[1] == "Fatima el Amrani" and r[2] == "Beleidsmedewerker" for r in rows[1:])
    assert "203.0.113.77" not in text and "203.0.113" not in text
    assert other.reference not in text  # another stream's beschikking is not in this trail
    assert any("NPO-2021-0344" in r[5] for r in rows[1:])


def test_requests_with_other_options_are_other_jobs(municipality, member_factory):
    officer = member_factory(municipality)
    npo = stream()

    def ask(**options):
        return services.report_request(
            municipality=municipality,
            kind=ReportJob.Kind.DOSSIER,
            user=officer,
            stream=npo,
            options=dossier_options(**options),
            enqueue=False,
        )

    first = ask(audience="accountant")
    again = ask(audience="accountant")
    archive = ask(audience="archief", attachments=True)
    assert again.pk == first.pk and again.already_requested
    assert archive.pk != first.pk and not archive.already_requested
    assert archive.options == {"audience": "archief", "attachments": True}
    assert first.options == {"audience": "accountant", "attachments": False}


# --- Views ----------------------------------------------------------------------------------------


def _request_url(municipality):
    return reverse("reports:closeout_dossier_request", args=[municipality.slug, "npo-gemeenten"])


def test_an_officer_requests_and_downloads_the_dossier_streamed_and_read_logged(
    client, municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    _analysis(municipality)
    client.force_login(officer)
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])
    page = client.get(outputs).content.decode()
    assert 'name="audience" value="archief"' in page and 'name="attachments"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _request_url(municipality), {"audience": "archief", "attachments": "on"}
        )
    assert response.status_code == 302 and response["Location"] == f"{outputs}#bestanden"
    job = ReportJob.objects.get(kind="dossier")
    assert job.status == "done", job.error
    assert job.options == {"audience": "archief", "attachments": True}
    assert job.files["zip"]["size"] == default_storage.size(job.files["zip"]["name"])
    assert job.snapshot["dossier"]["files"] > 5

    download = reverse("reports:closeout_dossier", args=[municipality.slug, job.pk])
    assert download in client.get(outputs).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = open_zip(b"".join(response.streaming_content))
    manifest_checked(archive)
    assert any(n.startswith("09-bijlagen-schoolanalyses/") for n in archive.namelist())
    row = ReadLogEntry.objects.get()
    assert row.kind == ReadLogEntry.Kind.DOSSIER and row.subject == job.filename_for("zip")
    # The generic close-out download never hands out a dossier.
    file_url = reverse("reports:closeout_file", args=[municipality.slug, job.pk, "zip"])
    assert client.get(file_url).status_code == 404


def test_an_accountant_gets_only_the_accountant_version(
    client, municipality, member_factory, django_capture_on_commit_callbacks
):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    closeout_fill(municipality, user=officer)
    _analysis(municipality)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_request_url(municipality), {"audience": "archief"})
    archive_job = ReportJob.objects.get(kind="dossier")

    accountant = member_factory(
        municipality,
        Role.ACCOUNTANT,
        valid_until=datetime.date.today() + datetime.timedelta(days=30),
    )
    client.force_login(accountant)
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])
    page = client.get(outputs).content.decode()
    archive_url = reverse("reports:closeout_dossier", args=[municipality.slug, archive_job.pk])
    assert archive_url not in page and "Maak dossier voor de accountant" in page
    assert client.get(archive_url).status_code == 404
    # An accountant asking for the archive version gets the accountant's version.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _request_url(municipality), {"audience": "archief", "attachments": "on"}
        )
    assert response.status_code == 302
    job = ReportJob.objects.filter(kind="dossier").exclude(pk=archive_job.pk).get()
    assert job.options == {"audience": "accountant", "attachments": False}
    assert job.requested_by == accountant and job.status == "done"
    response = client.get(reverse("reports:closeout_dossier", args=[municipality.slug, job.pk]))
    assert response.status_code == 200
    archive = open_zip(b"".join(response.streaming_content))
    assert not [n for n in archive.namelist() if n.startswith(("08-", "09-"))]
    # The accountant may still not ask for the other outputs.
    assert client.post(outputs, {"kind": "sisa"}).status_code == 403


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SCHOOL])
def test_viewers_and_schools_cannot_request_a_dossier(client, municipality, member_factory, role):
    client.force_login(member_factory(municipality, role))
    assert client.post(_request_url(municipality), {"audience": "accountant"}).status_code == 403
    assert not ReportJob.objects.exists()


def test_a_request_without_a_choice_is_refused_in_dutch(client, municipality, member_factory):
    client.force_login(member_factory(municipality))
    response = client.post(_request_url(municipality), {"audience": "iedereen"}, follow=True)
    assert "Kies voor wie het dossier is." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_another_municipalitys_dossier_is_404(
    client, municipality, other_municipality, member_factory
):
    name = default_storage.save("dossier.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    job = ReportJob.objects.create(
        municipality=other_municipality,
        kind=ReportJob.Kind.DOSSIER,
        stream=stream(),
        version=1,
        status=ReportJob.Status.DONE,
        options=dossier_options(audience="accountant"),
        files={"zip": {"name": name, "size": 22}},
    )
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    # The job's own municipality in the URL: not a member there.
    assert (
        client.get(reverse("reports:closeout_dossier", args=[other_municipality.slug, job.pk]))
    ).status_code == 404
    # Our municipality in the URL with the other's job: not ours.
    assert (
        client.get(reverse("reports:closeout_dossier", args=[municipality.slug, job.pk]))
    ).status_code == 404
    assert not ReadLogEntry.objects.exists()


# --- The command ----------------------------------------------------------------------------------


def test_the_command_writes_the_dossier_atomically_and_prints_a_summary(
    municipality, member_factory, tmp_path
):
    closeout_fill(municipality, user=member_factory(municipality))
    _analysis(municipality)
    folder = tmp_path / "archief"
    folder.mkdir()
    target = folder / "utrecht.zip"
    out = io.StringIO()
    call_command("export_dossier", "utrecht", str(target), "--bijlagen", stdout=out)
    archive = open_zip(target.read_bytes())
    manifest = manifest_checked(archive)
    import hashlib

    summary = out.getvalue()
    assert f"SHA-256 ZIP: {hashlib.sha256(target.read_bytes()).hexdigest()}" in summary
    assert f"bestanden: {len(manifest['bestanden'])}" in summary
    assert any(n.startswith("09-") for n in archive.namelist())
    assert os.listdir(folder) == ["utrecht.zip"]  # no temporary file left

    call_command("export_dossier", "utrecht", str(target), "--accountant", stdout=io.StringIO())
    assert not [n for n in open_zip(target.read_bytes()).namelist() if n.startswith("08-")]


def test_the_command_leaves_no_half_written_file(municipality, tmp_path, monkeypatch):
    from reports.management.commands import export_dossier

    def broken(fileobj, **kwargs):
        fileobj.write(b"PK half")
        raise RuntimeError("disk vol")

    monkeypatch.setattr(export_dossier, "dossier_write", broken)
    folder = tmp_path / "archief"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        call_command("export_dossier", "utrecht", str(folder / "x.zip"), stdout=io.StringIO())
    assert os.listdir(folder) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["nergenshuizen", "{tmp}/x.zip"], "Onbekende gemeente 'nergenshuizen'"),
        (["utrecht", "{tmp}/bestaat-niet/x.zip"], "bestaat niet"),
        (["utrecht", "{tmp}"], "is een map"),
        (["utrecht", "{tmp}/x.zip", "--accountant", "--bijlagen"], "nooit bijlagen"),
        (["utrecht", "{tmp}/x.zip", "--stream", "geen-stroom"], "Onbekende geldstroom"),
    ],
)
def test_the_command_errors_in_clear_dutch(municipality, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_dossier", *[a.format(tmp=tmp_path) for a in args])
    assert not (tmp_path / "x.zip").exists()


def test_the_command_refuses_a_folder_it_cannot_write(municipality, tmp_path, monkeypatch):
    """The folder exists but refuses the temporary file (as root, permission bits do not stop
    a write, so the refusal is simulated where the command meets it)."""
    from reports.management.commands import export_dossier

    def refused(**kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export_dossier.tempfile, "NamedTemporaryFile", refused)
    with pytest.raises(CommandError, match="Je kunt niet schrijven in de map .*Permission denied"):
        call_command("export_dossier", "utrecht", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()


# --- Streaming ------------------------------------------------------------------------------------


def _stored_attachments(municipality, count: int, size: int) -> None:
    cycle = open_cycle(municipality)
    analysis = SchoolAnalysisFactory(
        school=SchoolFactory(municipality=municipality), cycle=cycle, complete=True
    )
    for n in range(count):
        attachment = AnalysisAttachment(
            municipality=municipality,
            analysis=analysis,
            name=f"bijlage-{n}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=size,
        )
        attachment.file.save("groot.pdf", ContentFile(os.urandom(size)), save=False)
        attachment.save()


def _peak_writing(municipality, tmp_path) -> tuple[int, int]:
    """(tracemalloc peak while writing the archive dossier with attachments, ZIP size)."""
    target = tmp_path / f"dossier-{municipality.slug}.zip"
    with open(target, "wb") as handle:
        tracemalloc.start()
        try:
            dossier_write(
                handle,
                municipality=municipality,
                stream=stream(),
                options={"audience": "archief", "attachments": True},
                made_by="Test",
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, target.stat().st_size


def test_the_zip_is_written_streaming(municipality, other_municipality, tmp_path):
    """Twenty times the files (40 MB instead of 2 MB of incompressible attachments) make a ZIP
    twenty times larger, and the peak memory of writing it stays about the same and far below
    the size of a single attachment."""
    size = 2 * 1024 * 1024
    _stored_attachments(municipality, count=1, size=size)
    _stored_attachments(other_municipality, count=20, size=size)
    few_peak, few_zip = _peak_writing(municipality, tmp_path)
    many_peak, many_zip = _peak_writing(other_municipality, tmp_path)
    assert many_zip > 20 * size and many_zip > 10 * few_zip
    assert many_peak < few_peak + 512 * 1024, (few_peak, many_peak)


def test_the_files_page_takes_the_same_queries_for_2_or_8_dossiers(
    client, municipality, member_factory
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    outputs = reverse("reports:closeout_outputs", args=[municipality.slug, "npo-gemeenten"])

    def dossiers(n: int) -> None:
        for i in range(n):
            ReportJob.objects.create(
                municipality=municipality,
                kind=ReportJob.Kind.DOSSIER,
                stream=stream(),
                version=ReportJob.objects.filter(kind="dossier").count() + 1,
                status=ReportJob.Status.DONE,
                options=dossier_options(audience="archief" if i % 2 else "accountant"),
                files={"zip": {"name": f"d{i}.zip", "size": 1000 + i}},
            )

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(outputs)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    dossiers(2)
    few, _page = count()
    dossiers(6)
    many, page = count()
    assert many == few
    assert page.count("/rapportages/eindverantwoording/dossier/") == 5  # the five newest versions
