"""Render a snapshot to HTML (Django templates) and to a tagged PDF (WeasyPrint): PDF/UA, or
PDF/A-2u for the archive.

The same body templates serve the browser view and the PDF, so both always show the same thing.
WeasyPrint is imported inside ``render_pdf`` only: it is heavy, and only workers need it.
Resources are read from disk through ``LocalFetcher``; the PDF build never touches the network.

The municipality's house style comes from the snapshot (``s.theme``, written by
``theming.documents.document_theme`` when the report was built): resolved colours and font
stacks as custom properties in a ``<style>`` of the document, its logo and name form on the cover
or letterhead. A version keeps its look when the theme changes later; a new build takes the
current theme.

The stylesheets (``STYLESHEETS``: our fonts, print.css; council.css for the letter) are parsed
once per process together with one WeasyPrint ``FontConfiguration`` that has loaded the fonts
(``_prepared``), and reused by every render; ``warm_up`` (run when a worker child starts,
npo_platform.celery) does that and renders a tiny document, so the first report of a fresh child
pays no more than the second. Renders in one process take turns (``_render_lock``): the shared
font configuration is not made for two threads at once.
"""

import atexit
import gc
import logging
import threading
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


# The stylesheets of every PDF (fonts first), and the one the letter adds; static file names.
STYLESHEETS = ("reports/fonts.css", "reports/print.css")
LETTER_STYLESHEET = "reports/council.css"


def document_theme_of(snapshot: dict) -> dict:
    """The snapshot's house style, checked again (theming.documents.checked_document_theme)."""
    from theming.documents import checked_document_theme

    name = (snapshot.get("municipality") or {}).get("name", "")
    return checked_document_theme(snapshot.get("theme"), name=name)


def document_context(snapshot: dict) -> dict:
    return {
        "s": snapshot,
        "charts": charts_for(snapshot),
        "kind": snapshot.get("kind"),
        "theme": document_theme_of(snapshot),
    }


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


_render_lock = threading.Lock()
_prepared_styles: tuple | None = None


_local_fetcher = None


def _fetcher():
    """The process's ``LocalFetcher``, made once: making one costs about 20 ms (WeasyPrint's
    ``URLFetcher`` loads the system's certificate store for an SSL context), as much as half a
    trivial one-page render. Used under ``_render_lock`` only."""
    global _local_fetcher
    if _local_fetcher is None:
        _local_fetcher = _fetcher_class()(allowed_protocols={"file", "data"}, timeout=2)
    return _local_fetcher


def static_file_url(name: str) -> str:
    """``file:///static/<name>``: what ``{% static %}`` gives, against ``BASE_URL``."""
    return BASE_URL + settings.STATIC_URL.strip("/") + "/" + name


def _prepared():
    """(FontConfiguration, {name: CSS}) of this process, made on first use."""
    global _prepared_styles
    if _prepared_styles is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        fetcher = _fetcher()
        sheets = {
            name: CSS(url=static_file_url(name), url_fetcher=fetcher, font_config=font_config)
            for name in (*STYLESHEETS, LETTER_STYLESHEET)
        }
        _prepared_styles = (font_config, sheets)
        atexit.register(_forget_prepared)
    return _prepared_styles


def _forget_prepared() -> None:
    """Drop the font configuration while the interpreter can still clean it up (its temporary
    font folder); at the very end of a process its ``__del__`` finds its modules gone."""
    global _prepared_styles
    _prepared_styles = None


def stylesheet_names(snapshot: dict) -> list[str]:
    names = list(STYLESHEETS)
    if snapshot.get("kind") == "raadsinformatiebrief":
        names.append(LETTER_STYLESHEET)
    return names


def render_pdf(snapshot: dict, *, archival: bool = False) -> bytes:
    """A tagged PDF with title, author and language from the document's <head>: PDF/UA-1, or
    with ``archival=True`` PDF/A-2u (tagged) for the dossier."""
    from weasyprint import HTML  # lazy: heavy, and only the worker renders

    html = render_document_html(snapshot)
    with _render_lock:
        font_config, sheets = _prepared()
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
        options = {
            "stylesheets": [sheets[name] for name in stylesheet_names(snapshot)],
            "font_config": font_config,
            "optimize_images": True,
        }
        if archival:
            return document.write_pdf(pdf_variant=PDF_A, pdf_tags=True, **options)
        return document.write_pdf(pdf_variant=PDF_UA, **options)


# A few figures for the warm-up's charts, one of each kind the gemeentefoto and plan draw.
_WARM_UP_SNAPSHOT = {
    "profile": {
        "years": [{"year": 2023, "pupils": 10}, {"year": 2024, "pupils": 12}],
        "sectors": [{"label": "Basisonderwijs", "pupils": 12}],
        "weights": {"available": True, "bands": [{"label": "laag", "schools": 1}]},
    },
    "budget": {"available": True, "categories": [{"label": "Lezen", "planned": "1000.00"}]},
}


def warm_up(*, charts: bool = True) -> None:
    """What the first render of a process pays, paid now: WeasyPrint's imports, Pango and
    fontconfig, the parsed stylesheets with their fonts loaded (``_prepared``), the snapshot and
    chart modules, the document templates, and a tiny render (with one chart of each kind when
    ``charts``); then everything the process holds is frozen for the garbage collector. Run by
    the Celery worker's main process before it forks its children, and lighter
    (``charts=False``) in each child (npo_platform.celery)."""
    from weasyprint import HTML

    import reports.snapshot.closeout  # noqa: F401 - the lazy imports of report_collect
    import reports.snapshot.council  # noqa: F401
    import reports.snapshot.gemeentefoto  # noqa: F401
    import reports.snapshot.plan  # noqa: F401

    drawn = list(charts_for(_WARM_UP_SNAPSHOT).values()) if charts else []
    with override("nl"):
        html = render_to_string(
            "reports/document/warm_up.html", {"theme": document_theme_of({}), "charts": drawn}
        )
    with _render_lock:
        font_config, sheets = _prepared()
        HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(
            stylesheets=[sheets[name] for name in (*STYLESHEETS, LETTER_STYLESHEET)],
            font_config=font_config,
            pdf_variant=PDF_UA,
            optimize_images=True,
        )
    # What the process holds now (Django, WeasyPrint, the prepared stylesheets and fonts: some
    # 250,000 objects) lives as long as the process: out of the cyclic garbage collector's sight,
    # its full collections during a report no longer walk all of it (about 0.2 s CPU of a
    # gemeentefoto), and a forked child shares these pages instead of copying them when the
    # collector would touch them.
    gc.freeze()
