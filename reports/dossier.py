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
"""

import csv
import hashlib
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.text import neutralise
from municipalities.models import Municipality
from reports.models import ReportJob
from reports.snapshot.common import cycle_period, date_display, snapshot_base

logger = logging.getLogger(__name__)

AUDIENCE_ARCHIVE = "archief"
AUDIENCE_ACCOUNTANT = "accountant"
AUDIENCES = (AUDIENCE_ARCHIVE, AUDIENCE_ACCOUNTANT)
# Stored files are copied into the ZIP in pieces of this size: the only buffer they need.
CHUNK = 64 * 1024
ProgressCallback = Callable[[int, str], None]


def dossier_options(*, audience: str, attachments: bool = False) -> dict:
    """The job options of a dossier: for the accountant never the schools' attachments."""
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown dossier audience {audience!r}")
    return {
        "audience": audience,
        "attachments": bool(attachments) and audience == AUDIENCE_ARCHIVE,
    }


def audience_display(options: dict) -> str:
    if (options or {}).get("audience") == AUDIENCE_ACCOUNTANT:
        return _("voor de accountant")
    if (options or {}).get("attachments"):
        return _("voor het archief, met bijlagen van scholen")
    return _("voor het archief")


# --- Writing entries ----------------------------------------------------------------------------


class _Sink:
    """What a ZIP entry is written through: counts, hashes and passes on (text as UTF-8)."""

    def __init__(self, out) -> None:
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sha256.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)


def _iso(moment) -> str:
    """A manifest date: a date as ``2025-07-31``, a moment in local time to the second."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).replace(microsecond=0).isoformat()
    if isinstance(moment, date):
        return moment.isoformat()
    return str(moment)


def safe_part(text: str, fallback: str = "bestand") -> str:
    """A file or folder name without path tricks: ``Vaststelling 31/548`` -> ``vaststelling-31-548``."""
    return slugify(str(text or "").replace("–", "-"))[:80] or fallback


class DossierWriter:
    """The ZIP being written and its manifest, one entry at a time."""

    def __init__(self, fileobj, *, made_at: datetime) -> None:
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.date_time = timezone.localtime(made_at).timetuple()[:6]
        self.entries: list[dict] = []
        self._paths: set[str] = set()

    def _unique(self, path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = path, ""
        candidate, n = path, 1
        while candidate in self._paths:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        self._paths.add(candidate)
        return candidate

    @contextmanager
    def open(self, path: str, *, source: str, moment, listed: bool = True) -> Iterator[_Sink]:
        """Write one entry through the yielded sink; it lands in the manifest when ``listed``."""
        path = self._unique(path)
        info = zipfile.ZipInfo(path, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with self.zip.open(info, "w", force_zip64=True) as out:
            sink = _Sink(out)
            yield sink
        if listed:
            self.entries.append(
                {
                    "path": path,
                    "sha256": sink.sha256.hexdigest(),
                    "size": sink.size,
                    "source": source,
                    "date": _iso(moment),
                }
            )

    def add_bytes(self, path: str, data: bytes, *, source: str, moment, listed=True) -> None:
        with self.open(path, source=source, moment=moment, listed=listed) as sink:
            sink.write(data)

    def add_stored(self, path: str, name: str, *, source: str, moment) -> bool:
        """Copy a file of private storage in CHUNK pieces; False (and nothing written) when it
        is gone."""
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            logger.warning("Dossier: stored file %s is missing", name)
            return False
        with handle, self.open(path, source=source, moment=moment) as sink:
            while chunk := handle.read(CHUNK):
                sink.write(chunk)
        return True

    @contextmanager
    def csv(self, path: str, *, source: str, moment, headers: list[str]):
        """A CSV as the platform writes them (semicolons, UTF-8 with BOM, every text cell
        neutralised against formula injection), row by row into the ZIP."""
        with self.open(path, source=source, moment=moment) as sink:
            sink.write("\ufeff")
            writer = csv.writer(sink, delimiter=";", lineterminator="\r\n")
            writer.writerow([neutralise(h) for h in headers])
            yield _NeutralWriter(writer)

    def close(self) -> None:
        self.zip.close()


class _NeutralWriter:
    def __init__(self, writer) -> None:
        self.writer = writer

    def writerow(self, row) -> None:
        self.writer.writerow([neutralise("" if v is None else v) for v in row])


# --- What goes in -------------------------------------------------------------------------------


@dataclass
class Dossier:
    """Everything the content steps need; ``writer`` collects the entries."""

    municipality: Municipality
    stream: object
    options: dict
    made_at: datetime
    made_by: str
    writer: DossierWriter
    progress: ProgressCallback
    notes: list[str] = field(default_factory=list)

    @property
    def for_accountant(self) -> bool:
        return self.options.get("audience") == AUDIENCE_ACCOUNTANT

    @property
    def with_attachments(self) -> bool:
        return not self.for_accountant and bool(self.options.get("attachments"))

    @property
    def window_start(self):
        return self.stream.window_start or date(1900, 1, 1)

    @property
    def window_end(self):
        return self.stream.window_end or date(9999, 12, 31)

    def cycles_q(self, prefix: str = "cycle__") -> Q:
        """Cycles that overlap the stream's window."""
        return Q(**{f"{prefix}start_date__lte": self.window_end}) & Q(
            **{f"{prefix}end_date__gte": self.window_start}
        )


