"""School-analysis pages: a school fills in its own analysis; the municipality reviews, follows the
intake and imports analyses in bulk.

Who may do what (``tenant_view`` answers 404 for non-members and 403 for a role that may not):

* school users (``Membership.school``): their own school's analysis for the open cycle only; any
  other analysis id is a 404, the same answer as for an id that does not exist;
* advisors and policy officers: everything, including review, reminders and bulk intake;
* viewers: read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from analyses import selectors as selectors
from analyses import services as services
from analyses.forms import (
    AnalysisForm,
    AttachmentForm,
    IntakeUploadForm,
    OverviewFilterForm,
    ReplyForm,
    ReviewForm,
)
from analyses.intake import intake_template as build_template
from analyses.models import AnalysisStatus
from core.downloads import private_download
from core.pagination import paginate
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, READER_ROLES, Municipality, ReadLogEntry, Role
from municipalities.readlog import read_logged, read_subject
from municipalities.versions import VERSION_FIELD, EditConflict, version_of

READERS_AND_SCHOOL = READER_ROLES | {Role.SCHOOL}
SCHOOL_ONLY = frozenset({Role.SCHOOL})
SCHOOLS_PER_PAGE = 50  # as the school list


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _is_school(request: HttpRequest) -> bool:
    return request.membership.role == Role.SCHOOL


def _errors(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _render_detail(
    request: HttpRequest,
    municipality: Municipality,
    analysis,
    *,
    review_form: ReviewForm | None = None,
    attachment_form: AttachmentForm | None = None,
    reply_form: ReplyForm | None = None,
) -> HttpResponse:
    """The analysis page (``analysis`` from ``selectors.analysis_detail``). A form sent back with
    errors is shown here, its errors next to its field and in its error summary, not in a banner
    far from the field."""
    is_own = _is_school(request)
    remarks = list(analysis.remarks.select_related("author"))
    can_reply = is_own and any(not r.from_school for r in remarks)
    editable = is_own and analysis.is_editable
    return render(
        request,
        "analyses/detail.html",
        {
            "municipality": municipality,
            "analysis": analysis,
            "is_own": is_own,
            "remarks": remarks,
            "can_review": request.membership.can_edit and analysis.is_reviewable,
            "review_form": review_form or ReviewForm(analysis=analysis),
            "attachment_form": (attachment_form or AttachmentForm()) if editable else None,
            "reply_form": reply_form or (ReplyForm() if can_reply else None),
            "missing": analysis.missing_for_submit() if editable else [],
        },
    )


def _detail_again(request: HttpRequest, municipality: Municipality, analysis_pk: int, **forms):
    analysis = selectors.analysis_detail(membership=request.membership, pk=analysis_pk)
    return _render_detail(request, municipality, analysis, **forms)


# --- Overview -------------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@tenant_view(roles=READERS_AND_SCHOOL)
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The intake overview of a cycle; school users are sent to their own analysis."""
    if _is_school(request):
        return redirect("analyses:mine", municipality_slug=municipality.slug)
    cycles = selectors.cycles_of(municipality=municipality)
    cycle = selectors.cycle_for_overview(cycles=cycles, cycle_pk=request.GET.get("cyclus"))
    form = OverviewFilterForm(request.GET or None)
    sector = status = ""
    if form.is_valid():
        sector, status = form.cleaned_data["sector"], form.cleaned_data["status"]
    overview = page = query = None
    if cycle is not None:
        overview = selectors.intake_overview(
            municipality=municipality, cycle=cycle, sector=sector, status=status
        )
        # Paged like the school list and the activity log (core.pagination).
        page, query = paginate(request, overview.shown, SCHOOLS_PER_PAGE, read=overview.read)
        page.object_list = selectors.overview_rows(page.object_list)
    context = {
        "municipality": municipality,
        "cycle": cycle,
        "cycles": cycles,
        "form": form,
        "can_edit": request.membership.can_edit,
        "overview": overview,
        "page": page,
        "query": query,
    }
    template = "analyses/overview.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_POST
