"""The close-out outputs of one funding stream: request them, follow the build, download them.

The SiSa overview (XLSX, ODS, CSV) and the final accounting PDF for the accountant are report
jobs of the close-out kinds, built by the same Celery task and progress machinery as the
gemeentefoto. The final accounting workspace (``closeout``) shows them by including
``templates/closeout/_outputs.html``; these views live here because ``reports`` sits above
``closeout`` and may read it, not the other way round.

Finance readers (the accountant too) may read and download; editors request a new version.
Every download is read-logged as final accounting and handed out by
``core.downloads.private_download`` (no-store).

The dossier (the ZIP for the accountant or the archive, ``reports.dossier``) has a request view
of its own, the one write an accountant may make (the accountant's version only, never school
analyses), and a download of its own, read-logged as dossier and streamed from storage. An
accountant neither sees nor downloads a dossier made for the archive.
"""

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from closeout.selectors import closeout_stream_get
from core.downloads import private_download
from municipalities.access import tenant_view
from municipalities.models import (
    EDITOR_ROLES,
    FINANCE_READER_ROLES,
    Membership,
    Municipality,
    ReadLogEntry,
    Role,
)
from municipalities.readlog import read_logged
from reports import selectors, services
from reports.dossier import AUDIENCE_ACCOUNTANT, AUDIENCE_ARCHIVE, dossier_options
from reports.forms import CloseoutOutputForm
from reports.models import FILE_FORMATS, ReportJob

# Who may ask for a dossier: the editors, and the accountant (always the accountant's version).
# The only tenant write open to an accountant: it makes a report job and changes nothing else.
DOSSIER_REQUEST_ROLES = EDITOR_ROLES | {Role.ACCOUNTANT}


class DossierRequestForm(CloseoutOutputForm):
    """For whom the dossier is, and whether the schools' attachments go in (archive only)."""

    kind = None  # always the dossier
    audience = forms.ChoiceField(
        label=gettext_lazy("Voor wie is het dossier?"),
        choices=[
            (AUDIENCE_ACCOUNTANT, gettext_lazy("Voor de accountant")),
            (AUDIENCE_ARCHIVE, gettext_lazy("Voor het archief")),
        ],
        initial=AUDIENCE_ACCOUNTANT,
        widget=forms.RadioSelect,
    )
    attachments = forms.BooleanField(
        label=gettext_lazy("Met bijlagen van scholen (alleen voor het archief)"),
        required=False,
    )


def dossier_visible(job: ReportJob, membership: Membership) -> bool:
    """An accountant sees only dossiers made for the accountant; other readers see every one."""
    return membership.can_read_all or (job.options or {}).get("audience") == AUDIENCE_ACCOUNTANT


def _say_requested(request: HttpRequest, job: ReportJob) -> None:
    if job.already_requested:
        messages.info(
            request,
            _("%(kind)s versie %(version)s wordt al gemaakt; er is geen nieuwe aangevraagd.")
            % {"kind": job.get_kind_display(), "version": job.version},
        )
    else:
        messages.success(
            request,
            _("%(kind)s versie %(version)s is aangevraagd. Je ziet hieronder de voortgang.")
            % {"kind": job.get_kind_display(), "version": job.version},
        )


def outputs_context(*, request: HttpRequest, municipality: Municipality, stream) -> dict:
    """What ``closeout/_outputs.html`` needs (the workspace may pass it, or the partial's tag
    loads it)."""
    return {
        "municipality": municipality,
        "stream": stream,
        "outputs": selectors.closeout_jobs(municipality=municipality, stream=stream),
        "can_request_outputs": request.membership.can_edit,
        "can_request_dossier": request.membership.role in DOSSIER_REQUEST_ROLES,
    }


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=FINANCE_READER_ROLES, write_roles=EDITOR_ROLES)
def closeout_outputs(request: HttpRequest, municipality: Municipality, stream_code: str):
    """GET: the files of the stream's final accounting (a page, or the htmx partial that polls
    itself while a build runs). POST: request a new SiSa overview or accountant PDF."""
    stream = closeout_stream_get(code=stream_code)
    url = reverse("reports:closeout_outputs", args=[municipality.slug, stream.code])
    if request.method == "POST":
        form = CloseoutOutputForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Kies welk bestand je wilt laten maken."))
            return redirect(url)
        job = services.report_request(
            municipality=municipality,
            kind=form.cleaned_data["kind"],
            user=request.user,
            stream=stream,
        )
        _say_requested(request, job)
        return redirect(form.cleaned_data.get("back") or f"{url}#bestanden")
    context = outputs_context(request=request, municipality=municipality, stream=stream)
    template = "reports/closeout_outputs.html"
    if request.htmx and not request.htmx.boosted:
        template = "closeout/_outputs.html"
    return render(request, template, context)


@require_GET
@read_logged(ReadLogEntry.Kind.FINAL_ACCOUNTING)
@tenant_view(roles=FINANCE_READER_ROLES)
def closeout_file(request: HttpRequest, municipality: Municipality, report_pk: int, fmt: str):
    """One stored file of a finished close-out job, after the access check."""
    job = selectors.closeout_job_get(municipality=municipality, pk=report_pk)
    # The dossier is handed out by closeout_dossier only (its own read log, its own audience).
    if fmt not in job.formats or job.kind == ReportJob.Kind.DOSSIER:
        raise Http404
    if fmt == "pdf":
        content = job.pdf.open("rb")
    else:
        content = default_storage.open(job.files[fmt]["name"], "rb")
    return private_download(content, filename=job.filename_for(fmt), content_type=FILE_FORMATS[fmt])


@require_POST
@tenant_view(roles=FINANCE_READER_ROLES, write_roles=DOSSIER_REQUEST_ROLES)
def closeout_dossier_request(request: HttpRequest, municipality: Municipality, stream_code: str):
    """Ask for a new dossier of the stream: for the accountant or the archive (an accountant's
    request is always the accountant's version), with or without the schools' attachments."""
    stream = closeout_stream_get(code=stream_code)
    url = reverse("reports:closeout_outputs", args=[municipality.slug, stream.code])
    form = DossierRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies voor wie het dossier is."))
        return redirect(f"{url}#dossier")
    audience = form.cleaned_data["audience"]
    if request.membership.role == Role.ACCOUNTANT:
        audience = AUDIENCE_ACCOUNTANT
    options = dossier_options(audience=audience, attachments=form.cleaned_data["attachments"])
    job = services.report_request(
        municipality=municipality,
        kind=ReportJob.Kind.DOSSIER,
        user=request.user,
        stream=stream,
        options=options,
    )
    _say_requested(request, job)
    return redirect(form.cleaned_data.get("back") or f"{url}#bestanden")


@require_GET
@read_logged(ReadLogEntry.Kind.DOSSIER)
@tenant_view(roles=FINANCE_READER_ROLES)
def closeout_dossier(request: HttpRequest, municipality: Municipality, report_pk: int):
    """The ZIP of a finished dossier, streamed from private storage after the access check;
    404 for another municipality's job, any other kind, and (for an accountant) an archive
    dossier."""
    job = selectors.closeout_job_get(municipality=municipality, pk=report_pk)
    if job.kind != ReportJob.Kind.DOSSIER or "zip" not in job.formats:
        raise Http404
    if not dossier_visible(job, request.membership):
        raise Http404
    content = default_storage.open(job.files["zip"]["name"], "rb")
    return private_download(
        content, filename=job.filename_for("zip"), content_type=FILE_FORMATS["zip"]
    )