def _number(value) -> str:
    """12.50 -> "12,5", 25.000000 -> "25" (decimal comma, no trailing zeros)."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _pdf_of_job(d: Dossier, job: ReportJob, path: str, what: str) -> None:
    """The job re-rendered as PDF/A-2u from its frozen snapshot; the stored PDF/UA when that
    fails (an old snapshot the templates no longer render)."""
    from reports.rendering import render_pdf

    made = date_display(timezone.localtime(job.finished_at)) if job.finished_at else ""
    try:
        pdf = render_pdf(job.snapshot, archival=True)
    except Exception:
        logger.exception("Dossier: version %s could not be rendered as PDF/A", job.pk)
        pdf = None
    if pdf is not None:
        source = _(
            "%(what)s versie %(version)s (gemaakt op %(made)s), opnieuw opgemaakt als PDF/A-2u "
            "uit de vastgelegde gegevens van die versie"
        ) % {"what": what, "version": job.version, "made": made}
        d.writer.add_bytes(path, pdf, source=source, moment=job.finished_at)
        return
    if job.pdf:
        source = _(
            "%(what)s versie %(version)s (gemaakt op %(made)s): de bewaarde PDF/UA, omdat "
            "opnieuw opmaken als PDF/A niet lukte"
        ) % {"what": what, "version": job.version, "made": made}
        if d.writer.add_stored(path, job.pdf.name, source=source, moment=job.finished_at):
            d.notes.append(_("%(path)s is geen PDF/A maar de bewaarde PDF/UA.") % {"path": path})


def _versions(d: Dossier) -> None:
    """Every plan and gemeentefoto version of a cycle in the window (and every version without
    a cycle made since the window began), oldest first; one query, one snapshot at a time."""
    jobs = (
        ReportJob.objects.for_municipality(d.municipality)
        .done()
        .filter(kind__in=[ReportJob.Kind.PLAN, ReportJob.Kind.GEMEENTEFOTO])
        .filter(d.cycles_q() | Q(cycle__isnull=True, queued_at__date__gte=d.window_start))
        .select_related("cycle")
        .order_by("kind", "queued_at", "pk")
    )
    folders = {ReportJob.Kind.PLAN: "01-plannen", ReportJob.Kind.GEMEENTEFOTO: "02-gemeentefoto"}
    for job in jobs.iterator(chunk_size=2):
        period = cycle_period(job.cycle) if job.cycle else "zonder-cyclus"
        path = f"{folders[job.kind]}/{job.kind}-{safe_part(period)}-v{job.version}.pdf"
        _pdf_of_job(d, job, path, job.get_kind_display())


def _evaluations(d: Dossier) -> None:
    from cycles.models import Goal

    jobs = (
        ReportJob.objects.for_municipality(d.municipality)
        .done()
        .filter(kind=ReportJob.Kind.COUNCIL)
        .filter(d.cycles_q())
        .select_related("cycle")
        .order_by("queued_at", "pk")
    )
    for job in jobs.iterator(chunk_size=2):
        path = f"03-evaluaties/raadsinformatiebrief-{safe_part(cycle_period(job.cycle))}-v{job.version}.pdf"
        _pdf_of_job(d, job, path, job.get_kind_display())
    goals = (
        Goal.objects.for_municipality(d.municipality)
        .filter(d.cycles_q())
        .select_related("cycle", "outcome")
        .order_by("cycle__start_date", "cycle_id", "pk")
    )
    headers = [
        _("Cyclus"),
        _("Doel"),
        _("Indicator"),
        _("Nulmeting"),
        _("Streefwaarde"),
        _("Eenheid"),
        _("Resultaat"),
        _("Toelichting"),
    ]
    source = _("Doelen en doelresultaten (Evaluatie) van de cycli in de termijn, stand %(now)s") % {
        "now": date_display(timezone.localtime(d.made_at))
    }
    with d.writer.csv(
        "03-evaluaties/doelresultaten.csv", source=source, moment=d.made_at, headers=headers
    ) as rows:
        for goal in goals.iterator(chunk_size=500):
            outcome = getattr(goal, "outcome", None)
            rows.writerow(
                [
                    goal.cycle.title,
                    goal.title,
                    goal.indicator,
                    _number(goal.baseline),
                    _number(goal.target_value),
                    goal.unit,
                    outcome.get_result_display() if outcome else _("geen resultaat ingevuld"),
                    outcome.explanation if outcome else "",
                ]
            )


def canonical_json(snapshot: dict) -> bytes:
    """The definitief snapshot as the text its SHA-256 is taken of (closeout.services)."""
    return json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def _final_accounting(d: Dossier) -> None:
    from closeout.selectors import final_accounting_get
    from closeout.services import snapshot_sha256

    latest = (
        ReportJob.objects.for_municipality(d.municipality)
        .done()
        .filter(stream=d.stream)
        .order_by("-version", "-pk")
    )
    pdf_job = latest.filter(kind=ReportJob.Kind.FINAL_ACCOUNTING).first()
    if pdf_job is not None:
        _pdf_of_job(
            d,
            pdf_job,
            f"04-eindverantwoording/eindverantwoording-v{pdf_job.version}.pdf",
            pdf_job.get_kind_display(),
        )
    sisa_job = latest.filter(kind=ReportJob.Kind.SISA).defer("snapshot").first()
    if sisa_job is not None:
        for fmt in ("ods", "xlsx", "csv"):
            stored = (sisa_job.files or {}).get(fmt)
            if not stored:
                continue
            d.writer.add_stored(
                f"04-eindverantwoording/sisa-overzicht-v{sisa_job.version}.{fmt}",
                stored["name"],
                source=_("SiSa-overzicht versie %(version)s, zoals gemaakt op %(made)s")
                % {
                    "version": sisa_job.version,
                    "made": date_display(timezone.localtime(sisa_job.finished_at)),
                },
                moment=sisa_job.finished_at,
            )
    accounting = final_accounting_get(municipality=d.municipality, stream=d.stream)
    if accounting is None or not accounting.snapshot or not accounting.snapshot_sha256:
        d.notes.append(
            _("De eindverantwoording is nog niet definitief: er is geen vastgelegde stand.")
        )
        return
    text = canonical_json(accounting.snapshot)
    recorded = accounting.snapshot_sha256
    if hashlib.sha256(text).hexdigest() != recorded or snapshot_sha256(accounting.snapshot) != (
        recorded
    ):
        d.notes.append(
            _(
                "Let op: de vastgelegde stand geeft niet meer de SHA-256 die bij definitief is "
                "vastgelegd (%(sha)s)."
            )
            % {"sha": recorded}
        )
    source = _(
        "De vastgelegde stand van de eindverantwoording bij definitief (collegebesluit "
        "%(date)s%(reference)s), als canonieke JSON; SHA-256 bij definitief: %(sha)s"
    ) % {
        "date": date_display(accounting.decision_date),
        "reference": f", {accounting.decision_reference}" if accounting.decision_reference else "",
        "sha": recorded,
    }
    name = "04-eindverantwoording/definitieve-stand.json"
    d.writer.add_bytes(
        name, text, source=source, moment=accounting.finalised_at or accounting.decision_date
    )
    d.writer.add_bytes(
        name + ".sha256",
        f"{recorded}  definitieve-stand.json\n".encode(),
        source=_("De SHA-256 die bij definitief is vastgelegd (controle: sha256sum -c)"),
        moment=accounting.finalised_at or accounting.decision_date,
    )


def _exports(d: Dossier) -> None:
    """The budget exports of budgets.exports (the same files as the export buttons)."""
    from budgets import exports

    datasets = exports.all_datasets(municipality=d.municipality)
    source = datasets[0].source if datasets else ""
    d.writer.add_bytes(
        "05-exports/budget-verantwoording.xlsx",
        exports.to_xlsx(datasets),
        source=_("Export budget en verantwoording, alle geldstromen van de gemeente. %(source)s")
        % {"source": source},
        moment=d.made_at,
    )
    for dataset in datasets:
        d.writer.add_bytes(
            f"05-exports/{dataset.slug}.csv",
            exports.to_csv(dataset),
            source=_("Export %(title)s (CSV), alle geldstromen van de gemeente. %(source)s")
            % {"title": dataset.title, "source": dataset.source},
            moment=d.made_at,
        )


def _money(value) -> str:
    from core.money import format_money

    return "" if value is None else format_money(value, symbol=False, grouping=False)


def _beschikkingen(d: Dossier) -> None:
    from budgets.models import Allocation
    from budgets.selectors import beschikking_list

    letters = beschikking_list(municipality=d.municipality, stream=d.stream).order_by("date", "pk")
    headers = [
        _("Soort"),
        _("Datum"),
        _("Kenmerk"),
        _("Gericht aan"),
        _("Bedrag"),
        _("Vastgesteld bedrag"),
        _("Terugvordering"),
        _("Toelichting"),
        _("Brief in dit dossier"),
    ]
    rows = []
    for letter in letters.iterator(chunk_size=200):
        path = ""
        if letter.letter:
            name = "-".join(
                part
                for part in (
                    letter.date.isoformat(),
                    safe_part(letter.get_kind_display()),
                    safe_part(letter.reference, ""),
                )
                if part
            )
            candidate = f"06-beschikkingen/{name}.pdf"
            source = _("Beschikking %(kind)s van %(date)s%(reference)s, zoals geüpload%(file)s") % {
                "kind": letter.get_kind_display().lower(),
                "date": date_display(letter.date),
                "reference": f", kenmerk {letter.reference}" if letter.reference else "",
                "file": f" ({letter.letter_name})" if letter.letter_name else "",
            }
            if d.writer.add_stored(
                candidate, letter.letter.name, source=source, moment=letter.date
            ):
                path = d.writer.entries[-1]["path"]
        rows.append(
            [
                letter.get_kind_display(),
                letter.date.strftime("%d-%m-%Y"),
                letter.reference,
                letter.recipient_name,
                _money(letter.amount),
                _money(letter.final_amount),
                _money(letter.reclaim_amount),
                letter.note,
                path,
            ]
        )
    # Allocation letters uploaded before beschikkingen were recorded as such.
    allocations = (
        Allocation.objects.for_municipality(d.municipality)
        .filter(stream=d.stream)
        .exclude(letter="")
        .order_by("period", "pk")
    )
    for allocation in allocations.iterator(chunk_size=200):
        name = "-".join(
            p for p in (safe_part(allocation.period), safe_part(allocation.reference, "")) if p
        )
        d.writer.add_stored(
            f"06-beschikkingen/toekenningen/{name}.pdf",
            allocation.letter.name,
            source=_("Brief bij de toekenning %(period)s%(reference)s, zoals geüpload")
            % {
                "period": allocation.period,
                "reference": f", kenmerk {allocation.reference}" if allocation.reference else "",
            },
            moment=allocation.created_at,
        )
    with d.writer.csv(
        "06-beschikkingen/beschikkingen.csv",
        source=_("Alle beschikkingen van %(stream)s zoals ingevoerd, stand %(now)s")
        % {"stream": d.stream.name, "now": date_display(timezone.localtime(d.made_at))},
        moment=d.made_at,
        headers=headers,
    ) as out:
        for row in rows:
            out.writerow(row)


def _stream_objects(d: Dossier) -> dict[int, set[str]]:
    """Per content type id, the pks (as text) of the municipality's objects of this stream."""
    from django.contrib.contenttypes.models import ContentType

    from municipalities.audit import logged_models

    found: dict[int, set[str]] = {}
    for model in logged_models():
        names = {f.name for f in model._meta.get_fields()}
        if "stream" in names:
            lookup = {"stream": d.stream}
        elif "accounting" in names:
            lookup = {"accounting__stream": d.stream}
        else:
            continue
        if not hasattr(model.objects, "for_municipality"):
            continue
        pks = (
            model.objects.for_municipality(d.municipality)
            .filter(**lookup)
            .values_list("pk", flat=True)
        )
        found[ContentType.objects.get_for_model(model).pk] = {str(pk) for pk in pks}
    return found


