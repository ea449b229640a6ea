"""Rapportages: request a gemeentefoto, plan or raadsinformatiebrief, follow its progress, open
every version.

Tenant pages run under ``tenant_view`` (404 outside the municipality). The bulk page for advisors
lives outside ``/g/<slug>/`` and only ever acts on municipalities where the user is advisor.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.downloads import private_download
from core.params import id_list_param, id_param
from municipalities.access import advisor_view, tenant_view
from municipalities.models import EDITOR_ROLES, READER_ROLES, Municipality, ReadLogEntry, Role
from municipalities.readlog import read_logged
from reports import gates, selectors, services
from reports.forms import BulkRequestForm, CouncilRequestForm, ReportRequestForm
from reports.models import ReportJob
from reports.rendering import body_template, document_context

ALL_MEMBERS = READER_ROLES | {Role.SCHOOL}


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=ALL_MEMBERS, write_roles=EDITOR_ROLES)
def report_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = ReportRequestForm()
    council_form = CouncilRequestForm(municipality=municipality)
    if request.method == "POST":
        job = None
        if request.POST.get("kind") == ReportJob.Kind.COUNCIL:
            council_form = CouncilRequestForm(request.POST, municipality=municipality)
            if council_form.is_valid():
                job = services.report_request(
                    municipality=municipality,
                    kind=ReportJob.Kind.COUNCIL,
                    user=request.user,
                    cycle=council_form.cleaned_data["cycle"],
                    options=council_form.options(),
                )
        else:
            form = ReportRequestForm(request.POST)
            if form.is_valid():
                job = services.report_request(
                    municipality=municipality,
                    kind=form.cleaned_data["kind"],
                    user=request.user,
                    cycle=services.current_cycle(municipality=municipality),
                )
        if job is not None:
            if job.already_requested:
                messages.info(
                    request,
                    _(
                        "%(kind)s versie %(version)s wordt al gemaakt; er is geen nieuwe "
                        "aangevraagd. Je ziet de voortgang hieronder."
                    )
                    % {"kind": job.get_kind_display(), "version": job.version},
                )
            else:
                messages.success(
                    request,
                    _("%(kind)s versie %(version)s is aangevraagd.")
                    % {"kind": job.get_kind_display(), "version": job.version},
                )
            # ?job= keeps this job in "Wordt gemaakt" even when it finished before the page
            # loaded (a fast build), so the #job- anchor always exists.
            url = reverse("reports:list", args=[municipality.slug])
            return redirect(f"{url}?job={job.pk}#job-{job.pk}")
    jobs = selectors.report_list(municipality=municipality, membership=request.membership)
    requested = id_param(request.GET.get("job"))
    context = {
        "municipality": municipality,
        "form": form,
        "can_edit": request.membership.can_edit,
        "active_jobs": [j for j in jobs if not j.is_finished or j.pk == requested],
        "gemeentefotos": [j for j in jobs if j.kind == ReportJob.Kind.GEMEENTEFOTO],
        "plans": [j for j in jobs if j.kind == ReportJob.Kind.PLAN],
        "councils": [j for j in jobs if j.kind == ReportJob.Kind.COUNCIL],
        "cycle": services.current_cycle(municipality=municipality),
        "council_form": council_form,
    }
    failed = form.errors or council_form.errors
    return render(request, "reports/report_list.html", context, status=400 if failed else 200)


@require_GET
@vary_on_headers("HX-Request")
@tenant_view(roles=READER_ROLES)
def report_progress(request: HttpRequest, municipality: Municipality, report_pk: int):
    """The progress of one job: an htmx partial that polls itself until the job is finished,
    or (without JavaScript) a page with a refresh link."""
    job = selectors.report_get(
        municipality=municipality, membership=request.membership, pk=report_pk
    )
    template = "reports/report_progress.html"
    if request.htmx and not request.htmx.boosted:
        template += "#job-progress"
    return render(request, template, {"municipality": municipality, "job": job})


@require_GET
@tenant_view(roles=ALL_MEMBERS)
def report_detail(request: HttpRequest, municipality: Municipality, report_pk: int):
    """The HTML version, rendered from the frozen snapshot (never from live data)."""
    job = selectors.report_get(
        municipality=municipality, membership=request.membership, pk=report_pk, with_snapshot=True
    )
    if job.status != ReportJob.Status.DONE or not job.snapshot:
        return redirect("reports:progress", municipality_slug=municipality.slug, report_pk=job.pk)
    context = {
        "municipality": municipality,
        "job": job,
        "can_edit": request.membership.can_edit,
        "body_template": body_template(job.snapshot),
        **document_context(job.snapshot),
    }
    return render(request, "reports/report_detail.html", context)


@require_GET
@read_logged(ReadLogEntry.Kind.PDF)
@tenant_view(roles=ALL_MEMBERS)
def report_pdf(request: HttpRequest, municipality: Municipality, report_pk: int):
    """The stored PDF, only after the access check (the file itself is outside the web root)."""
    job = selectors.report_get(
        municipality=municipality, membership=request.membership, pk=report_pk
    )
    if job.status != ReportJob.Status.DONE or not job.pdf:
        raise Http404
    return private_download(
        job.pdf.open("rb"), filename=job.filename, content_type="application/pdf"
    )


@require_POST
@tenant_view(roles=READER_ROLES, write_roles=EDITOR_ROLES)
def report_publish(request: HttpRequest, municipality: Municipality, report_pk: int):
    job = selectors.report_get(
        municipality=municipality, membership=request.membership, pk=report_pk
    )
    if job.kind != ReportJob.Kind.PLAN or job.status != ReportJob.Status.DONE:
        raise Http404
    publish = request.POST.get("publish") == "1"
    services.report_publish(job=job, published=publish)
    if publish:
        messages.success(request, _("Het plan is gepubliceerd; scholen kunnen het nu openen."))
    else:
        messages.success(request, _("Het plan is niet meer zichtbaar voor scholen."))
    return redirect("reports:list", municipality_slug=municipality.slug)


# --- Bulk (advisors) --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@advisor_view
def bulk_request(request: HttpRequest) -> HttpResponse:
    """Advisors: request the gemeentefoto or the council evaluation for several of their
    municipalities and follow them. The council evaluation is made of each municipality's most
    recent cycle in Evaluatie or Afgerond; a municipality the gate blocks is named with its
    reason, the others are queued."""
    municipalities = request.advisor_municipalities
    kind = _bulk_kind(request.POST.get("kind") if request.method == "POST" else None, request)
    if request.method == "POST":
        form = BulkRequestForm(request.POST, municipalities=municipalities)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            chosen = list(form.cleaned_data["municipalities"])
            if kind == ReportJob.Kind.COUNCIL:
                pks = _bulk_council(request, chosen)
            else:
                pks = [
                    services.report_request(
                        municipality=municipality,
                        kind=ReportJob.Kind.GEMEENTEFOTO,
                        user=request.user,
                        cycle=services.current_cycle(municipality=municipality),
                    ).pk
                    for municipality in chosen
                ]
            params = {"kind": kind} if kind == ReportJob.Kind.COUNCIL else {}
            if pks:
                params["jobs"] = ",".join(map(str, pks))
            url = reverse("reports_bulk:bulk")
            return redirect(f"{url}?{urlencode(params, safe=',')}" if params else url)
    else:
        form = BulkRequestForm(municipalities=municipalities, initial={"kind": kind})
    jobs = selectors.bulk_jobs(user=request.user, pks=_pks(request.GET.get("jobs", "")))
    if jobs and request.method == "GET" and "kind" not in request.GET:
        kind = jobs[0].kind if all(j.kind == jobs[0].kind for j in jobs) else kind
    context = {
        "form": form,
        "kind": kind,
        "has_municipalities": municipalities.exists(),
        **_bulk_context(jobs),
    }
    template = "reports/bulk.html"
    if request.htmx and not request.htmx.boosted and request.method == "GET":
        template += "#bulk-progress"
    elif kind == ReportJob.Kind.COUNCIL:
        # Beside each municipality: the cycle its letter would evaluate, or why it cannot yet.
        candidates = gates.council_candidates(municipalities=list(municipalities))
        context["council_rows"] = [
            {
                "checkbox": checkbox,
                "cycle": candidates[checkbox.data["value"].value][0],
                "blocked": candidates[checkbox.data["value"].value][1],
            }
            for checkbox in form["municipalities"]
        ]
    return render(request, template, context, status=400 if form.errors else 200)


def _bulk_kind(posted: str | None, request: HttpRequest) -> str:
    """The kind the page is about: the posted one, else ``?kind=``; anything else is the
    gemeentefoto."""
    value = posted if posted is not None else request.GET.get("kind", "")
    return (
        ReportJob.Kind.COUNCIL if value == ReportJob.Kind.COUNCIL else ReportJob.Kind.GEMEENTEFOTO
    )


def _bulk_council(request: HttpRequest, municipalities: list[Municipality]) -> list[int]:
    """Queue the council evaluation where the gate allows it; name each blocked municipality
    with its reason (a message that survives the redirect). Returns the queued jobs' ids."""
    candidates = gates.council_candidates(municipalities=municipalities)
    pks = []
    for municipality in municipalities:
        cycle, reason = candidates[municipality.pk]
        if reason:
            messages.warning(
                request,
                _("%(name)s: geen raadsinformatiebrief aangevraagd. %(reason)s")
                % {"name": municipality.name, "reason": reason},
            )
            continue
        job = services.report_request(
            municipality=municipality, kind=ReportJob.Kind.COUNCIL, user=request.user, cycle=cycle
        )
        pks.append(job.pk)
    if pks:
        messages.success(
            request,
            ngettext(
                "De raadsinformatiebrief is aangevraagd voor %(n)s gemeente.",
                "De raadsinformatiebrief is aangevraagd voor %(n)s gemeenten.",
                len(pks),
            )
            % {"n": len(pks)},
        )
    return pks


def _pks(raw: str) -> list[int]:
    # Bounded ids (a 400 for an id past the database's integer, never a 500).
    return id_list_param(raw, limit=400)


def _bulk_context(jobs: list[ReportJob]) -> dict:
    total = len(jobs)
    return {
        "jobs": jobs,
        "jobs_param": ",".join(str(j.pk) for j in jobs),
        "overall": round(sum(100 if j.is_finished else j.progress for j in jobs) / total)
        if total
        else 0,
        "finished": sum(1 for j in jobs if j.is_finished),
        "failed": sum(1 for j in jobs if j.status == ReportJob.Status.FAILED),
        "all_finished": bool(jobs) and all(j.is_finished for j in jobs),
    }
