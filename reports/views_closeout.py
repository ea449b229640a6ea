"""The close-out outputs of one funding stream: request them, follow the build, download them.

The SiSa overview (XLSX, ODS, CSV) and the final accounting PDF for the accountant are report
jobs of the close-out kinds, built by the same Celery task and progress machinery as the
gemeentefoto. The final accounting workspace (``closeout``) shows them by including
``templates/closeout/_outputs.html``; these views live here because ``reports`` sits above
``closeout`` and may read it, not the other way round.

Finance readers (the accountant too) may read and download; editors request a new version.
Every download is read-logged as final accounting and handed out by
``core.downloads.private_download`` (no-store).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from closeout.selectors import closeout_stream_get
from core.downloads import private_download
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, FINANCE_READER_ROLES, Municipality, ReadLogEntry
from municipalities.readlog import read_logged
from reports import selectors, services
from reports.forms import CloseoutOutputForm
from reports.models import FILE_FORMATS


def outputs_context(*, request: HttpRequest, municipality: Municipality, stream) -> dict:
    """What ``closeout/_outputs.html`` needs (the workspace may pass it, or the partial's tag
    loads it)."""
    return {
        "municipality": municipality,
        "stream": stream,
        "outputs": selectors.closeout_jobs(municipality=municipality, stream=stream),
        "can_request_outputs": request.membership.can_edit,
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
    if fmt not in job.formats:
        raise Http404
    if fmt == "pdf":
        content = job.pdf.open("rb")
    else:
        from django.core.files.storage import default_storage

        content = default_storage.open(job.files[fmt]["name"], "rb")
    return private_download(content, filename=job.filename_for(fmt), content_type=FILE_FORMATS[fmt])
