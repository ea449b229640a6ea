"""A municipality's PDFs carry its house style (issue 21): colours, fonts, logo and name form,
frozen in the snapshot so a version keeps its look."""

import io
import re

import pytest
from pypdf import PdfReader

from reports import rendering
from reports.models import ReportJob
from tests.reports.dossier_helpers import assert_pdf_a2
from tests.reports.factories import fill_municipality
from tests.reports.helpers import assert_pdf_ua, build, pdf_text
from tests.theming.files import png, svg
from theming.documents import document_theme
from theming.services import theme_update

pytestmark = pytest.mark.django_db

ROOD_BUTTON = "#a3122a"  # theming/themes/rood.css: --basis-color-action-1-inverse-bg-default
ROOD_HEADING = "#7d0e20"  # --utrecht-heading-2-color
DEFAULT_BUTTON = "#5115ef"  # the voorbeeld theme's primary button


def _spy_stylesheets(monkeypatch) -> list[str]:
    """Record the HTML and every stylesheet WeasyPrint gets for each render."""
    seen: list[str] = []
    real = rendering.render_document_html

    def spy(snapshot):
        html = real(snapshot)
        seen.append(html)
        return html

    monkeypatch.setattr(rendering, "render_document_html", spy)
    return seen


def _gemeentefoto(municipality, officer, capture):
    cycle = fill_municipality(municipality)
    job = build(municipality, "gemeentefoto", officer, cycle, capture)
    assert job.status == ReportJob.Status.DONE, job.error
    return job


def _colours_of(page) -> set[str]:
    """The fill colours a PDF page paints (rg operators), as #rrggbb."""
    data = page.get_contents().get_data().decode("latin-1")
    return {
        "#" + "".join(f"{round(float(c) * 255):02x}" for c in rgb)
        for rgb in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", data)
    }


def _page_colours(job) -> set[str]:
    with job.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return _colours_of(reader.pages[0]) | _colours_of(reader.pages[2])


def test_a_pdf_picks_up_its_municipalitys_theme(
    municipality, officer, django_capture_on_commit_callbacks, monkeypatch
):
    theme_update(
        municipality=municipality, token_set="rood", name_form="Stad Utrecht", logo_file=png()
    )
    seen = _spy_stylesheets(monkeypatch)
    job = _gemeentefoto(municipality, officer, django_capture_on_commit_callbacks)
    html = seen[-1]
    # The resolved colours reach WeasyPrint's stylesheet, and the cover paints them.
    assert f"--pdf-accent: {ROOD_BUTTON};" in html
    assert f"--pdf-heading: {ROOD_HEADING};" in html
    assert DEFAULT_BUTTON not in html
    assert {ROOD_BUTTON, ROOD_HEADING} <= _page_colours(job)
    assert DEFAULT_BUTTON not in _page_colours(job)
    # The logo (a data: URI from the snapshot) and the name form on the cover.
    assert 'class="cover__logo" src="data:image/png;base64,' in html
    text = pdf_text(job)
    assert "Stad Utrecht" in text
    with job.pdf.open("rb") as fh:
        reader = assert_pdf_ua(fh.read())
    assert reader.metadata.author == "Stad Utrecht"
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages[:3]
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Sans" in name for name in fonts), fonts  # the self-hosted fonts
    assert any("Noto-Serif-Bold" in name for name in fonts), fonts


def test_without_a_theme_it_is_the_default_theme(
    municipality, officer, django_capture_on_commit_callbacks, monkeypatch
):
    seen = _spy_stylesheets(monkeypatch)
    job = _gemeentefoto(municipality, officer, django_capture_on_commit_callbacks)
    assert f"--pdf-accent: {DEFAULT_BUTTON};" in seen[-1]
    assert ROOD_BUTTON not in seen[-1] and "cover__logo" not in seen[-1]
    assert DEFAULT_BUTTON in _page_colours(job)
    assert "Gemeente Utrecht" in pdf_text(job)
    assert job.snapshot["theme"]["token_set"] == "voorbeeld"


def test_a_version_keeps_its_look_when_the_theme_changes_later(
    municipality, officer, django_capture_on_commit_callbacks
):
    theme_update(municipality=municipality, token_set="rood", logo_file=svg())
    job = _gemeentefoto(municipality, officer, django_capture_on_commit_callbacks)
    assert job.snapshot["theme"]["colours"]["accent"] == ROOD_BUTTON
    assert job.snapshot["theme"]["logo"]["src"].startswith("data:image/svg+xml;base64,")
    theme_update(municipality=municipality, token_set="groen", remove_logo=True)
    # Rendered again from its snapshot (as the dossier does, PDF/A): still rood, still the logo.
    html = rendering.render_document_html(job.snapshot)
    assert f"--pdf-accent: {ROOD_BUTTON};" in html and "cover__logo" in html
    archival = assert_pdf_a2(rendering.render_pdf(job.snapshot, archival=True))
    assert ROOD_BUTTON in _colours_of(archival.pages[0])
    # The next build takes the current theme.
    again = build(
        municipality, "gemeentefoto", officer, job.cycle, django_capture_on_commit_callbacks
    )
    assert again.status == ReportJob.Status.DONE and again.version == job.version + 1
    assert again.snapshot["theme"]["token_set"] == "groen"
    assert again.snapshot["theme"]["logo"] is None


def test_a_snapshot_value_is_checked_again_before_it_reaches_the_stylesheet(municipality):
    theme = document_theme(municipality)
    theme["colours"]["accent"] = "red; } body { display: none"
    theme["fonts"]["text"] = "evil</style>"
    theme["logo"] = {"kind": "png", "src": "https://evil.example/logo.png"}
    snapshot = {"kind": "gemeentefoto", "municipality": {"name": "Utrecht"}, "theme": theme}
    checked = rendering.document_theme_of(snapshot)
    assert checked["colours"]["accent"] == DEFAULT_BUTTON
    assert checked["fonts"]["text"].startswith('"Noto Sans"')
    assert checked["logo"] is None


def test_a_snapshot_from_before_themes_gets_the_default_theme():
    checked = rendering.document_theme_of({"municipality": {"name": "Zwolle"}})
    assert checked["colours"]["accent"] == DEFAULT_BUTTON
    assert checked["name_form"] == "Gemeente Zwolle" and checked["logo"] is None


def test_a_large_raster_logo_is_scaled_down_for_the_snapshot(municipality):
    theme_update(municipality=municipality, logo_file=png(size=(3000, 600)))
    logo = document_theme(municipality)["logo"]
    import base64

    from PIL import Image

    data = base64.b64decode(logo["src"].split(",", 1)[1])
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1200, 240)
