"""The Evaluatie phase: the outcome of each goal, and the process evaluation of the cycle."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import rules, selectors, services
from cycles.forms import EvaluationForm, OutcomeForm
from cycles.models import GoalOutcome
from cycles.views.common import form_page, page_url
from cycles.views.phases import saved
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def outcome_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, goal_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    goal = selectors.goal_get(cycle=cycle, pk=goal_pk)
    instance = GoalOutcome.objects.for_municipality(municipality).filter(goal=goal).first()
    form = OutcomeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_outcome_set(cycle=cycle, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(
                request, cycle, "evaluatie", "outcomes-section", _("Resultaat opgeslagen.")
            )
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Resultaat van “%(title)s”") % {"title": goal.title},
        action=request.path,
        back=page_url(cycle, "evaluatie"),
        block_id=f"goal-{goal.pk}-outcome",
        editable=rules.can_edit(cycle, "evaluation"),
        what="evaluation",
        section="outcomes-section",
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def evaluation_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    form = EvaluationForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
        try:
            services.cycle_evaluation_update(cycle=fresh, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(
                request, fresh, "evaluatie", "evaluation-section", _("Evaluatie opgeslagen.")
            )
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Procesevaluatie en geleerde lessen"),
        action=request.path,
        back=page_url(cycle, "evaluatie"),
        block_id="evaluation-form",
        editable=rules.can_edit(cycle, "evaluation"),
        what="evaluation",
        section="evaluation-section",
    )
