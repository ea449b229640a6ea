"""A full or read-only media store gives a Dutch 507 page and leaves nothing behind; a file that
a row points at but that is gone gives a Dutch 404, never the generic 500."""

import errno
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile

from budgets.models import Allocation
from core.storage import CleanFileSystemStorage
from tests.budgets.factories import stream
from tests.reports.factories import ReportJobFactory

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def files_under(folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def failing_chunks(error_number: int, after_bytes: int):
    """InMemoryUploadedFile.chunks that writes ``after_bytes`` and then meets ``error_number``."""

    def chunks(self, chunk_size=None):
        self.file.seek(0)
        if after_bytes:
            yield self.file.read(after_bytes)
        raise OSError(error_number, "simulated storage failure")

    return chunks


def test_the_default_storage_removes_a_partial_file():
    assert isinstance(default_storage._wrapped, CleanFileSystemStorage) or isinstance(
        default_storage, CleanFileSystemStorage
    )

    class Breaks(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half of it"
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        default_storage.save("faults/partial.bin", Breaks(b"x"))
    assert not default_storage.exists("faults/partial.bin")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error_number", "after_bytes"), [(errno.ENOSPC, 64 * 1024), (errno.EROFS, 0)]
)
def test_a_full_or_read_only_store_answers_507_in_dutch_and_keeps_nothing(
    officer_client, monkeypatch, error_number, after_bytes
):
    before = files_under("budgets")
    monkeypatch.setattr(InMemoryUploadedFile, "chunks", failing_chunks(error_number, after_bytes))
    response = officer_client.post(
        "/g/utrecht/budget/toekenningen/nieuw/",
        {
            "stream": stream().pk,
            "period": "2023-2024",
            "amount": "1.000",
            "reference": "BS-1",
            "letter": SimpleUploadedFile("beschikking.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 507
    body = response.content.decode()
    assert "Opslag vol of niet beschikbaar" in body and "er is niets opgeslagen" in body
    assert "Er ging iets mis" not in body
    assert not Allocation.objects.exists()
    assert files_under("budgets") == before


@pytest.mark.django_db
def test_a_missing_report_pdf_is_a_dutch_404(officer_client, municipality):
    job = ReportJobFactory(municipality=municipality, status="done", pdf="reports/weg.pdf")
    response = officer_client.get(f"/g/utrecht/rapportages/{job.pk}/pdf/")
    assert response.status_code == 404
    assert "Bestand niet gevonden" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_letter_is_a_404(officer_client, municipality):
    allocation = Allocation.objects.create(
        municipality=municipality,
        stream=stream(),
        period="2023-2024",
        amount=Decimal("1.00"),
        letter="budgets/beschikkingen/weg.pdf",
    )
    response = officer_client.get(f"/g/utrecht/budget/toekenningen/{allocation.pk}/beschikking/")
    assert response.status_code == 404
