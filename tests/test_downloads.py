"""Every download (files, exports, PDFs) answers through core.downloads.private_download.

One parametrised test requests each download URL as a member who may read it and checks the three
headers of the one helper: a safe ``Content-Disposition`` (ASCII name plus RFC 5987 name),
``X-Content-Type-Options: nosniff`` and ``Cache-Control: private, no-store``.

The list is checked against the URL resolver: a view whose code calls ``private_download`` but has
no case here fails ``test_every_download_view_is_covered``, and
``test_no_download_is_built_by_hand`` fails when a view builds a download response itself.
"""

import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budgets.exports import DATASETS
from municipalities.models import Role
from reports.models import FILE_FORMATS
from tests.analyses.factories import SchoolAnalysisFactory, attachment_for, open_cycle, pdf_bytes
from tests.budgets.factories import AllocationFactory, BeschikkingFactory
from tests.cycles.factories import CycleFactory, SessionFactory
from tests.portfolio.factories import advisor_with
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db
PDF = pdf_bytes()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _analysis_attachment(municipality):
    cycle = open_cycle(municipality)
    analysis = SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle)
    attachment = attachment_for(analysis, name="Schoolanalyse één.pdf")
    kwargs = {"analysis_pk": analysis.pk, "analysis_attachment_pk": attachment.pk}
    return kwargs, "Schoolanalyse één.pdf", "application/pdf"


def _intake_template(municipality):
    open_cycle(municipality)
    return {}, "schoolanalyses-utrecht-GM0344.xlsx", XLSX


