"""Reference files: encodings are detected honestly (a NUL byte is not UTF-16 unless the file
is), and an error quotes at most about 100 characters of the file."""

import codecs

import pytest
from django.utils import translation

from schools.importers.base import ReferenceDataError, decode, read_table


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def test_a_nul_byte_in_utf8_text_is_not_called_utf16():
    with pytest.raises(ReferenceDataError) as exc:
        decode(b"code;naam\nGM0344;Utrecht\x00\n", "x.csv")
    message = str(exc.value)
    assert "UTF-16" not in message
    assert "x.csv, regel 2: het bestand bevat een NUL-byte" in message


@pytest.mark.parametrize(
    "raw",
    [
        "code;naam\nGM0344;Utrecht\n".encode("utf-16"),  # with BOM
        "code;naam\nGM0344;Utrecht\n".encode("utf-16-le"),  # without BOM
        "code;naam\nGM0344;Utrecht\n".encode("utf-16-be"),
    ],
)
def test_real_utf16_is_called_utf16(raw):
    with pytest.raises(ReferenceDataError, match="UTF-16"):
        decode(raw, "x.csv")


def test_utf8_with_bom_is_read():
    assert decode(codecs.BOM_UTF8 + "naam\nÉén\n".encode(), "x.csv") == "naam\nÉén\n"


def test_a_one_megabyte_header_line_gives_a_short_message(tmp_path):
    path = tmp_path / "groot.csv"
    path.write_text("x" * 1_000_000 + ";y\n1;2\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as exc:
        read_table(path, sep=";", columns=["code"])
    message = str(exc.value)
    assert "kolom 'code' ontbreekt" in message
    assert len(message) < 400, len(message)


def test_a_huge_cell_value_is_quoted_short(tmp_path):
    from schools.importers.base import require_pattern

    path = tmp_path / "cel.csv"
    path.write_text("code\n" + "Q" * 1_000_000 + "\n", encoding="utf-8")
    frame = read_table(path, sep=";", columns=["code"])
    with pytest.raises(ReferenceDataError) as exc:
        require_pattern(frame, "code", r"GM\d{4}", "cel.csv", "gemeentecode")
    assert len(str(exc.value)) < 400
    assert "regel 2, kolom 'code'" in str(exc.value)
