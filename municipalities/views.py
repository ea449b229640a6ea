from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.downloads import private_download
from core.forms import add_errors
from core.memo import memo_scope
from core.pagination import paginate
from municipalities.access import tenant_view
from municipalities.dashboard import panels_for
from municipalities.forms import (
    ActivityFilterForm,
    InvitationAcceptForm,
    InvitationForm,
    MembershipRoleForm,
    MembershipValidUntilForm,
    ReadLogFilterForm,
)
from municipalities.models import (
    EDITOR_ROLES,
    READ_LOG_ROLES,
    READER_ROLES,
    Municipality,
    ReadLogEntry,
    Role,
)
from municipalities.pagecache import cached_tenant_page
from municipalities.readlog import read_log_csv, read_logged
from municipalities.selectors import (
    audit_changes,
    audit_entries,
    invitation_by_token,
    invitation_get,
    invitations_open,
    membership_get,
    memberships_of_user,
    municipality_members,
    read_log_entries,
)
from municipalities.services import (
    invitation_accept as invitation_accept_service,
)
from municipalities.services import (
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_end,
    membership_set_valid_until,
)

AUDIT_PAGE_SIZE = 50


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One membership: straight to that municipality. Several: the portfolio for advisors,
    "Mijn gemeenten" for everyone else. None: a note."""
    memberships = memberships_of_user(user=request.user)
    if len(memberships) > 1 and any(m.role == Role.ADVISOR for m in memberships):
        # Advisors get their portfolio here. It lives in a higher app, so it is looked up by
        # URL name rather than imported (this app imports none of the others).
        return resolve(reverse("portfolio:index")).func(request)
    if len(memberships) == 1:
        return redirect(
            "municipalities:dashboard", municipality_slug=memberships[0].municipality.slug
        )
    return render(request, "municipalities/home.html", {"memberships": memberships})


@require_GET
@cached_tenant_page
@tenant_view(roles=READER_ROLES | {Role.SCHOOL, Role.ACCOUNTANT})
def dashboard(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    # One memo scope for the panels and the template: what several of them show (the open
    # cycle, the pupil counts) is read once (municipalities.dashboard).
    with memo_scope():
        context = {
            "municipality": municipality,
            "membership": request.membership,
            "panels": panels_for(municipality=municipality, membership=request.membership),
        }
        return render(request, "municipalities/dashboard.html", context)


# --- Team: members and invitations ---------------------------------------------------------------


def _team_render(request, municipality, form=None, row_error=None) -> HttpResponse:
    """``row_error``: (membership, field id prefix, label, message) of a member's row form sent
    back with an error: said at that row's field and in the error summary, not in a banner."""
    can_edit = request.membership.can_edit
    if can_edit and form is None:
        form = InvitationForm(municipality=municipality)
    context = {
        "municipality": municipality,
        "members": municipality_members(municipality=municipality),
        "invitations": invitations_open(municipality=municipality),
        "form": form if can_edit else None,
        "can_edit": can_edit,
        "role_choices": MembershipRoleForm.base_fields["role"].choices,
        "valid_days": settings.INVITATION_VALID_DAYS,
        "row_error": (
            dict(zip(("pk", "field", "label", "message"), row_error, strict=True))
            if row_error
            else None
        ),
    }
    return render(request, "municipalities/team.html", context)


