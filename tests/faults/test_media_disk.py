"""Drill: the media disk full, then read-only, on a real (tiny) tmpfs mounted for the drill.

An upload answers the Dutch 507 page, no row is written and no partial file stays behind;
/healthz names the media store. Needs root for mount (CI runs as root); fails otherwise.
"""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.models import Allocation
from tests.budgets.factories import stream

# Bigger than the disk below: the write fails halfway with ENOSPC.
BIG_PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SMALL_PDF = b"%PDF-1.4\n" + b"0" * 2_000 + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)  # noqa: S603,S607
    if done.returncode:
        pytest.fail(f"mount {' '.join(args)} failed (the drill needs root): {done.stderr}")


@pytest.fixture
def small_disk(settings, fault_folder):
    if os.geteuid() != 0:
        pytest.fail("The media-disk drill mounts a tmpfs and needs root.")
    mountpoint = fault_folder / "media"
    mountpoint.mkdir(exist_ok=True)
    _mount("-t", "tmpfs", "-o", "size=128k,mode=0755", "tmpfs", str(mountpoint))
    settings.MEDIA_ROOT = mountpoint
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)  # noqa: S603,S607


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _upload(client, pdf: bytes):
    return client.post(
        "/g/utrecht/budget/toekenningen/nieuw/",
        {
            "stream": stream().pk,
            "period": "2023-2024",
            "amount": "1.000",
            "reference": "BS-1",
            "letter": SimpleUploadedFile("beschikking.pdf", pdf, content_type="application/pdf"),
        },
    )


def _assert_clear_507(response) -> None:
    assert response.status_code == 507
    body = response.content.decode()
    assert "Opslag vol of niet beschikbaar" in body and "er is niets opgeslagen" in body


@pytest.mark.django_db
def test_media_full_then_read_only_gives_a_clear_error_and_leaves_nothing(
    officer_client, small_disk
):
    # Full: the 200 kB letter does not fit on the 128 kB disk.
    _assert_clear_507(_upload(officer_client, BIG_PDF))
    assert not Allocation.objects.exists()
    assert _files(small_disk) == []  # the partial file was removed

    # Read-only: even a small letter cannot be written.
    _mount("-o", "remount,ro", str(small_disk))
    _assert_clear_507(_upload(officer_client, SMALL_PDF))
    assert not Allocation.objects.exists() and _files(small_disk) == []
    health = officer_client.get("/healthz").json()
    assert health["checks"]["media"] == "down" and "media" in health["down"]

    # Writable with room again: the same upload is saved.
    _mount("-o", "remount,rw", str(small_disk))
    assert _upload(officer_client, SMALL_PDF).status_code == 302
    assert Allocation.objects.count() == 1 and len(_files(small_disk)) == 1
