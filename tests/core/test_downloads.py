"""core.downloads: the one response for private files and exports, and its three headers."""

import io
from urllib.parse import unquote

import pytest
from django.http import FileResponse

from core.downloads import content_disposition, private_download


def _filename_star(header: str) -> str:
    value = header.split("filename*=", 1)[1]
    assert value.startswith("utf-8''")
    return unquote(value.removeprefix("utf-8''"))


@pytest.mark.parametrize(
    ("content", "streamed"), [(b"%PDF-1.7", False), (io.BytesIO(b"%PDF-1.7"), True)]
)
def test_bytes_and_files_get_the_three_headers(content, streamed):
    response = private_download(content, filename="plan.pdf", content_type="application/pdf")
    assert isinstance(response, FileResponse) is streamed
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"plan.pdf\"; filename*=utf-8''plan.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content) if streamed else response.content
    assert body == b"%PDF-1.7"


def test_inline_is_shown_not_saved():
    response = private_download(b"x", filename="a.pdf", content_type="application/pdf", inline=True)
    assert response["Content-Disposition"].startswith('inline; filename="a.pdf"')


@pytest.mark.parametrize(
    ("filename", "ascii_name", "real_name"),
    [
        ("Schoolanalyse één.pdf", "Schoolanalyse een.pdf", "Schoolanalyse één.pdf"),
        ("Übersicht 2024–2025.xlsx", "Ubersicht 2024_2025.xlsx", "Übersicht 2024–2025.xlsx"),
        ('rapport "definitief".pdf', "rapport _definitief_.pdf", 'rapport "definitief".pdf'),
        ("../../etc/passwd", "passwd", "passwd"),
        ("C:\\Users\\jan\\brief.pdf", "brief.pdf", "brief.pdf"),
        ("regel\r\nSet-Cookie: x.pdf", "regelSet-Cookie_ x.pdf", "regelSet-Cookie: x.pdf"),
        ("報告.pdf", "__.pdf", "報告.pdf"),
        ("", "download", "download"),
    ],
)
def test_names_are_safe_with_an_ascii_fallback_and_the_real_name(filename, ascii_name, real_name):
    header = content_disposition(filename)
    assert header.startswith(f'attachment; filename="{ascii_name}"; ')
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert _filename_star(header) == real_name
