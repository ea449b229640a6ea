"""manage.py backup / restore: database and media back as they were, hashes checked first,
cached pages retired."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from municipalities.models import Municipality
from reports.models import ReportJob
from tests.reports.factories import ReportJobFactory

PDF = b"%PDF-1.7\n" + b"x" * 5000


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def done_report(municipality, media):
    job = ReportJobFactory(municipality=municipality, status=ReportJob.Status.DONE)
    job.pdf.save(job.filename, ContentFile(PDF))
    return job


@pytest.mark.django_db(transaction=True)
def test_backup_then_damage_then_restore_brings_data_files_and_pages_back(
    officer_client, municipality, done_report, media, tmp_path
):
    original = municipality.name
    folder = tmp_path / "backup-1"
    call_command("backup", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    paths = {entry["path"] for entry in manifest["files"]}
    assert f"media/{done_report.pdf.name}" in paths
    assert manifest["database"]["file"] in paths and all(
        len(e["sha256"]) == 64 for e in manifest["files"]
    )
    pdf_url = f"/g/{municipality.slug}/rapportages/{done_report.pk}/pdf/"
    assert officer_client.get(pdf_url).status_code == 200

    # After the backup: the name changes (its pages are cached with it), the file is lost.
    municipality.name = "Na de backup"
    municipality.save()
    assert "Na de backup" in officer_client.get(f"/g/{municipality.slug}/").content.decode()
    (media / done_report.pdf.name).unlink()
    assert officer_client.get(pdf_url).status_code == 404  # a clear 404, not a 500

    call_command("restore", str(folder), "--no-input")

    assert Municipality.objects.get(pk=municipality.pk).name == original
    page = officer_client.get(f"/g/{municipality.slug}/").content.decode()
    assert "Na de backup" not in page  # no page from the cache shows data newer than the backup
    response = officer_client.get(pdf_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_changes(
    municipality, done_report, media, tmp_path
):
    folder = tmp_path / "backup-2"
    call_command("backup", str(folder))
    damaged = folder / "media" / done_report.pdf.name
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"y")
    Municipality.objects.filter(pk=municipality.pk).update(name="Na de backup")
    with pytest.raises(CommandError, match="Damaged in the backup"):
        call_command("restore", str(folder), "--no-input")
    assert Municipality.objects.get(pk=municipality.pk).name == "Na de backup"
    with pytest.raises(CommandError, match="hash differs"):
        call_command("restore", str(folder), "--check")


@pytest.mark.django_db
def test_backup_refuses_a_folder_that_is_not_empty(tmp_path, media):
    (tmp_path / "old.txt").write_text("earlier backup")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path))