def _session_attachment(municipality):
    from cycles.models import Phase, SessionAttachment

    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    session = SessionFactory(cycle=cycle, municipality=municipality)
    attachment = SessionAttachment(municipality=municipality, session=session, name="notulen.pdf")
    attachment.file.save("bijlage.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return {"cycle_pk": cycle.pk, "attachment_pk": attachment.pk}, "notulen.pdf", "application/pdf"


def _allocation_letter(municipality):
    allocation = AllocationFactory(municipality=municipality, letter_name="Beschikking NPO.pdf")
    allocation.letter.save("beschikking.pdf", ContentFile(PDF))
    return {"allocation_pk": allocation.pk}, "Beschikking NPO.pdf", "application/pdf"


def _beschikking_letter(municipality):
    beschikking = BeschikkingFactory(municipality=municipality, letter_name="Vaststelling NPO.pdf")
    beschikking.letter.save("beschikking.pdf", ContentFile(PDF))
    return {"beschikking_pk": beschikking.pk}, "Vaststelling NPO.pdf", "application/pdf"


def _export_xlsx(municipality):
    return {}, re.compile(r"budget-utrecht-verantwoording-\d{8}\.xlsx"), XLSX


def _export_csv(dataset):
    def case(municipality):
        name = re.compile(rf"budget-utrecht-{dataset}-\d{{8}}\.csv")
        return {"dataset": dataset}, name, "text/csv; charset=utf-8"

    return case


def _report_pdf(municipality):
    from reports.models import ReportJob

    job = ReportJobFactory(municipality=municipality, status=ReportJob.Status.DONE, version=3)
    job.pdf.save(job.filename, ContentFile(PDF))
    return {"report_pk": job.pk}, "gemeentefoto-utrecht-v3.pdf", "application/pdf"


def _closeout_file(fmt, content_type):
    def case(municipality):
        from reports.models import ReportJob
        from tests.budgets.factories import stream

        job = ReportJobFactory(
            municipality=municipality,
            kind=ReportJob.Kind.SISA if fmt != "pdf" else ReportJob.Kind.FINAL_ACCOUNTING,
            stream=stream(),
            status=ReportJob.Status.DONE,
            version=2,
        )
        if fmt == "pdf":
            job.pdf.save("eindverantwoording.pdf", ContentFile(PDF))
        else:
            from django.core.files.storage import default_storage

            name = default_storage.save(f"sisa.{fmt}", ContentFile(b"x"))
            job.files = {fmt: {"name": name, "size": 1}}
            job.save(update_fields=["files"])
        filename = f"{job.kind}-utrecht-npo-gemeenten-v2.{fmt}"
        return {"report_pk": job.pk, "fmt": fmt}, filename, content_type

    return case


def _dossier(municipality):
    from django.core.files.storage import default_storage

    from reports.models import ReportJob
    from tests.budgets.factories import stream

    name = default_storage.save("dossier.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
    job = ReportJobFactory(
        municipality=municipality,
        kind=ReportJob.Kind.DOSSIER,
        stream=stream(),
        status=ReportJob.Status.DONE,
        version=4,
        options={"audience": "archief", "attachments": False},
        files={"zip": {"name": name, "size": 22}},
    )
    return {"report_pk": job.pk}, "dossier-utrecht-npo-gemeenten-v4.zip", "application/zip"


def _read_log_csv(municipality):
    name = re.compile(r"leeslog-utrecht-\d{4}-\d{2}-\d{2}\.csv")
    return {}, name, "text/csv; charset=utf-8"


def _theme_logo(kind):
    def case(municipality):
        from tests.theming.files import png, svg
        from theming.services import theme_update

        logo = png() if kind == "png" else svg()
        theme_update(municipality=municipality, token_set="rood", logo_file=logo)
        content_type = "image/png" if kind == "png" else "image/svg+xml"
        return {}, f"logo-utrecht.{kind}", content_type

    return case


# Shown in the page rather than saved: ``inline`` instead of ``attachment``.
INLINE = {"theming:logo[png]", "theming:logo[svg]"}

# URL name -> builds the object to download for ``municipality`` and returns
# (URL kwargs besides the slug, the expected file name, the expected content type).
TENANT_DOWNLOADS = {
    "analyses:attachment_download": _analysis_attachment,
    "analyses:intake_template": _intake_template,
    "cycles:attachment_download": _session_attachment,
    "budgets:allocation_letter": _allocation_letter,
    "budgets:beschikking_letter": _beschikking_letter,
    "budgets:export_xlsx": _export_xlsx,
    **{f"budgets:export_csv[{d}]": _export_csv(d) for d in DATASETS},
    "reports:pdf": _report_pdf,
    **{
        f"reports:closeout_file[{fmt}]": _closeout_file(fmt, content_type)
        for fmt, content_type in FILE_FORMATS.items()
    },
    "municipalities:read_log_csv": _read_log_csv,
    "reports:closeout_dossier": _dossier,
    "theming:logo[png]": _theme_logo("png"),
    "theming:logo[svg]": _theme_logo("svg"),
}
OTHER_DOWNLOADS = ["portfolio:export"]


def _filename_of(disposition: str, disposition_type: str = "attachment") -> str:
    from urllib.parse import unquote

    match = re.fullmatch(
        disposition_type + r'; filename="([^"\\]*)"; filename\*=utf-8\'\'(\S+)', disposition
    )
    assert match, disposition
    assert match.group(1).isascii()
    return unquote(match.group(2))


def _assert_private_download(response, filename, content_type, *, inline=False):
    assert response.status_code == 200
    name = _filename_of(response["Content-Disposition"], "inline" if inline else "attachment")
    if isinstance(filename, re.Pattern):
        assert filename.fullmatch(name), name
    else:
        assert name == filename
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


@pytest.mark.parametrize("case", sorted(TENANT_DOWNLOADS))
def test_tenant_download_has_the_three_headers(
    case, client, municipality, member_factory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    kwargs, filename, content_type = TENANT_DOWNLOADS[case](municipality)
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    url_name = case.split("[")[0]
    url = reverse(url_name, kwargs={"municipality_slug": municipality.slug, **kwargs})
    response = client.get(url)
    _assert_private_download(response, filename, content_type, inline=case in INLINE)
    if content_type == "image/svg+xml":
        # Opened on its own, an SVG runs in a sandbox, on top of the site's policy.
        policy = [d.strip() for d in response["Content-Security-Policy"].split(";")]
        assert "sandbox" in policy and "default-src 'self'" in policy


def test_portfolio_export_has_the_three_headers(client):
    advisor, _municipalities = advisor_with(2)
    client.force_login(advisor)
    response = client.get(reverse("portfolio:export"))
    _assert_private_download(response, re.compile(r"portfolio-\d{4}-\d{2}-\d{2}\.xlsx"), XLSX)


def _patterns(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_download_view_is_covered():
    covered = {name.split("[")[0] for name in TENANT_DOWNLOADS} | set(OTHER_DOWNLOADS)
    downloads = set()
    for name, callback in _patterns():
        view = inspect.unwrap(callback)
        # The names the view's own code calls (its bytecode, not the file on disk).
        if "private_download" in view.__code__.co_names:
            downloads.add(name)
    assert downloads == covered


def test_no_download_is_built_by_hand():
    """Only core/downloads.py builds a download response; every view calls it."""
    base = Path(settings.BASE_DIR)
    handmade = re.compile(r"FileResponse|Content-Disposition|as_attachment|attachment;")
    offenders = []
    apps = [d for d in base.iterdir() if d.is_dir() and not d.name.startswith((".", "_"))]
    for path in (
        p for app in apps if app.name not in {"tests", "bench", "core"} for p in app.rglob("*.py")
    ):
        if handmade.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(base)))
    assert len(apps) > 8
    assert offenders == []
