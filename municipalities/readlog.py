"""The read log (leeslog): who viewed which sensitive data of which municipality, and when.

Privacy law lets schools and staff ask who looked at their data; the audit trail only records
writes. A view that shows sensitive data (a school analysis and its attachments, the final
accounting, every export, PDF and dossier download, the team page) is decorated with
``read_logged``, just inside its method decorator::

    @require_GET
    @read_logged(ReadLogEntry.Kind.ANALYSIS)
    @tenant_view(roles=...)
    def detail(request, municipality, analysis_pk):
        analysis = ...
        read_subject(request, subject=analysis.school.name, school_id=analysis.school_id)

After the view answered a full-page GET with 200 (a page or a download) it writes one row per
municipality whose data the response showed, in one INSERT: ``request.municipality`` (set by
``tenant_view``), or the municipalities a view spanning several names with
``read_subject(request, municipality_ids=...)``. An htmx partial, a HEAD, a refused or failed
request writes nothing. The subject defaults to the downloaded file's name.

Sensitive pages are never served from the page cache: ``read_logged`` marks the request before
``cached_tenant_page``/``cached_page`` look at it, and they neither serve nor keep a marked
request (``municipalities.pagecache``). Because the row is written outside those decorators,
a cached page could never skip it either.

Kept ``READ_LOG_DAYS`` days; ``municipalities.tasks.purge_read_log`` (beat) removes older rows.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from core.text import neutralise
from municipalities.models import Municipality, ReadLogEntry

MAX_SUBJECT = ReadLogEntry._meta.get_field("subject").max_length
MAX_PATH = ReadLogEntry._meta.get_field("path").max_length


@dataclass
class ReadNote:
    """What the view tells the log about the read (set on ``request.read_log``)."""

    kind: str
    subject: str = ""
    school_id: int | None = None
    municipality_ids: list[int] | None = None


def _htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def is_logged(request: HttpRequest) -> bool:
    """This request reads sensitive data (the page cache neither serves nor keeps it)."""
    return getattr(request, "read_log", None) is not None


def read_subject(
    request: HttpRequest,
    *,
    subject: str = "",
    school_id: int | None = None,
    municipality_ids: Iterable[int] | None = None,
) -> None:
    """Name what the view shows (a school, a document); no-op outside a logged request."""
    note = getattr(request, "read_log", None)
    if note is None:
        return
    if subject:
        note.subject = subject
    if school_id is not None:
        note.school_id = school_id
    if municipality_ids is not None:
        note.municipality_ids = sorted(set(municipality_ids))


def _municipality_ids(request: HttpRequest, note: ReadNote, slug: str | None) -> list[int]:
    if note.municipality_ids is not None:
        return note.municipality_ids
    municipality = getattr(request, "municipality", None)
    if municipality is not None:
        return [municipality.pk]
    if slug:
        # Not reached by our views (tenant_view sets request.municipality), but a response that
        # came from elsewhere (a cache) is logged all the same.
        return list(Municipality.objects.filter(slug=slug).values_list("pk", flat=True))
    return []


def read_log_write(
    *, request: HttpRequest, note: ReadNote, response: HttpResponse, slug: str | None = None
) -> list[ReadLogEntry]:
    """One row per municipality the response showed, in one INSERT."""
    user = request.user
    if not user.is_authenticated:
        return []
    # A download names its file (core.downloads.private_download keeps the name it sends).
    subject = (note.subject or getattr(response, "download_name", ""))[:MAX_SUBJECT]
    now = timezone.now()
    path = request.get_full_path()[:MAX_PATH]
    rows = [
        ReadLogEntry(
            municipality_id=pk,
            user=user,
            viewer_email=user.email,
            at=now,
            kind=note.kind,
            subject=subject,
            school_id=note.school_id,
            path=path,
        )
        for pk in _municipality_ids(request, note, slug)
    ]
    if rows:
        ReadLogEntry.objects.bulk_create(rows)
    return rows


def read_logged(kind: str) -> Callable:
    """Log every full-page GET of the decorated view that answers 200 (see the module)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "GET" or _htmx_partial(request):
                return view(request, *args, **kwargs)
            note = ReadNote(kind=kind)
            request.read_log = note
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                read_log_write(
                    request=request,
                    note=note,
                    response=response,
                    slug=kwargs.get("municipality_slug"),
                )
            return response

        wrapper.read_log_kind = kind  # the tests find every logged page by it
        return wrapper

    return decorator


def read_log_purge(*, now=None) -> int:
    """Remove the rows older than ``READ_LOG_DAYS`` days; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.READ_LOG_DAYS)
    deleted, _ = ReadLogEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


CSV_HEADERS = ("Tijdstip", "Lezer", "Soort", "Onderwerp", "Adres")


def read_log_csv(entries) -> bytes:
    """The rows as CSV for a privacy request: semicolon-separated, UTF-8 with BOM (what Dutch
    Excel opens), times in Europe/Amsterdam, every text cell neutralised (core.text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    labels = dict(ReadLogEntry.Kind.choices)
    rows = entries.values_list("at", "viewer_email", "kind", "subject", "path")
    for at, email, kind, subject, path in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(at).strftime("%d-%m-%Y %H:%M:%S"),
                neutralise(email),
                neutralise(str(labels.get(kind, kind))),
                neutralise(subject),
                neutralise(path),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
