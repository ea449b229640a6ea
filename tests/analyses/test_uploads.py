"""Attachments: the real type from the content, size limits, private storage, safe download."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analyses.models import ATTACHMENT_UPLOAD, AnalysisAttachment, AnalysisStatus
from tests.analyses.factories import (
    SchoolAnalysisFactory,
    docx_bytes,
    exe_bytes,
    odt_bytes,
    pdf_bytes,
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.django_db
MAX_ATTACHMENT_BYTES = ATTACHMENT_UPLOAD.max_bytes


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def analysis(school, cycle):
    return SchoolAnalysisFactory(school=school, cycle=cycle)


def upload(client, municipality, analysis, name, content, content_type="application/pdf"):
    return client.post(
        url("attachment_upload", municipality, analysis_pk=analysis.pk),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Analyse 2024.pdf", pdf_bytes(), "pdf"),
        ("analyse.docx", docx_bytes(), "docx"),
        ("analyse.odt", odt_bytes(), "odt"),
    ],
)
def test_real_documents_are_accepted_and_stored_privately(
    school_client, municipality, analysis, _private_media, name, content, kind
):
    response = upload(school_client, municipality, analysis, name, content)
    assert "De bijlage is toegevoegd." in response.content.decode()
    attachment = AnalysisAttachment.objects.get()
    assert attachment.kind == kind and attachment.name == name
    assert attachment.municipality == municipality
    stored = Path(attachment.file.path)
    # Under MEDIA_ROOT (outside the web root), with a random name that is not the upload's.
    assert stored.is_relative_to(Path(_private_media))
    assert name.split(".")[0] not in stored.name and len(stored.stem) == 32
    assert stored.read_bytes() == content


def test_download_is_an_attachment_with_nosniff(school_client, municipality, analysis):
    upload(school_client, municipality, analysis, "analyse.pdf", pdf_bytes())
    attachment = AnalysisAttachment.objects.get()
    response = school_client.get(
        url("attachment_download", municipality, analysis_pk=analysis.pk,
            analysis_attachment_pk=attachment.pk)
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="analyse.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("analyse.pdf", exe_bytes(), "Dit bestand is geen PDF-, Word- (DOCX)"),
        ("leeg.pdf", b"", "Het bestand is leeg."),
        ("analyse.docx", b"PK\x03\x04 dit is geen zip", "beschadigd of geen geldig Office-bestand"),
        ("analyse.docx", pdf_bytes(), "De naam eindigt op .docx, maar het bestand is een PDF"),
        ("bom.xlsx", zip_bomb_xlsx(), "mogelijk een zip-bom"),
        ("script.pdf", b"<script>alert(1)</script>", "Dit bestand is geen PDF-"),
    ],
    ids=["exe-renamed-pdf", "empty", "corrupt-zip", "extension-mismatch", "zip-bomb", "html"],
)
def test_bad_files_are_refused_with_a_dutch_message_and_nothing_stored(
    school_client, municipality, analysis, _private_media, name, content, message
):
    response = upload(school_client, municipality, analysis, name, content)
    assert message in response.content.decode()
    assert not AnalysisAttachment.objects.exists()
    assert not any(Path(_private_media).rglob("*.*"))


def test_file_over_20_mb_is_refused(school_client, municipality, analysis):
    content = pdf_bytes() + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(pdf_bytes()))
    response = upload(school_client, municipality, analysis, "groot.pdf", content)
    assert "Het bestand is groter dan 20 MB." in response.content.decode()
    assert not AnalysisAttachment.objects.exists()


def test_file_of_exactly_20_mb_is_accepted(school_client, municipality, analysis):
    content = pdf_bytes() + b"0" * (MAX_ATTACHMENT_BYTES - len(pdf_bytes()))
    upload(school_client, municipality, analysis, "precies.pdf", content)
    assert AnalysisAttachment.objects.get().size == MAX_ATTACHMENT_BYTES


def test_no_attachments_added_or_removed_after_submitting(school_client, municipality, analysis):
    upload(school_client, municipality, analysis, "analyse.pdf", pdf_bytes())
    attachment = AnalysisAttachment.objects.get()
    analysis.status = AnalysisStatus.SUBMITTED
    analysis.save()
    response = upload(school_client, municipality, analysis, "nog een.pdf", pdf_bytes())
    assert (
        "Bij een ingediende analyse kun je geen bijlagen meer toevoegen."
        in response.content.decode()
    )
    school_client.post(
        url("attachment_delete", municipality, analysis_pk=analysis.pk,
            analysis_attachment_pk=attachment.pk)
    )  # fmt: skip
    assert AnalysisAttachment.objects.count() == 1


def test_deleting_an_attachment_removes_the_file(
    school_client, municipality, analysis, django_capture_on_commit_callbacks
):
    upload(school_client, municipality, analysis, "analyse.pdf", pdf_bytes())
    attachment = AnalysisAttachment.objects.get()
    path = Path(attachment.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        school_client.post(
            url("attachment_delete", municipality, analysis_pk=analysis.pk,
                analysis_attachment_pk=attachment.pk)
        )  # fmt: skip
    assert not AnalysisAttachment.objects.exists()
    assert not path.exists()
