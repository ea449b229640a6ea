"""The bulk intake reads bounded: a sheet with only B2 gets a Dutch error (it crashed with an
IndexError), a sheet with cells in column XFD and the largest accepted upload stay under 100 MB
extra peak memory (measured with tracemalloc), and the unpacked size is bounded per policy."""

import io
import random
import string
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from analyses.intake import (
    CODE_CELL,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INTAKE_UPLOAD,
    MAX_ROWS,
    SHEET_TITLE,
    columns,
    intake_parse,
)
from core.uploads import MB

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


LIMIT = 100 * MB


def workbook_bytes(fill) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("ingevuld.xlsx", data)


def with_headers(municipality):
    def fill(sheet):
        sheet[CODE_CELL] = municipality.cbs_code
        for index, col in enumerate(columns()):
            sheet.cell(row=HEADER_ROW, column=index + 1, value=col.header)

    return fill


def peak_while(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("b2", ["GM0344", None])
def test_a_sheet_with_only_b2_gets_a_dutch_error_not_a_crash(municipality, cycle, b2):
    def fill(sheet):
        sheet[CODE_CELL] = b2 or "x"

    with pytest.raises(ValidationError) as exc:
        intake_parse(municipality=municipality, cycle=cycle, upload=upload(workbook_bytes(fill)))
    assert "rij 4" in exc.value.messages[0] or "cel B2" in exc.value.messages[0]


def test_a_sheet_with_only_b2_through_the_page(officer_client, municipality, cycle):
    from django.urls import reverse

    def fill(sheet):
        sheet[CODE_CELL] = municipality.cbs_code

    response = officer_client.post(
        reverse("analyses:intake", kwargs={"municipality_slug": municipality.slug}),
        {"file": upload(workbook_bytes(fill))},
    )
    assert response.status_code in (200, 400)
    assert "De kolommen in rij 4 komen niet overeen met het sjabloon" in response.content.decode()


def test_cells_in_column_xfd_stay_under_100_mb(municipality, cycle):
    base = with_headers(municipality)

    def fill(sheet):
        base(sheet)
        for row in range(1, FIRST_DATA_ROW + MAX_ROWS):
            sheet.cell(row=row, column=16384, value="x")  # column XFD, the last one

    data = workbook_bytes(fill)
    assert len(data) < 200 * 1024  # a small file
    peak = peak_while(
        lambda: intake_parse(municipality=municipality, cycle=cycle, upload=upload(data))
    )
    assert peak < LIMIT, f"{peak / MB:.0f} MB"


def test_the_largest_accepted_upload_stays_under_100_mb(municipality, cycle):
    base = with_headers(municipality)
    cols = columns()
    need = next(i for i, c in enumerate(cols) if c.kind == "need") + 1
    rng = random.Random(15)

    def fill(sheet):
        base(sheet)
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + MAX_ROWS):
            sheet.cell(row=row, column=1, value=f"{row:04d}XX00")
            # Unique text near the longest allowed, so it is stored and held as it is.
            sheet.cell(
                row=row, column=need, value="".join(rng.choices(string.ascii_letters, k=2650))
            )

    data = workbook_bytes(fill)
    # Near the limits of the policy: the file size and the unpacked size.
    assert 5 * MB < len(data) <= INTAKE_UPLOAD.max_bytes
    peak = peak_while(
        lambda: intake_parse(municipality=municipality, cycle=cycle, upload=upload(data))
    )
    assert peak < LIMIT, f"{peak / MB:.0f} MB"


def test_an_xlsx_that_unpacks_beyond_the_intake_bound_is_refused(municipality, cycle):
    base = with_headers(municipality)
    rng = random.Random(15)

    def fill(sheet):
        base(sheet)
        for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 5000):
            # Four letters: about 4:1 compressed, 30 MB unpacked in a file well under 10 MB.
            sheet.cell(row=row, column=20, value="".join(rng.choices("acgt", k=6000)))

    data = workbook_bytes(fill)
    assert len(data) <= INTAKE_UPLOAD.max_bytes
    with pytest.raises(ValidationError) as exc:
        intake_parse(municipality=municipality, cycle=cycle, upload=upload(data))
    assert "uitgepakt" in exc.value.messages[0] and "meer dan 25 MB" in exc.value.messages[0]