@require_GET
@read_logged(ReadLogEntry.Kind.TEAM)
@tenant_view()
def team(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """Members and open invitations; editors also get the invite form and the buttons."""
    return _team_render(request, municipality)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_invite(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = InvitationForm(request.POST, municipality=municipality)
    if form.is_valid():
        try:
            invitation_create(
                municipality=municipality,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                school=form.cleaned_data["school"],
                valid_until=form.cleaned_data["valid_until"],
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Uitnodiging verstuurd naar %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("municipalities:team", municipality_slug=municipality.slug)
    # 200 with the errors, like any Django form: browsers log 4xx documents as errors.
    return _team_render(request, municipality, form=form)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_invitation_resend(
    request: HttpRequest, municipality: Municipality, invitation_pk: int
) -> HttpResponse:
    """Send an open (or expired) invitation again: a new link with a new term; the old link
    stops working (invitation_create revokes it)."""
    invitation = invitation_get(municipality=municipality, pk=invitation_pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        messages.error(request, _("Deze uitnodiging is al gebruikt of ingetrokken."))
        return redirect("municipalities:team", municipality_slug=municipality.slug)
    try:
        invitation_create(
            municipality=municipality,
            email=invitation.email,
            role=invitation.role,
            school=invitation.school,
            valid_until=invitation.valid_until,
            invited_by=request.user,
            site_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Uitnodiging opnieuw verstuurd naar %(email)s.") % {"email": invitation.email},
        )
    return redirect("municipalities:team", municipality_slug=municipality.slug)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_invitation_revoke(
    request: HttpRequest, municipality: Municipality, invitation_pk: int
) -> HttpResponse:
    invitation = invitation_get(municipality=municipality, pk=invitation_pk)
    try:
        invitation_revoke(invitation=invitation, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("De uitnodiging voor %(email)s is ingetrokken.") % {"email": invitation.email},
        )
    return redirect("municipalities:team", municipality_slug=municipality.slug)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_membership_end(
    request: HttpRequest, municipality: Municipality, membership_pk: int
) -> HttpResponse:
    membership = membership_get(municipality=municipality, pk=membership_pk)
    try:
        membership_end(membership=membership, ended_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s heeft geen toegang meer tot %(municipality)s.")
            % {"user": membership.user, "municipality": municipality.name},
        )
    return redirect("municipalities:team", municipality_slug=municipality.slug)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_membership_role(
    request: HttpRequest, municipality: Municipality, membership_pk: int
) -> HttpResponse:
    """Give a member another role (adviseur, beleidsmedewerker or meelezer)."""
    membership = membership_get(municipality=municipality, pk=membership_pk)
    form = MembershipRoleForm(request.POST)
    label = _("Rol van %(name)s") % {"name": membership.user}
    if not form.is_valid():
        error = (membership.pk, "role", label, " ".join(form.errors["role"]))
        return _team_render(request, municipality, row_error=error)
    try:
        membership_change_role(
            membership=membership, role=form.cleaned_data["role"], changed_by=request.user
        )
    except ValidationError as error:
        error = (membership.pk, "role", label, " ".join(error.messages))
        return _team_render(request, municipality, row_error=error)
    else:
        messages.success(
            request,
            _("De rol van %(user)s is nu %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
    return redirect("municipalities:team", municipality_slug=municipality.slug)


@require_POST
@tenant_view(roles=EDITOR_ROLES)
def team_membership_valid_until(
    request: HttpRequest, municipality: Municipality, membership_pk: int
) -> HttpResponse:
    """Give a member another last day (extend an accountant's access, at most 12 months)."""
    membership = membership_get(municipality=municipality, pk=membership_pk)
    form = MembershipValidUntilForm(request.POST)
    label = _("Toegang van %(name)s tot en met") % {"name": membership.user}
    if not form.is_valid():
        error = (membership.pk, "valid-until", label, " ".join(form.errors["valid_until"]))
        return _team_render(request, municipality, row_error=error)
    try:
        membership_set_valid_until(
            membership=membership,
            valid_until=form.cleaned_data["valid_until"],
            changed_by=request.user,
        )
    except ValidationError as error:
        error = (membership.pk, "valid-until", label, " ".join(error.messages))
        return _team_render(request, municipality, row_error=error)
    else:
        messages.success(
            request,
            _("De toegang van %(user)s is bijgewerkt.") % {"user": membership.user},
        )
    return redirect("municipalities:team", municipality_slug=municipality.slug)


# --- Activiteitenlog -------------------------------------------------------------------------------


@require_GET
@tenant_view(roles=EDITOR_ROLES)
def activity_log(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None, municipality=municipality)
    entries = audit_entries(municipality=municipality, **form.filters())
    page, query = paginate(request, entries, AUDIT_PAGE_SIZE)
    rows = list(page.object_list)
    changes = audit_changes(rows)
    context = {
        "municipality": municipality,
        "form": form,
        "page": page,
        "rows": [(entry, _kind_label(entry), changes[entry.pk]) for entry in rows],
        "query": query,
    }
    # A filter value that is out of bounds (a date past 2100) is a bad request: the page shows
    # the Dutch form error with status 400.
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "municipalities/activity_log.html", context, status=status)


def _kind_label(entry) -> str:
    model = entry.content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model else entry.content_type.model


# --- Leeslog: who viewed which sensitive data -------------------------------------------------------

READ_LOG_PAGE_SIZE = 50


@require_GET
@tenant_view(roles=READ_LOG_ROLES, write_roles=READ_LOG_ROLES)
def read_log(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The read log, for the municipality's policy officers (staff: the admin)."""
    form = ReadLogFilterForm(request.GET or None, municipality=municipality)
    entries = read_log_entries(municipality=municipality, **form.filters())
    page, query = paginate(request, entries, READ_LOG_PAGE_SIZE)
    context = {
        "municipality": municipality,
        "form": form,
        "page": page,
        "rows": list(page.object_list),
        "query": query,
        "retention_days": settings.READ_LOG_DAYS,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "municipalities/read_log.html", context, status=status)


@require_GET
@tenant_view(roles=READ_LOG_ROLES, write_roles=READ_LOG_ROLES)
def read_log_download(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The filtered read log as CSV (a privacy request). Not itself logged: it shows no data of
    schools or budgets, and a log of reading the log would change every next download."""
    form = ReadLogFilterForm(request.GET or None, municipality=municipality)
    if form.is_bound and not form.is_valid():
        return read_log(request, municipality.slug)
    entries = read_log_entries(municipality=municipality, **form.filters())
    stamp = timezone.localdate().isoformat()
    return private_download(
        read_log_csv(entries),
        filename=f"leeslog-{municipality.slug}-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )


# --- Accepting an invitation (no membership yet, so not a tenant view) -----------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return render(
            request, "municipalities/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if not invitation.is_usable:
        if invitation.accepted_at:
            reason = "used"
        elif invitation.revoked_at:
            reason = "revoked"
        else:
            reason = "expired"
        return render(
            request,
            "municipalities/invitation_invalid.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    context = {"invitation": invitation, "token": token}
    page = "municipalities/invitation_accept.html"
    if request.user.is_authenticated and (account is None or account.pk != request.user.pk):
        # Logged in as someone else: the invitation is for another address.
        return render(request, page, {**context, "step": "other_user"}, status=403)
    if account is not None:
        if not request.user.is_authenticated:
            return render(request, page, {**context, "step": "login"})
        if request.method == "POST":
            return _accepted(request, invitation, user=request.user)
        return render(request, page, {**context, "step": "confirm"})

    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        return _accepted(
            request,
            invitation,
            password=form.cleaned_data["new_password1"],
            display_name=form.cleaned_data["display_name"],
        )
    return render(request, page, {**context, "step": "new_account", "form": form})


def _accepted(request, invitation, **kwargs) -> HttpResponse:
    try:
        user = invitation_accept_service(invitation=invitation, **kwargs)
    except ValidationError as error:
        return render(
            request,
            "municipalities/invitation_invalid.html",
            {"reason": "error", "message": " ".join(error.messages)},
            status=410,
        )
    if not request.user.is_authenticated:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request, _("Welkom bij %(municipality)s.") % {"municipality": invitation.municipality.name}
    )
    return redirect("municipalities:dashboard", municipality_slug=invitation.municipality.slug)
