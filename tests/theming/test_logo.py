"""The logo policy: PNG or JPEG through core.uploads, SVG only sanitised, nothing huge."""

import pytest
from django.core.exceptions import ValidationError

from tests.analyses.factories import pdf_bytes
from tests.theming.files import SVG_WITH_TRICKS, image_bytes, jpeg, png, upload
from theming.logo import MAX_LOGO_BYTES, check_logo


def refused(file) -> str:
    with pytest.raises(ValidationError) as caught:
        check_logo(file)
    return " ".join(caught.value.messages)


def test_png_and_jpeg_are_accepted_as_they_are():
    logo = check_logo(png())
    assert (logo.kind, logo.extension, logo.content_type) == ("png", ".png", "image/png")
    assert logo.content == image_bytes("PNG")
    assert check_logo(jpeg()).kind == "jpeg"


@pytest.mark.parametrize(
    "file,expected",
    [
        (upload("logo.pdf", pdf_bytes()), "PNG-, JPEG- of SVG-bestand"),
        (upload("logo.gif", b"GIF89a" + b"\x00" * 40), "PNG-, JPEG- of SVG-bestand"),
        (upload("logo.png", b""), "leeg"),
        (upload("logo.jpg", image_bytes("PNG")), "de juiste extensie"),
        (upload("logo.png", b"\x89PNG\r\n\x1a\n" + b"rommel" * 20), "beschadigd"),
    ],
)
def test_other_and_broken_files_are_refused(file, expected):
    assert expected in refused(file)


def test_a_huge_file_is_refused_by_size_and_a_huge_image_by_dimensions():
    padding = b"\x00" * (MAX_LOGO_BYTES + 1)
    assert "groter dan 1 MB" in refused(upload("logo.png", image_bytes("PNG") + padding))
    assert "groter dan 1 MB" in refused(upload("logo.svg", b"<svg>" + padding))
    assert "5000 × 10 pixels" in refused(png(size=(5000, 10)))


def test_an_svg_is_stored_only_in_its_sanitised_form():
    logo = check_logo(upload("logo.svg", SVG_WITH_TRICKS, "image/svg+xml"))
    assert logo.kind == "svg" and logo.content_type == "image/svg+xml"
    text = logo.content.decode()
    for gone in ("script", "onload", "onclick", "foreignObject", "iframe", "evil.example",
                 "javascript:", "<a ", "style="):  # fmt: skip
        assert gone not in text, gone
    assert "<title>Gemeente Voorbeeld</title>" in text
    assert 'fill="url(#verloop)"' in text and 'href="#intern"' in text
    assert "<rect" in text and 'viewBox="0 0 100 40"' in text


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect',  # not well-formed
        b"<svg><rect/></svg>",  # no SVG namespace: not an SVG document
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
)
def test_an_svg_that_cannot_be_read_safely_is_refused(content):
    assert "niet veilig worden gelezen" in refused(upload("logo.svg", content))


def test_an_svg_with_nothing_left_to_draw_is_refused():
    content = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "niets dat als logo" in refused(upload("logo.svg", content))