def _roles(d: Dossier) -> dict[int, str]:
    from municipalities.models import Membership

    roles: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.for_municipality(d.municipality)
        .order_by("user_id", "pk")
        .values_list("user_id", "role")
    )
    labels = dict(Membership._meta.get_field("role").flatchoices)
    for user_id, role in memberships:
        label = str(labels.get(role, role))
        if label not in roles.setdefault(user_id, []):
            roles[user_id].append(label)
    return {user_id: ", ".join(labels) for user_id, labels in roles.items()}


def _audit(d: Dossier) -> None:
    """The stream's audit trail: every logged change of the stream's objects (transactions,
    allocations, beschikkingen, freezes, close-out entries, its report jobs), with the actor's
    name and role; never an address, a port or a browser."""
    from municipalities.models import AuditLogEntry
    from municipalities.selectors import audit_changes

    objects = _stream_objects(d)
    roles = _roles(d)
    stream_pk = str(d.stream.pk)
    entries = (
        AuditLogEntry.objects.for_municipality(d.municipality)
        .filter(content_type_id__in=list(objects))
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    actions = {
        AuditLogEntry.Action.CREATE: _("aangemaakt"),
        AuditLogEntry.Action.UPDATE: _("gewijzigd"),
        AuditLogEntry.Action.DELETE: _("verwijderd"),
    }
    events = dict(AuditLogEntry.Event.choices)
    headers = [
        _("Tijdstip"),
        _("Naam"),
        _("Rol"),
        _("Actie"),
        _("Soort gegeven"),
        _("Gegeven"),
        _("Wijzigingen"),
    ]

    def belongs(entry) -> bool:
        if entry.object_pk in objects.get(entry.content_type_id, ()):
            return True
        # A deleted object is no longer in the table; its last entry still names the stream.
        stream_change = (
            (entry.changes or {}).get("stream") if isinstance(entry.changes, dict) else None
        )
        return isinstance(stream_change, list | tuple) and stream_pk in [
            str(v) for v in stream_change
        ]

    def write(rows, batch) -> None:
        changes = audit_changes(batch)
        for entry in batch:
            actor = entry.actor
            if actor is None:
                name, role = _("systeem"), ""
            else:
                name = actor.display_name or _("gebruiker %(pk)s") % {"pk": actor.pk}
                role = roles.get(actor.pk) or (_("beheerder") if actor.is_staff else "")
            model = entry.content_type.model_class()
            rows.writerow(
                [
                    timezone.localtime(entry.timestamp).strftime("%d-%m-%Y %H:%M:%S"),
                    name,
                    role,
                    str(events.get(entry.event) or actions.get(entry.action, "")),
                    str(model._meta.verbose_name) if model else entry.content_type.model,
                    entry.object_repr,
                    "; ".join(f"{c.label}: {c.old} → {c.new}" for c in changes.get(entry.pk, [])),
                ]
            )

    with d.writer.csv(
        f"07-activiteitenlog/activiteitenlog-{d.stream.code}.csv",
        source=_(
            "Activiteitenlog van de gegevens van %(stream)s (wie wat wanneer wijzigde, met naam "
            "en rol; zonder IP-adressen en browsergegevens), stand %(now)s"
        )
        % {"stream": d.stream.name, "now": date_display(timezone.localtime(d.made_at))},
        moment=d.made_at,
        headers=headers,
    ) as rows:
        batch = []
        for entry in entries.iterator(chunk_size=500):
            if belongs(entry):
                batch.append(entry)
            if len(batch) >= 500:
                write(rows, batch)
                batch = []
        if batch:
            write(rows, batch)


def _analyses(d: Dossier):
    from analyses.models import SchoolAnalysis

    return (
        SchoolAnalysis.objects.for_municipality(d.municipality)
        .filter(d.cycles_q())
        .select_related("school", "cycle")
        .order_by("cycle__start_date", "cycle_id", "school__name", "pk")
    )


def _analysis_summaries(d: Dossier) -> None:
    """Per analysis what its page shows: status, the delay and share per domain, the chosen
    interventions, the school's own budget and its needs per category."""
    from analyses.models import DOMAIN_FIELDS

    headers = [
        _("Cyclus"),
        _("School"),
        _("Vestigingscode"),
        _("Status"),
        _("Ingediend op"),
        _("Beoordeeld op"),
    ]
    for domain, _delay, _share in DOMAIN_FIELDS:
        headers += [
            _("Vertraging %(domain)s") % {"domain": str(domain.label).lower()},
            _("Aandeel leerlingen %(domain)s (%%)") % {"domain": str(domain.label).lower()},
        ]
    headers += [_("Gekozen interventies"), _("Eigen NPO-budget school"), _("Behoeften")]
    analyses = _analyses(d).prefetch_related("interventions", "needs")

    def moment(value) -> str:
        return timezone.localtime(value).strftime("%d-%m-%Y") if value else ""

    with d.writer.csv(
        "08-schoolanalyses/samenvattingen-schoolanalyses.csv",
        source=_(
            "Samenvatting per schoolanalyse van de cycli in de termijn, zoals op de pagina van "
            "de analyse, stand %(now)s"
        )
        % {"now": date_display(timezone.localtime(d.made_at))},
        moment=d.made_at,
        headers=headers,
    ) as rows:
        for analysis in analyses.iterator(chunk_size=200):
            row = [
                analysis.cycle.title,
                analysis.school.name,
                analysis.school.vestigingscode,
                analysis.get_status_display(),
                moment(analysis.submitted_at),
                moment(analysis.reviewed_at),
            ]
            for domain_row in analysis.domain_rows():
                row += [str(domain_row["delay_label"]), _number(domain_row["share"])]
            row += [
                ", ".join(str(i) for i in analysis.interventions.all()),
                _money(analysis.own_budget),
                "; ".join(
                    f"{n.get_category_display()}: {n.explanation}" for n in analysis.needs.all()
                ),
            ]
            rows.writerow(row)


def _attachments(d: Dossier) -> None:
    from analyses.models import AnalysisAttachment

    attachments = (
        AnalysisAttachment.objects.for_municipality(d.municipality)
        .filter(d.cycles_q("analysis__cycle__"))
        .select_related("analysis__school", "analysis__cycle")
        .order_by("analysis__cycle__start_date", "analysis__school__name", "uploaded_at", "pk")
    )
    for attachment in attachments.iterator(chunk_size=200):
        school = attachment.analysis.school
        stem, dot, ext = attachment.name.rpartition(".")
        filename = (
            f"{safe_part(stem or attachment.name)}.{safe_part(ext, 'bin')}"
            if dot
            else safe_part(attachment.name)
        )
        folder = f"{safe_part(cycle_period(attachment.analysis.cycle))}/{school.vestigingscode}-{safe_part(school.name)}"
        d.writer.add_stored(
            f"09-bijlagen-schoolanalyses/{folder}/{filename}",
            attachment.file.name,
            source=_("Bijlage van %(school)s bij de schoolanalyse (%(name)s), zoals geüpload")
            % {
                "school": school.name,
                "name": attachment.name,
            },
            moment=attachment.uploaded_at,
        )


# (progress at the start, label, step, for the accountant too)
CONTENTS = [
    (10, gettext_lazy("Plannen en gemeentefoto's als PDF/A"), _versions, True),
    (40, gettext_lazy("Evaluaties"), _evaluations, True),
    (50, gettext_lazy("Eindverantwoording"), _final_accounting, True),
    (60, gettext_lazy("Exports"), _exports, True),
    (68, gettext_lazy("Beschikkingen"), _beschikkingen, True),
    (75, gettext_lazy("Activiteitenlog"), _audit, True),
    (85, gettext_lazy("Samenvattingen van schoolanalyses"), _analysis_summaries, False),
]


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
                _attachments(d)
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
            "termijn_van": _iso(d.stream.window_start),
            "termijn_tot_en_met": _iso(d.stream.window_end),
        },
        "voor": d.options["audience"],
        "bijlagen_scholen": d.with_attachments,
        "gemaakt_op": _iso(d.made_at),
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
                "window_start": _iso(job.stream.window_start),
                "window_end": _iso(job.stream.window_end),
            },
        }
    )
    return data


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


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
]