@tenant_view(write_roles=EDITOR_ROLES)
def remind(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cycle = selectors.open_cycle(municipality=municipality)
    try:
        result = services.reminders_send(
            municipality=municipality, cycle=cycle, user=request.user, site_url=_site_url(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
        return redirect("analyses:overview", municipality_slug=municipality.slug)
    text = (
        ngettext(
            "Herinnering verstuurd aan %(schools)s school (%(emails)s e-mail).",
            "Herinneringen verstuurd aan %(schools)s scholen (%(emails)s e-mails).",
            result["schools"],
        )
        % result
    )
    if result["skipped"]:
        text += (
            " "
            + ngettext(
                "%(skipped)s school kreeg het afgelopen etmaal al een herinnering en is overgeslagen.",
                "%(skipped)s scholen kregen het afgelopen etmaal al een herinnering en zijn overgeslagen.",
                result["skipped"],
            )
            % result
        )
    if result["without_users"]:
        text += (
            " "
            + ngettext(
                "%(without_users)s school heeft nog geen gebruiker om te mailen.",
                "%(without_users)s scholen hebben nog geen gebruiker om te mailen.",
                result["without_users"],
            )
            % result
        )
    messages.success(request, text)
    return redirect("analyses:overview", municipality_slug=municipality.slug)


# --- The school's own analysis --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def mine(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """A school user's entry point: their analysis for the open cycle (started on first POST)."""
    cycle = selectors.open_cycle(municipality=municipality)
    school = request.membership.school
    analysis = selectors.analysis_for_school(school=school, cycle=cycle)
    if request.method == "POST":
        try:
            analysis = services.analysis_start(membership=request.membership, cycle=cycle)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect("analyses:mine", municipality_slug=municipality.slug)
        return redirect(
            "analyses:edit", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    if analysis is not None:
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    previous = (
        request.membership.school.analyses.select_related("cycle").order_by("-cycle__start_date")
        if school
        else []
    )
    return render(
        request,
        "analyses/mine.html",
        {"municipality": municipality, "cycle": cycle, "school": school, "previous": previous},
    )


@require_GET
@read_logged(ReadLogEntry.Kind.ANALYSIS)
@tenant_view(roles=READERS_AND_SCHOOL)
def detail(request: HttpRequest, municipality: Municipality, analysis_pk: int) -> HttpResponse:
    analysis = selectors.analysis_detail(membership=request.membership, pk=analysis_pk)
    read_subject(request, subject=analysis.school.name, school_id=analysis.school_id)
    return _render_detail(request, municipality, analysis)


@require_http_methods(["GET", "POST"])
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def edit(request: HttpRequest, municipality: Municipality, analysis_pk: int) -> HttpResponse:
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    if not analysis.is_editable:
        messages.warning(request, _("Deze analyse is ingediend en kan niet meer worden gewijzigd."))
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    form = AnalysisForm(request.POST or None, analysis=analysis)
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_update(
                analysis=analysis,
                values=form.values(),
                interventions=form.cleaned_data["interventions"],
                needs=form.needs(),
                own_budget=form.cleaned_data["own_budget"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De analyse is opgeslagen."))
            return redirect(
                "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
            )
    return render(
        request,
        "analyses/edit.html",
        {"municipality": municipality, "analysis": analysis, "form": form},
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def submit(request: HttpRequest, municipality: Municipality, analysis_pk: int) -> HttpResponse:
    """GET: check your answers (everything the municipality will receive, each part with a link
    to change it); POST: submit. What is still missing is named on the page, not in a banner."""
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    if not analysis.is_editable:
        messages.info(request, _("Deze analyse is al ingediend."))
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.analysis_submit(
                analysis=analysis, user=request.user, site_url=_site_url(request)
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("De analyse is ingediend. De gemeente krijgt daarvan bericht.")
            )
            return redirect(
                "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
            )
    analysis = selectors.analysis_detail(membership=request.membership, pk=analysis_pk)
    return render(
        request,
        "analyses/submit_check.html",
        {
            "municipality": municipality,
            "analysis": analysis,
            "missing": analysis.missing_for_submit(),
            "errors": errors,
        },
    )


# --- Attachments ----------------------------------------------------------------------------------


@require_POST
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def attachment_upload(
    request: HttpRequest, municipality: Municipality, analysis_pk: int
) -> HttpResponse:
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    if not analysis.is_editable:  # the page has no upload field any more to show this at
        messages.error(
            request, _("Bij een ingediende analyse kun je geen bijlagen meer toevoegen.")
        )
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                analysis=analysis, upload=form.cleaned_data["file"], user=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("De bijlage is toegevoegd."))
            return redirect(
                "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
            )
    return _detail_again(request, municipality, analysis.pk, attachment_form=form)


@require_GET
@read_logged(ReadLogEntry.Kind.DOCUMENT)
@tenant_view(roles=READERS_AND_SCHOOL)
def attachment_download(
    request: HttpRequest, municipality: Municipality, analysis_pk: int, analysis_attachment_pk: int
) -> HttpResponse:
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    attachment = selectors.attachment_get(analysis=analysis, pk=analysis_attachment_pk)
    read_subject(request, school_id=analysis.school_id)  # the subject: the file's name
    return private_download(
        attachment.file.open("rb"), filename=attachment.name, content_type=attachment.content_type
    )


@require_POST
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def attachment_delete(
    request: HttpRequest, municipality: Municipality, analysis_pk: int, analysis_attachment_pk: int
) -> HttpResponse:
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    attachment = selectors.attachment_get(analysis=analysis, pk=analysis_attachment_pk)
    try:
        services.attachment_delete(attachment=attachment)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("De bijlage is verwijderd."))
    return redirect("analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk)


# --- Review ---------------------------------------------------------------------------------------


@require_POST
@tenant_view(write_roles=EDITOR_ROLES)
def review(request: HttpRequest, municipality: Municipality, analysis_pk: int) -> HttpResponse:
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    form = ReviewForm(request.POST, analysis=analysis)
    if not form.is_valid():
        if "versie" in form.errors:
            return _review_refused(request, municipality, analysis.pk, form)
        messages.error(request, _("Kies accepteren of terugsturen."))
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    version = form.pop_version({})
    try:
        if form.cleaned_data["decision"] == "accept":
            services.analysis_accept(
                analysis=analysis,
                user=request.user,
                site_url=_site_url(request),
                comment=form.cleaned_data["comment"],
                version=version,
            )
            messages.success(request, _("De analyse is geaccepteerd. De school krijgt bericht."))
        else:
            services.analysis_return(
                analysis=analysis,
                user=request.user,
                comment=form.cleaned_data["comment"],
                site_url=_site_url(request),
                version=version,
            )
            messages.success(
                request, _("De analyse is teruggestuurd naar de school, met je opmerking.")
            )
    except EditConflict as conflict:
        return _review_refused(request, municipality, analysis.pk, form, conflict=conflict)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):  # returned without a remark: said at the remark field
            form.add_error(None, exc)
            return _detail_again(request, municipality, analysis.pk, review_form=form)
        messages.error(request, " ".join(_errors(exc)))
    return redirect("analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk)


def _review_refused(
    request: HttpRequest,
    municipality: Municipality,
    analysis_pk: int,
    form: ReviewForm,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """A review of an analysis that changed meanwhile (or from a form without a version): the
    page comes back with why, and with the comment the reviewer typed still in the field and the
    current version in the form, so sending it again is a deliberate decision. When the analysis
    can no longer be reviewed (someone else decided), the typed comment is quoted in the message
    so it is not lost."""
    analysis = selectors.analysis_detail(membership=request.membership, pk=analysis_pk)
    # The conflict says who changed what; a form without a version says it is out of date.
    reasons = list(conflict.messages if conflict is not None else form.errors.pop(VERSION_FIELD))
    comment = (form.data.get("comment") or "").strip()
    if not analysis.is_reviewable:
        if comment:
            reasons.append(
                _("Je opmerking is niet verstuurd: „%(comment)s”") % {"comment": comment}
            )
        messages.error(request, " ".join(str(r) for r in reasons))
        return redirect(
            "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
        )
    form.add_error(None, reasons)
    form.data = form.data.copy()
    form.data[form.add_prefix(VERSION_FIELD)] = version_of(analysis)
    return _render_detail(request, municipality, analysis, review_form=form)


@require_POST
@tenant_view(roles=SCHOOL_ONLY, write_roles=SCHOOL_ONLY)
def reply(request: HttpRequest, municipality: Municipality, analysis_pk: int) -> HttpResponse:
    """The school answers the municipality's remark; officers and advisors get it by e-mail."""
    analysis = selectors.analysis_get(membership=request.membership, pk=analysis_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.remark_reply(
                analysis=analysis,
                user=request.user,
                text=form.cleaned_data["text"],
                site_url=_site_url(request),
            )
        except ValidationError as exc:
            form.add_error("text" if hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, _("Je reactie is verstuurd naar de gemeente."))
            return redirect(
                "analyses:detail", municipality_slug=municipality.slug, analysis_pk=analysis.pk
            )
    return _detail_again(request, municipality, analysis.pk, reply_form=form)


# --- Bulk intake ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)
def intake(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cycle = selectors.open_cycle(municipality=municipality)
    form = IntakeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.intake_upload(
                municipality=municipality,
                cycle=cycle,
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect(
                "analyses:intake_preview",
                municipality_slug=municipality.slug,
                intake_token=upload.token,
            )
    return render(
        request,
        "analyses/intake.html",
        {"municipality": municipality, "cycle": cycle, "form": form},
    )


@require_GET
@tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)
def intake_template(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cycle = selectors.open_cycle(municipality=municipality)
    if cycle is None:
        messages.error(request, _("Er is geen open cyclus om een sjabloon voor te maken."))
        return redirect("analyses:intake", municipality_slug=municipality.slug)
    return private_download(
        build_template(municipality=municipality, cycle=cycle),
        filename=f"schoolanalyses-{municipality.slug}-{municipality.cbs_code}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)
def intake_preview(
    request: HttpRequest, municipality: Municipality, intake_token: str
) -> HttpResponse:
    upload = selectors.intake_get(municipality=municipality, token=intake_token)
    if request.method == "POST":
        try:
            count = services.intake_confirm(intake=upload, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(_errors(exc)))
            return redirect(
                "analyses:intake_preview",
                municipality_slug=municipality.slug,
                intake_token=upload.token,
            )
        messages.success(
            request,
            ngettext(
                "%(count)s schoolanalyse ingelezen.", "%(count)s schoolanalyses ingelezen.", count
            )
            % {"count": count},
        )
        return redirect("analyses:overview", municipality_slug=municipality.slug)
    return render(
        request,
        "analyses/intake_preview.html",
        {
            "municipality": municipality,
            "intake": upload,
            "rows": upload.rows,
            "valid_rows": sum(1 for r in upload.rows if not r["errors"]),
            "statuses": AnalysisStatus,
        },
    )
