"""Session attachments: editors upload, members download through the access check, others can't."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cycles.models import Phase, SessionAttachment
from municipalities.models import Role
from tests.cycles.factories import CycleFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    return SessionFactory(cycle=cycle, municipality=municipality)


def _add_url(session):
    return reverse(
        "cycles:attachment_add", args=[session.municipality.slug, session.cycle_id, session.pk]
    )


def test_editor_uploads_and_a_viewer_downloads(client, session, member_factory):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    upload = SimpleUploadedFile(
        "verslag.pdf", b"%PDF-1.7\n minutes", content_type="application/pdf"
    )
    response = client.post(_add_url(session), {"file": upload})
    assert response.status_code == 302
    attachment = SessionAttachment.objects.get()
    assert (attachment.session, attachment.municipality, attachment.name) == (
        session,
        session.municipality,
        "verslag.pdf",
    )
    # Stored under a generated name in the session's folder, never the uploader's.
    folder = f"cycles/{session.municipality_id}/sessions/{session.pk}/"
    assert attachment.file.name.startswith(folder) and "verslag" not in attachment.file.name

    client.force_login(member_factory(session.municipality, Role.VIEWER))
    url = reverse(
        "cycles:attachment_download",
        args=[session.municipality.slug, session.cycle_id, attachment.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="verslag.pdf"')
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n minutes"


def test_a_name_without_extension_gets_the_one_of_its_content(client, session, member_factory):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    upload = SimpleUploadedFile("verslag/../notulen", b"%PDF-1.7\n minutes")
    assert client.post(_add_url(session), {"file": upload}).status_code == 302
    attachment = SessionAttachment.objects.get()
    assert attachment.name == "notulen.pdf" and attachment.file.name.endswith(".pdf")


def test_wrong_kind_of_file_is_refused_in_dutch_and_nothing_is_saved(
    client, session, member_factory
):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    upload = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = client.post(_add_url(session), {"file": upload})
    assert response.status_code == 200
    assert "Dit soort bestand kan niet worden toegevoegd." in response.content.decode()
    assert not SessionAttachment.objects.exists()


def test_viewer_cannot_upload(client, session, member_factory):
    client.force_login(member_factory(session.municipality, Role.VIEWER))
    upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.7", content_type="application/pdf")
    assert client.post(_add_url(session), {"file": upload}).status_code == 403
    assert not SessionAttachment.objects.exists()


def _ooxml(main_part: str) -> bytes:
    """A minimal Office Open XML package: a content-types part and the main part of its kind."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<root/>")
    return buffer.getvalue()


DOCX = _ooxml("word/document.xml")
PPTX = _ooxml("ppt/presentation.xml")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("verslag.docx", DOCX),
        ("presentatie.pptx", PPTX),
        ("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("schets.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("notities.txt", "Gespreksnotities: één, twee\r\nTweede regel\n".encode()),
        ("oud.txt", "Café Noord — notities".encode("cp1252")),
    ],
)
def test_real_documents_are_accepted(client, session, member_factory, name, content):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    response = client.post(_add_url(session), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()
    assert SessionAttachment.objects.get().name == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # A web page or a program renamed to a harmless extension (the one check of core.uploads).
        ("verslag.pdf", b"<html><script>alert(1)</script>", "De naam eindigt op .pdf, maar"),
        ("foto.png", b"MZ\x90\x00\x03\x00\x00\x00", "Dit soort bestand kan niet"),
        ("notities.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "Dit soort bestand kan niet"),
        # A real document under another document's name.
        ("verslag.xlsx", DOCX, "De naam eindigt op .xlsx, maar het bestand is een Word (DOCX)"),
        ("leeg.pdf", b"", "Het verstuurde bestand is leeg."),
        ("kapot.docx", b"PK\x03\x04 not a zip at all", "beschadigd"),
    ],
)
def test_files_whose_content_does_not_match_are_refused(
    client, session, member_factory, name, content, message
):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    response = client.post(_add_url(session), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SessionAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client, session, member_factory):
    client.force_login(member_factory(session.municipality, Role.POLICY_OFFICER))
    big = SimpleUploadedFile("groot.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    response = client.post(_add_url(session), {"file": big})
    assert "groter dan 10 MB" in response.content.decode()
    assert not SessionAttachment.objects.exists()
