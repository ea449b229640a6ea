"""What the sections and the whole snapshots share: the "not available" shape, dates, the head."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.formats import date_format

from theming.documents import document_theme

SNAPSHOT_SCHEMA = 1

ProgressCallback = Callable[[int, str], None]


def unavailable(reason: str) -> dict:
    return {"available": False, "missing": reason}


def date_display(value) -> str:
    return date_format(value, "j F Y") if value else ""


def cycle_period(cycle) -> str:
    if cycle is None:
        return ""
    start, end = cycle.start_date.year, cycle.end_date.year
    return str(start) if start == end else f"{start}–{end}"


def snapshot_base(job, title: str) -> dict:
    now = timezone.now()
    municipality = job.municipality
    cycle = job.cycle
    return {
        "schema": SNAPSHOT_SCHEMA,
        "kind": job.kind,
        "title": title,
        "version": job.version,
        "generated_at": now.isoformat(),
        "generated_at_display": date_format(timezone.localtime(now), "j F Y, H:i"),
        "requested_by": str(job.requested_by) if job.requested_by else "",
        "municipality": {
            "name": municipality.name,
            "cbs_code": municipality.cbs_code,
            "province": municipality.province,
            "slug": municipality.slug,
        },
        # The house style the PDF is built with, kept so a version keeps its look.
        "theme": document_theme(municipality),
        "cycle": {
            "title": cycle.title,
            "period": cycle_period(cycle),
            "start": date_display(cycle.start_date),
            "end": date_display(cycle.end_date),
            "phase": cycle.get_phase_display(),
        }
        if cycle
        else None,
    }
