"""Render a snapshot to HTML (Django templates) and to a tagged PDF (WeasyPrint): PDF/UA, or
PDF/A-2u for the archive.

The same body templates serve the browser view and the PDF, so both always show the same thing.
WeasyPrint is imported inside ``render_pdf`` only: it is heavy, and only workers need it.
Resources are read from disk through ``LocalFetcher``; the PDF build never touches the network.
"""

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.translation import override

from reports.charts import charts_for

# WeasyPrint logs every layout step at INFO; only its warnings are worth a log line.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# Relative URLs in the document template resolve against this base; LocalFetcher maps the
# STATIC_URL part of the path to files on disk.
BASE_URL = "file:///"


def document_context(snapshot: dict) -> dict:
    return {"s": snapshot, "charts": charts_for(snapshot), "kind": snapshot.get("kind")}


def body_template(snapshot: dict) -> str:
    return f"reports/document/{snapshot['kind']}_body.html"


def render_document_html(snapshot: dict) -> str:
    """The standalone HTML document the PDF is made from (cover, contents, body)."""
    with override("nl"):
        context = document_context(snapshot)
        context["body_template"] = body_template(snapshot)
        return render_to_string("reports/document/document.html", context)


def static_path(url_path: str) -> Path | None:
    """A file path on disk for ``/static/<name>``, found like ``collectstatic`` would."""
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not url_path.startswith(prefix):
        return None
    name = url_path[len(prefix) :]
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:
        return None
    return collected if collected.is_file() else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFetcher(URLFetcher):
        """Serve data: URIs and our own static files; refuse everything else (no network)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = static_path(unquote(parts.path))
                if path is not None:
                    media = "text/css" if path.suffix == ".css" else None
                    return URLFetcherResponse(
                        url,
                        body=path.read_bytes(),
                        headers={"Content-Type": media} if media else None,
                    )
            raise ValueError(f"Report resource refused (only static files are allowed): {url}")

    return LocalFetcher


# The PDF variants ``render_pdf`` makes: PDF/UA-1 for reading (the default), and for the archive
# (the dossier) PDF/A-2u, tagged as well: WeasyPrint's PDF/A-2 "u" level (all text as Unicode,
# embedded fonts, an sRGB output intent, XMP ``pdfaid:part 2``) plus its structure tags.
PDF_UA = "pdf/ua-1"
PDF_A = "pdf/a-2u"


def render_pdf(snapshot: dict, *, archival: bool = False) -> bytes:
    """A tagged PDF with title, author and language from the document's <head>: PDF/UA-1, or
    with ``archival=True`` PDF/A-2u (tagged) for the dossier."""
    from weasyprint import HTML  # lazy: heavy, and only the worker renders

    html = render_document_html(snapshot)
    fetcher = _fetcher_class()(allowed_protocols={"file", "data"}, timeout=2)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    if archival:
        return document.write_pdf(pdf_variant=PDF_A, pdf_tags=True, optimize_images=True)
    return document.write_pdf(pdf_variant=PDF_UA, optimize_images=True)
