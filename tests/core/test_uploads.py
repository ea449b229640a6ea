"""core.uploads: the kind read from the content, the one upload check, and generated names."""

import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import (
    MB,
    GeneratedName,
    UploadPolicy,
    check_upload,
    clean_display_name,
    content_type_for_name,
    detect_kind,
)
from tests.analyses.factories import docx_bytes, exe_bytes, odt_bytes, pdf_bytes, zip_bomb_xlsx

WRONG = "Alleen PDF of Word."
DOCUMENTS = UploadPolicy(kinds=("pdf", "docx"), max_bytes=1 * MB, wrong_kind_message=WRONG)
WITH_TEXT = UploadPolicy(kinds=("pdf", "txt"), max_bytes=1 * MB, wrong_kind_message=WRONG)


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def refusal(policy, name, content) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile(name, content), policy=policy)
    return info.value


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (pdf_bytes(), "pdf"),
        (docx_bytes(), "docx"),
        (odt_bytes(), "odt"),
        (xlsx_bytes(), "xlsx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (exe_bytes(), None),
        (b"gewone tekst", None),  # text is told apart by is_plain_text, on request
    ],
)
def test_detect_kind_reads_the_content(content, kind):
    assert detect_kind(io.BytesIO(content)) == kind


@pytest.mark.parametrize(
    ("policy", "name", "content", "kind"),
    [
        (DOCUMENTS, "verslag.pdf", pdf_bytes(), "pdf"),
        (DOCUMENTS, "VERSLAG.PDF", pdf_bytes(), "pdf"),
        (DOCUMENTS, "verslag.docx", docx_bytes(), "docx"),
        (DOCUMENTS, "zonder-extensie", pdf_bytes(), "pdf"),  # the display name gets .pdf
        (WITH_TEXT, "notities.txt", "één regel\r\n".encode(), "txt"),
        (WITH_TEXT, "oud.txt", "Café".encode("cp1252"), "txt"),
    ],
)
def test_accepted_files_return_their_real_kind_and_are_rewound(policy, name, content, kind):
    upload = SimpleUploadedFile(name, content)
    upload.read(3)
    assert check_upload(upload, policy=policy).kind == kind
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("policy", "name", "content", "code", "message"),
    [
        (DOCUMENTS, "leeg.pdf", b"", "empty", "Het bestand is leeg."),
        (DOCUMENTS, "groot.pdf", pdf_bytes() + b"0" * MB, "too_large", "groter dan 1 MB"),
        (DOCUMENTS, "programma.pdf", exe_bytes(), "wrong_type", WRONG),
        (DOCUMENTS, "pagina.pdf", b"<html><script>", "wrong_type", WRONG),  # no txt here
        (DOCUMENTS, "blad.xlsx", xlsx_bytes(), "wrong_type", WRONG),  # a kind not allowed
        (DOCUMENTS, "kapot.docx", b"PK\x03\x04 geen zip", "corrupt", "beschadigd"),
        (DOCUMENTS, "bom.docx", zip_bomb_xlsx(), "zip_bomb", "zip-bom"),
        (
            DOCUMENTS,
            "verslag.docx",
            pdf_bytes(),
            "extension_mismatch",
            "De naam eindigt op .docx, maar het bestand is een PDF-bestand.",
        ),
        (WITH_TEXT, "pagina.html", b"<html></html>", "extension_mismatch", "eindigt op .html"),
        (WITH_TEXT, "programma.txt", exe_bytes(), "wrong_type", WRONG),
        # Ends in what looks like a cut-off UTF-8 character, but the file is whole: not text.
        (WITH_TEXT, "kort.txt", b"MZ\x90\x00", "wrong_type", WRONG),
    ],
)
def test_refused_files_get_a_dutch_reason(policy, name, content, code, message):
    error = refusal(policy, name, content)
    assert error.code == code
    assert message in " ".join(error.messages)


def test_size_limit_is_inclusive():
    exact = pdf_bytes() + b"0" * (MB - len(pdf_bytes()))
    assert check_upload(SimpleUploadedFile("precies.pdf", exact), policy=DOCUMENTS).kind == "pdf"
    assert refusal(DOCUMENTS, "net-te-groot.pdf", exact + b"0").code == "too_large"


def test_a_policy_names_only_known_kinds():
    with pytest.raises(ValueError, match="exe"):
        UploadPolicy(kinds=("pdf", "exe"), max_bytes=MB, wrong_kind_message=WRONG)


@pytest.mark.parametrize(
    ("name", "extension", "shown"),
    [
        ("Analyse 2024.docx", ".docx", "Analyse 2024.docx"),
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        ('a<b>:"c"|?*.pdf', ".pdf", "abc.pdf"),
        ("verslag.exe", ".pdf", "verslag.pdf"),
        ("", ".xlsx", "bijlage.xlsx"),
    ],
)
def test_display_names_are_cleaned_and_get_the_real_extension(name, extension, shown):
    assert clean_display_name(name, extension=extension) == shown


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("verslag.pdf", "application/pdf"),
        ("foto.JPG", "image/jpeg"),
        ("notities.txt", "text/plain"),
        ("oud-bestand.exe", "application/octet-stream"),
        ("zonder", "application/octet-stream"),
    ],
)
def test_content_type_for_a_display_name(name, content_type):
    assert content_type_for_name(name) == content_type


@pytest.mark.parametrize(
    ("filename", "suffix"),
    [
        ("upload.pdf", ".pdf"),
        ("Jan Jansen BSN 123456789.PDF", ".pdf"),
        ("../../evil.sh", ""),
        ("geen-extensie", ""),
        ("foto.jpeg", ".jpeg"),
    ],
)
def test_generated_names_keep_only_a_known_extension(filename, suffix):
    upload_to = GeneratedName("bijlagen/{municipality_id}/{session_id}")
    instance = SimpleNamespace(municipality_id=7, session_id=12)
    name = upload_to(instance, filename)
    assert re.fullmatch(rf"bijlagen/7/12/[0-9a-f]{{32}}{re.escape(suffix)}", name)
    assert upload_to(instance, filename) != name  # random every time


def test_generated_names_follow_related_objects_and_deconstruct_for_migrations():
    upload_to = GeneratedName("reports/{municipality.cbs_code}")
    instance = SimpleNamespace(municipality=SimpleNamespace(cbs_code="GM0344"))
    assert upload_to(instance, "gemeentefoto.pdf").startswith("reports/GM0344/")
    path, args, kwargs = upload_to.deconstruct()
    assert (path, args, kwargs) == (
        "core.uploads.GeneratedName",
        ("reports/{municipality.cbs_code}",),
        {},
    )
    assert upload_to == GeneratedName("reports/{municipality.cbs_code}")
