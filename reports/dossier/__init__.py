"""The dossier: one ZIP of a municipality and a funding stream's window, for its accountant or its
archive.

What goes in, in numbered folders (``CONTENTS`` below): every plan and gemeentefoto version, the
council evaluations and the goal outcomes, the final accounting outputs (the PDF, the SiSa files,
the definitief snapshot with its SHA-256), the budget exports, the beschikkingen, the stream's
audit trail (names and roles, never addresses or browsers) and, for the archive only, the school
analyses' summaries (and, when asked, the schools' own attachments). Every PDF is re-rendered from
the version's frozen snapshot as PDF/A-2u, tagged (``reports.rendering.render_pdf(archival=True)``).
``manifest.json`` names every file with its SHA-256, size, source and date; ``SHA256SUMS`` lets
``sha256sum -c`` check them; ``LEESMIJ.txt`` says what this is.

The ZIP is written streaming to a file object: each entry goes into the archive chunk by chunk
(stored files in ``CHUNK`` pieces, CSVs row by row, versions one at a time), so memory stays the
size of the largest single generated document, not of the dossier. Used by the report job
(``reports.services.report_build``, stored in ``ReportJob.files["zip"]``) and by
``manage.py export_dossier``.

The package: ``options`` (for whom), ``writer`` (the streaming ZIP and its manifest entries),
``contents`` (what goes in, folder by folder) and this module (the whole build, the closing
files, and the report job's side).
"""

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from municipalities.models import Municipality
from reports.dossier.contents import CONTENTS, Dossier, ProgressCallback, attachments_step
from reports.dossier.options import (
    AUDIENCE_ACCOUNTANT,
    AUDIENCE_ARCHIVE,
    AUDIENCES,
    audience_display,
    dossier_options,
)
from reports.dossier.writer import DossierWriter, iso_moment, sha256_of
from reports.models import ReportJob
from reports.snapshot.common import date_display, snapshot_base


def dossier_title(municipality: Municipality, stream, options: dict) -> str:
    return _("Dossier %(stream)s, gemeente %(name)s (%(audience)s)") % {
        "stream": stream.name,
        "name": municipality.name,
        "audience": audience_display(options),
    }


@dataclass(frozen=True)
class DossierResult:
    files: int
    content_size: int
    manifest: list[dict]


def dossier_write(
    fileobj,
    *,
    municipality: Municipality,
    stream,
    options: dict,
    made_by: str,
    made_at: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> DossierResult:
    """Write the dossier as a ZIP into ``fileobj`` (a writable, seekable binary file)."""
    options = dossier_options(
        audience=options.get("audience", AUDIENCE_ARCHIVE),
        attachments=options.get("attachments", False),
    )
    progress = progress or (lambda _percent, _label: None)
    made_at = made_at or timezone.now()
    writer = DossierWriter(fileobj, made_at=made_at)
    d = Dossier(
        municipality=municipality,
        stream=stream,
        options=options,
        made_at=made_at,
        made_by=made_by,
        writer=writer,
        progress=progress,
    )
    try:
        with override("nl"):
            for percent, label, step, for_accountant in CONTENTS:
                if d.for_accountant and not for_accountant:
                    continue
                progress(percent, str(label))
                step(d)
            if d.with_attachments:
                progress(90, _("Bijlagen van scholen"))
                attachments_step(d)
            progress(95, _("Manifest en leesmij"))
            _closing_files(d)
    finally:
        writer.close()
    return DossierResult(
        files=len(writer.entries),
        content_size=sum(e["size"] for e in writer.entries),
        manifest=writer.entries,
    )


def _closing_files(d: Dossier) -> None:
    entries = list(d.writer.entries)
    window = _("%(start)s tot en met %(end)s") % {
        "start": date_display(d.stream.window_start) or _("(geen begin)"),
        "end": date_display(d.stream.window_end) or _("(geen einde)"),
    }
    made = date_format(timezone.localtime(d.made_at), "j F Y, H:i")
    manifest = {
        "dossier": dossier_title(d.municipality, d.stream, d.options),
        "gemeente": {"naam": d.municipality.name, "cbs_code": d.municipality.cbs_code},
        "geldstroom": {
            "code": d.stream.code,
            "naam": d.stream.name,
            "termijn_van": iso_moment(d.stream.window_start),
            "termijn_tot_en_met": iso_moment(d.stream.window_end),
        },
        "voor": d.options["audience"],
        "bijlagen_scholen": d.with_attachments,
        "gemaakt_op": iso_moment(d.made_at),
        "gemaakt_door": d.made_by,
        "algoritme": "SHA-256",
        "opmerkingen": d.notes,
        "bestanden": entries,
    }
    d.writer.add_bytes(
        "manifest.json",
        json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
        source="",
        moment=d.made_at,
        listed=False,
    )
    sums = "".join(f"{e['sha256']}  {e['path']}\n" for e in entries)
    d.writer.add_bytes("SHA256SUMS", sums.encode(), source="", moment=d.made_at, listed=False)
    text = render_to_string(
        "reports/dossier/leesmij.txt",
        {
            "municipality": d.municipality,
            "stream": d.stream,
            "window": window,
            "for_accountant": d.for_accountant,
            "with_attachments": d.with_attachments,
            "made": made,
            "made_by": d.made_by,
            "files": len(entries),
            "notes": d.notes,
        },
    )
    d.writer.add_bytes(
        "LEESMIJ.txt",
        text.replace("\n", "\r\n").encode(),
        source="",
        moment=d.made_at,
        listed=False,
    )


# --- The report job -----------------------------------------------------------------------------


def dossier_collect(job: ReportJob, progress: ProgressCallback) -> dict:
    """The dossier job's snapshot: what was asked (the ZIP itself is built by ``dossier_store``)."""
    progress(5, _("Dossier voorbereiden"))
    options = dossier_options(
        audience=(job.options or {}).get("audience", AUDIENCE_ARCHIVE),
        attachments=(job.options or {}).get("attachments", False),
    )
    data = snapshot_base(job, dossier_title(job.municipality, job.stream, options))
    data.update(
        {
            "options": options,
            "audience_display": audience_display(options),
            "stream": {
                "code": job.stream.code,
                "name": job.stream.name,
                "window_start": iso_moment(job.stream.window_start),
                "window_end": iso_moment(job.stream.window_end),
            },
        }
    )
    return data


def dossier_store(*, job: ReportJob, data: dict, progress: ProgressCallback) -> dict:
    """Build the job's ZIP in a temporary file and store it privately; returns the
    ``files["zip"]`` entry (and records the figures in ``data["dossier"]``)."""
    made_by = str(job.requested_by) if job.requested_by else _("onbekend")
    with tempfile.TemporaryFile() as tmp:
        result = dossier_write(
            tmp,
            municipality=job.municipality,
            stream=job.stream,
            options=data["options"],
            made_by=made_by,
            progress=progress,
        )
        size = tmp.tell()
        digest = sha256_of(tmp)
        progress(98, _("Opslaan"))
        field_ = ReportJob._meta.get_field("pdf")
        name = default_storage.save(
            field_.generate_filename(job, job.filename_for("zip")), File(tmp)
        )
    data["dossier"] = {"files": result.files, "size": size, "sha256": digest}
    return {"name": name, "size": size, "sha256": digest}


__all__ = [
    "AUDIENCES",
    "AUDIENCE_ACCOUNTANT",
    "AUDIENCE_ARCHIVE",
    "DossierResult",
    "audience_display",
    "dossier_collect",
    "dossier_options",
    "dossier_store",
    "dossier_write",
    "sha256_of",
]
