"""The Data phase: waiving the school analyses (with a reason)."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import rules, selectors, services
from cycles.forms import WaiverForm
from cycles.views.common import form_page, page_url
from cycles.views.phases import saved
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def waiver_edit(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    form = WaiverForm(
        request.POST or None,
        initial={
            "waived": cycle.analyses_waived,
            "reason": cycle.analyses_waiver_reason,
            "analyses_due": cycle.analyses_due,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_waive_analyses(
                cycle=cycle,
                waived=form.cleaned_data["waived"],
                reason=form.cleaned_data["reason"],
                analyses_due=form.cleaned_data["analyses_due"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(request, cycle, "data", "analyses-section", _("Opgeslagen."))
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Schoolanalyses"),
        action=request.path,
        back=page_url(cycle, "data"),
        block_id="waiver-form",
        editable=rules.can_edit(cycle, "waiver"),
        what="waiver",
        section="analyses-section",
    )
