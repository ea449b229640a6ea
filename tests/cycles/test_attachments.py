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

    client.force_login(member_factory(session.municipality, Role.VIEWER))
    url = reverse(
        "cycles:attachment_download",
        args=[session.municipality.slug, session.cycle_id, attachment.pk],
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.7\n minutes"


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
