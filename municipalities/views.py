from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from municipalities.access import tenant_view
from municipalities.models import READER_ROLES, Municipality, Role
from municipalities.selectors import memberships_of_user, municipality_members


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One membership: straight to that municipality. Several: "Mijn gemeenten". None: a note."""
    memberships = memberships_of_user(user=request.user)
    if len(memberships) == 1:
        return redirect(
            "municipalities:dashboard", municipality_slug=memberships[0].municipality.slug
        )
    return render(request, "municipalities/home.html", {"memberships": memberships})


@require_GET
@tenant_view(roles=READER_ROLES | {Role.SCHOOL})
def dashboard(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    context = {"municipality": municipality, "membership": request.membership}
    if request.membership.can_read_all:
        context["members"] = municipality_members(municipality=municipality)
    return render(request, "municipalities/dashboard.html", context)
