"""A corpus of bad files and values, run through every upload, import and money surface.

Each case either gets a clear Dutch error (a ``ValidationError`` or ``ReferenceDataError`` whose
message is Dutch and at most a few hundred characters) or is read exactly right; a refused file
leaves no row and no stored file behind. The surfaces: the school's analysis document, a session
attachment, an allocation letter, the bulk intake (files and cells), the reference-data reader,
and the money fields of the analysis form and every budget form.
"""

import codecs
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from analyses import services as analysis_services
from analyses.forms import AnalysisForm
from analyses.intake import CODE_CELL, HEADER_ROW, _parse_budget, columns
from analyses.models import AnalysisAttachment, AnalysisIntake
from budgets import services as budget_services
from budgets.forms import AllocationForm
from budgets.models import Allocation
from cycles.models import Phase, SessionAttachment
from cycles.services.duiden import attachment_add as session_attachment_add
from schools.importers.base import ReferenceDataError, decode
from tests.analyses.factories import SchoolAnalysisFactory, open_cycle, zip_bomb_xlsx
from tests.budgets.factories import stream
from tests.cycles.factories import CycleFactory, SessionFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


DUTCH_WORDS = (" het ", " een ", " de ", "geen", " niet", "bestand", "bedrag", "kolom", "regel")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx(fill) -> bytes:
    workbook = Workbook()
    fill(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX_SHELL = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})

# (id, file name, content): files no surface may store as something else or crash on.
BAD_FILES = [
    ("empty", "leeg.pdf", b""),
    ("exe", "virus.exe", b"MZ\x90\x00" + b"\x00" * 100),
    ("exe-named-pdf", "factuur.pdf", b"MZ\x90\x00" + b"\x00" * 100),
    ("html-named-pdf", "brief.pdf", b"<html><script>alert(1)</script></html>"),
    ("svg", "logo.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
    ("zip-bomb", "analyse.xlsx", zip_bomb_xlsx()),
    ("truncated-zip", "analyse.xlsx", b"PK\x03\x04" + b"\x00" * 60),
    ("plain-zip", "archief.xlsx", _zip({"a.txt": b"hallo"})),
    ("docx-named-xlsx", "analyse.xlsx", DOCX),
    ("pdf-named-xlsx", "analyse.xlsx", PDF),
    ("pdf-with-zip-appended-named-xlsx", "analyse.xlsx", PDF + XLSX_SHELL),
    ("zip-with-pdf-name", "brief.pdf", XLSX_SHELL),
    ("nul-bytes", "tekst.pdf", b"\x00" * 64),
    ("utf16-text-named-pdf", "brief.pdf", "Beste gemeente".encode("utf-16")),
    ("png-named-pdf", "brief.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
    ("jpeg-named-docx", "verslag.docx", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
    ("pdf-header-only-named-docx", "verslag.docx", b"%PDF-"),
    ("ods-mimetype-named-xlsx", "analyse.xlsx",
     _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})),
    ("too-many-zip-entries", "analyse.xlsx",
     _zip({f"x{i}.xml": b"" for i in range(2001)} | {"[Content_Types].xml": b"", "xl/workbook.xml": b""})),
    ("random-bytes", "data.pdf", bytes(range(256)) * 4),
]  # fmt: skip


def assert_dutch(message: str) -> None:
    assert message and len(message) < 600, message
    assert any(word in f" {message.lower()} " for word in DUTCH_WORDS), message


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def surfaces(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)  # the open cycle
    analysis = SchoolAnalysisFactory(school=SchoolFactory(municipality=municipality), cycle=cycle)
    session = SessionFactory(cycle=cycle, municipality=municipality)

    def analysis_document(upload):
        analysis_services.attachment_add(analysis=analysis, upload=upload, user=officer)

    def session_attachment(upload):
        session_attachment_add(cycle=session.cycle, session=session, file=upload)

    def allocation_letter(upload):
        budget_services.allocation_save(
            municipality=municipality,
            letter=upload,
            stream=stream(),
            period="2023-2024",
            amount=Decimal("10.00"),
        )

    def bulk_intake(upload):
        analysis_services.intake_upload(
            municipality=municipality, cycle=open_cycle(municipality), upload=upload, user=officer
        )

    return {
        "analysis_document": (analysis_document, AnalysisAttachment),
        "session_attachment": (session_attachment, SessionAttachment),
        "allocation_letter": (allocation_letter, Allocation),
        "bulk_intake": (bulk_intake, AnalysisIntake),
    }


@pytest.mark.parametrize(
    "surface", ["analysis_document", "session_attachment", "allocation_letter", "bulk_intake"]
)
@pytest.mark.parametrize(
    ("name", "content"), [(n, c) for _id, n, c in BAD_FILES], ids=[i for i, _n, _c in BAD_FILES]
)
def test_bad_files_get_a_dutch_error_and_leave_nothing(surfaces, settings, surface, name, content):  # fmt: skip
    save, model = surfaces[surface]
    with pytest.raises(ValidationError) as exc:
        save(SimpleUploadedFile(name, content))
    for message in exc.value.messages:
        assert_dutch(message)
    assert not model.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "name",
    [
        "é" * 200 + ".pdf",  # 200 accented characters: the stored name is generated
        "e\u0301" * 200 + ".pdf",  # the same, decomposed: 400 code points
        "../../etc/passwd.pdf",
        "verslag\x00.pdf",
        "con.pdf",
        "  .pdf",
    ],
)
def test_awkward_names_of_a_real_pdf_are_stored_under_a_generated_name(surfaces, name):
    save, model = surfaces["session_attachment"]
    save(SimpleUploadedFile(name, PDF))
    attachment = model.objects.get()
    assert attachment.name.endswith(".pdf") and len(attachment.name) <= 200
    assert "/" not in attachment.name and "\x00" not in attachment.name
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert len(stored) == 36 and stored.endswith(".pdf")  # 32 hex digits + .pdf


