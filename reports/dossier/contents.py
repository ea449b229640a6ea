"""What goes into the dossier, one step per folder (``CONTENTS``), each writing its entries
through ``Dossier.writer``. Reads go through ``for_municipality`` and iterate in chunks, so a step
never holds more than one version, one stored file piece or one batch of rows at a time."""

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from municipalities.models import Municipality
from reports.dossier.audit import audit_trail
from reports.dossier.options import AUDIENCE_ACCOUNTANT
from reports.dossier.writer import DossierWriter, safe_part
from reports.models import ReportJob
from reports.snapshot.common import cycle_period, date_display

logger = logging.getLogger(__name__)
ProgressCallback = Callable[[int, str], None]


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
    total = jobs.count()
    for done, job in enumerate(jobs.iterator(chunk_size=2)):
        # Rendering is most of the work: the bar moves from 10 to 40 % version by version.
        d.progress(
            10 + 30 * done // max(total, 1),
            _("Versie %(n)s van %(total)s als PDF/A") % {"n": done + 1, "total": total},
        )
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


def _of_stream(dataset, stream) -> bool:
    """Keep the dataset's rows of ``stream`` (by its "Geldstroom" column, which every export
    with a stream has); False for a dataset without that column (the spending goals), kept whole."""
    headers = [str(h) for h in dataset.headers]
    if _("Geldstroom") not in headers:
        return False
    column = headers.index(_("Geldstroom"))
    dataset.rows = [row for row in dataset.rows if row[column] == stream.name]
    return True


def _exports(d: Dossier) -> None:
    """The budget exports of budgets.exports (the same files as the export buttons), with the
    rows of this stream."""
    from budgets import exports

    datasets = exports.all_datasets(municipality=d.municipality)
    filtered = {dataset.slug: _of_stream(dataset, d.stream) for dataset in datasets}
    source = datasets[0].source if datasets else ""
    d.writer.add_bytes(
        "05-exports/budget-verantwoording.xlsx",
        exports.to_xlsx(datasets),
        source=_(
            "Export budget en verantwoording: de regels van %(stream)s (bestedingsdoelen: "
            "alle). %(source)s"
        )
        % {"stream": d.stream.name, "source": source},
        moment=d.made_at,
    )
    for dataset in datasets:
        if filtered[dataset.slug]:
            what = _("Export %(title)s (CSV): de regels van %(stream)s. %(source)s")
        else:
            what = _("Export %(title)s (CSV): alle regels van de gemeente. %(source)s")
        d.writer.add_bytes(
            f"05-exports/{dataset.slug}.csv",
            exports.to_csv(dataset),
            source=what
            % {"title": dataset.title, "stream": d.stream.name, "source": dataset.source},
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


def attachments_step(d: Dossier) -> None:
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
    (75, gettext_lazy("Activiteitenlog"), audit_trail, True),
    (85, gettext_lazy("Samenvattingen van schoolanalyses"), _analysis_summaries, False),
]
