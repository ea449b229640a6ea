"""The Data phase: waiving the school analyses (with a reason)."""

from collections.abc import Callable

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import rules, selectors, services
from cycles.forms import WaiverForm
from cycles.models import Cycle
from cycles.views.common import form_page, page_url
from cycles.views.phases import goal_page_number, goal_page_url, saved
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


# --- Vertrekpunt: the new cycle's Data phase starts from its predecessor's evaluation ----------
#
# Under which funding stream a continued activity goes on is decided in the close-out
# (closeout.ActivityContinuation), a layer above cycles. closeout contributes it through this
# registry (from its AppConfig.ready), so cycles imports nothing from above.

ContinuationProvider = Callable[[list[int]], dict[int, str]]
_continuation_providers: list[ContinuationProvider] = []


def register_continuation_provider(provider: ContinuationProvider) -> None:
    """``provider(activity_ids)`` returns, per id of an activity of a closed cycle, a short text
    saying how it continues (stream and category); one query whatever the number of ids."""
    if provider not in _continuation_providers:
        _continuation_providers.append(provider)


def _continuation_texts(activity_ids: list[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for provider in _continuation_providers:
        texts.update(provider(activity_ids))
    return texts


def starting_point(cycle: Cycle) -> dict | None:
    """The predecessor's evaluation for the Data page: per goal baseline, target, last measured
    result and verdict, its lessons, and this cycle's activities continued from it (with the
    stream they continue under). None for a cycle without a predecessor. Fixed queries."""
    previous = cycle.predecessor
    if previous is None:
        return None
    goals = selectors.goals_with_outcome(cycle=previous, municipality_id=cycle.municipality_id)
    continued = selectors.continued_activities(cycle=cycle, previous=previous)
    texts = _continuation_texts([a.carried_from_id for a in continued])
    position = {goal.pk: i for i, goal in enumerate(goals)}  # by pk, as Doen pages them
    return {
        "previous": previous,
        "goals": [
            {"goal": goal, "outcome": goal.outcome if _has_outcome(goal) else None}
            for goal in goals
        ],
        "continued": [
            {
                "activity": a,
                "how": texts.get(a.carried_from_id, ""),
                # Its history: the activity on the previous cycle's Doen, on its goal's page.
                "history_url": goal_page_url(
                    cycle.municipality.slug,
                    previous.pk,
                    "doen",
                    goal_page_number(position.get(a.carried_from.goal_id, 0)),
                    f"activity-{a.carried_from_id}",
                ),
            }
            for a in continued
        ],
    }


def _has_outcome(goal) -> bool:
    try:
        goal.outcome  # noqa: B018 - select_related: no query
    except ObjectDoesNotExist:
        return False
    return True