def test_a_pdf_with_a_zip_appended_is_stored_as_a_pdf(surfaces):
    save, model = surfaces["analysis_document"]
    save(SimpleUploadedFile("analyse.pdf", PDF + XLSX_SHELL))
    attachment = model.objects.get()
    assert attachment.kind == "pdf" and attachment.file.name.endswith(".pdf")


# --- Bad intake workbooks ----------------------------------------------------------------------


def _headers(sheet, municipality):
    sheet[CODE_CELL] = municipality.cbs_code
    for index, col in enumerate(columns()):
        sheet.cell(row=HEADER_ROW, column=index + 1, value=col.header)


BAD_WORKBOOKS = {
    "only-b2": lambda sheet, m: sheet.__setitem__(CODE_CELL, m.cbs_code),
    "nothing": lambda sheet, m: None,
    "other-municipality": lambda sheet, m: sheet.__setitem__(CODE_CELL, "GM9999"),
    "formula-in-b2": lambda sheet, m: sheet.__setitem__(CODE_CELL, "=A1"),
    "headers-moved": lambda sheet, m: (_headers(sheet, m), sheet.insert_cols(1)),
    "header-renamed": lambda sheet, m: (_headers(sheet, m), sheet.cell(row=HEADER_ROW, column=1, value="x" * 10000)),
    "no-rows": lambda sheet, m: _headers(sheet, m),
    "only-xfd-cells": lambda sheet, m: (_headers(sheet, m), sheet.cell(row=5, column=16384, value="x")),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_bad_intake_workbooks_get_a_dutch_error(surfaces, settings, municipality, case):
    save, model = surfaces["bulk_intake"]
    data = _xlsx(lambda sheet: BAD_WORKBOOKS[case](sheet, municipality))
    with pytest.raises(ValidationError) as exc:
        save(SimpleUploadedFile("ingevuld.xlsx", data))
    assert_dutch(exc.value.messages[0])
    assert not model.objects.exists() and stored_files(settings) == []


# --- Reference files ---------------------------------------------------------------------------

BAD_REFERENCE_FILES = [
    ("utf16-bom", "naam\nÉén\n".encode("utf-16")),
    ("utf16-no-bom", "naam\nEen\n".encode("utf-16-le")),
    ("nul-byte", b"naam\nEen\x00\n"),
    ("double-encoded", "naam\nÉén\n".encode().decode("cp1252").encode()),
    ("undefined-cp1252-byte", b"naam\n\x81\x8d\n"),
]


@pytest.mark.parametrize(
    ("case", "raw"), BAD_REFERENCE_FILES, ids=[c for c, _r in BAD_REFERENCE_FILES]
)
def test_bad_reference_files_get_a_dutch_error(case, raw):
    with pytest.raises(ReferenceDataError) as exc:
        decode(raw, "bestand.csv")
    assert_dutch(str(exc.value))
    if case == "nul-byte":
        assert "UTF-16" not in str(exc.value)


@pytest.mark.parametrize(
    ("raw", "text"),
    [(codecs.BOM_UTF8 + "naam\nÉén\n".encode(), "naam\nÉén\n"), ("naam\nÉén\n".encode("cp1252"), "naam\nÉén\n")],
)  # fmt: skip
def test_good_reference_encodings_are_read_exactly(raw, text):
    assert decode(raw, "bestand.csv") == text


# --- Money values through every money surface ----------------------------------------------------

BAD_AMOUNTS = [
    "1,234.56", "12,345", "1e-7", "1E5", "1.234.56", "NaN", "nan", "Infinity", "-Infinity", "inf",
    "12345678901234", "99999999999,99", "1,999", "0,001", "١٢٣", "１２３", "12.50", "1..234",
    "1,2,3", "€€", "--5", "5-", "+5", "(5)", "5 EUR", "0x10", "1_000", "١,٥", "1.23", ",5", "5,",
    "½", "²", "x" * 10000, "-5,00",
]  # fmt: skip
GOOD_AMOUNTS = [
    ("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("€ 1.234", "1234.00"), ("€1.234,5", "1234.50"),
    ("0", "0.00"), ("0,01", "0.01"), ("9.999.999.999,99", "9999999999.99"), (" 12 ", "12.00"),
    ("1\u00a0234,56", "1234.56"),
]  # fmt: skip


def money_fields(municipality, value):
    """(surface, form, field) for every money form field of the platform, bound to ``value``."""
    from budgets.forms import CommitmentForm, PlannedAmountForm, SpendingForm

    return [
        ("analysis own budget", AnalysisForm(data={"own_budget": value}), "own_budget"),
        ("allocation", AllocationForm(data={"amount": value}), "amount"),
        ("planned amount", PlannedAmountForm(data={"amount": value}), "amount"),
        ("commitment", CommitmentForm(data={"amount": value}, municipality=municipality), "amount"),
        ("spending", SpendingForm(data={"amount": value}, municipality=municipality), "amount"),
    ]


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_bad_amounts_are_refused_in_dutch_everywhere(municipality, value):
    for surface, form, name in money_fields(municipality, value):
        form.is_valid()
        if surface == "spending" and value == "-5,00":
            assert form.cleaned_data[name] == Decimal("-5.00")  # a credit note may be negative
            continue
        assert name in form.errors, surface
        assert_dutch(" ".join(form.errors[name]))
    with pytest.raises(ValueError) as exc:
        _parse_budget(value)  # the bulk intake's cell reader
    assert_dutch(str(exc.value))


@pytest.mark.parametrize(("value", "expected"), GOOD_AMOUNTS)
def test_good_amounts_are_read_exactly_everywhere(municipality, value, expected):
    for surface, form, name in money_fields(municipality, value):
        form.is_valid()
        assert name not in form.errors, surface
        assert form.cleaned_data[name] == Decimal(expected), surface
    assert _parse_budget(value) == Decimal(expected)


def test_a_refused_amount_through_the_service_saves_nothing(municipality):
    with pytest.raises(ValidationError) as exc:
        budget_services.allocation_save(
            municipality=municipality, stream=stream(), period="2023-2024", amount=Decimal("-1")
        )
    assert_dutch(exc.value.messages[0])
    assert not Allocation.objects.exists()


def test_the_corpus_is_at_least_forty_cases():
    cases = len(BAD_FILES) + len(BAD_WORKBOOKS) + len(BAD_REFERENCE_FILES) + len(BAD_AMOUNTS)
    assert cases >= 40, cases
