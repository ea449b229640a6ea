"""The Duiden phase: stakeholder sessions with their attachments, and findings."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.downloads import private_download
from core.forms import add_errors
from core.uploads import content_type_for_name
from cycles import rules, selectors, services
from cycles.forms import AttachmentForm, FindingForm, SessionForm
from cycles.models import Finding, Goal, SessionAttachment, StakeholderSession
from cycles.views.common import form_page, page_url
from cycles.views.deletion import delete_page, linked_elsewhere
from cycles.views.phases import saved
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality, ReadLogEntry
from municipalities.readlog import read_logged

# --- Sessions -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def session_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, session_pk: int | None = None
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    session = selectors.session_get(cycle=cycle, pk=session_pk) if session_pk else None
    form = SessionForm(request.POST or None, instance=session, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(cycle=cycle, session=session, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, cycle, "duiden", "sessions-section", _("Sessie opgeslagen."))
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Sessie bewerken") if session else _("Sessie toevoegen"),
        action=request.path,
        back=page_url(cycle, "duiden"),
        block_id=f"session-{session.pk}" if session else "session-add",
        editable=rules.can_edit(cycle, "session"),
        what="session",
        section="sessions-section",
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def session_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, session_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    session = selectors.session_get(cycle=cycle, pk=session_pk)
    names = {"title": session.title}
    return delete_page(
        request,
        cycle=cycle,
        page="duiden",
        section="sessions-section",
        title=_("Sessie verwijderen"),
        question=_("Weet je zeker dat je de sessie “%(title)s” wilt verwijderen?") % names,
        consequences=lambda: (
            [(SessionAttachment, session.attachments.count())],
            [
                (Finding, session.findings.count()),
                *linked_elsewhere(StakeholderSession, [session.pk], municipality),
            ],
        ),
        check=lambda: services.session_delete_check(cycle=cycle, session=session),
        delete=lambda: services.session_delete(cycle=cycle, session=session, user=request.user),
        done=_("Sessie “%(title)s” verwijderd.") % names,
    )


# --- Attachments of a session ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def attachment_add(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, session_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    session = selectors.session_get(cycle=cycle, pk=session_pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(cycle=cycle, session=session, file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, cycle, "duiden", "sessions-section", _("Bijlage toegevoegd."))
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Bijlage toevoegen aan “%(title)s”") % {"title": session.title},
        action=request.path,
        back=page_url(cycle, "duiden"),
        block_id=f"attachment-{session.pk}",
        editable=rules.can_edit(cycle, "session"),
        what="session",
        section="sessions-section",
        multipart=True,
    )


@require_GET
@read_logged(ReadLogEntry.Kind.DOCUMENT)
@tenant_view()
def attachment_download(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, attachment_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    attachment = selectors.attachment_get(cycle=cycle, pk=attachment_pk)
    # The display name carries the extension of the kind read from the content (core.uploads).
    return private_download(
        attachment.file.open("rb"),
        filename=attachment.name,
        content_type=content_type_for_name(attachment.name),
    )


# --- Findings -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def finding_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, finding_pk: int | None = None
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    finding = selectors.finding_get(cycle=cycle, pk=finding_pk) if finding_pk else None
    form = FindingForm(request.POST or None, instance=finding, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_save(cycle=cycle, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, cycle, "duiden", "findings-section", _("Bevinding opgeslagen."))
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Bevinding bewerken") if finding else _("Bevinding toevoegen"),
        action=request.path,
        back=page_url(cycle, "duiden"),
        block_id=f"finding-{finding.pk}" if finding else "finding-add",
        editable=rules.can_edit(cycle, "finding"),
        what="finding",
        section="findings-section",
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def finding_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, finding_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    finding = selectors.finding_get(cycle=cycle, pk=finding_pk)
    names = {"title": finding.theme}
    return delete_page(
        request,
        cycle=cycle,
        page="duiden",
        section="findings-section",
        title=_("Bevinding verwijderen"),
        question=_("Weet je zeker dat je de bevinding “%(title)s” wilt verwijderen?") % names,
        consequences=lambda: (
            [],
            [
                (Goal, finding.goals.count()),
                *linked_elsewhere(Finding, [finding.pk], municipality),
            ],
        ),
        check=lambda: services.finding_delete_check(cycle=cycle, finding=finding),
        delete=lambda: services.finding_delete(cycle=cycle, finding=finding, user=request.user),
        done=_("Bevinding “%(title)s” verwijderd.") % names,
    )
