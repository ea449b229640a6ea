"""The Doelen phase: goals, and their bijstellingen (revisions with a reason) once they are fixed."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import rules, selectors, services
from cycles.forms import GoalForm
from cycles.models import Activity, Finding, Goal, GoalRevision
from cycles.views.common import form_page, page_url
from cycles.views.deletion import delete_page, linked_elsewhere
from cycles.views.phases import saved
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality
from municipalities.versions import EditConflict


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def goal_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, goal_pk: int | None = None
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    goal = selectors.goal_get(cycle=cycle, pk=goal_pk) if goal_pk else None
    fixed = rules.goal_is_fixed(cycle) and goal is not None
    form = GoalForm(request.POST or None, instance=goal, cycle=cycle, fixed=fixed)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        version = form.pop_version(data)
        try:
            saved_goal = services.goal_save(
                cycle=cycle,
                goal=goal,
                actor=request.user,
                reason=reason,
                data=data,
                version=version,
            )
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            page = "doen" if rules.goal_is_fixed(cycle) else "doelen"
            section = "activities-section" if page == "doen" else "goals-section"
            return saved(
                request, cycle, page, section, _("Doel opgeslagen."), goal_pk=saved_goal.pk
            )
    editable = rules.can_edit(cycle, "goal") and not (rules.goal_is_fixed(cycle) and goal is None)
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=(_("Doel bijstellen") if fixed else _("Doel bewerken"))
        if goal
        else _("Doel toevoegen"),
        action=request.path,
        back=page_url(cycle, "doen" if fixed else "doelen"),
        block_id=f"goal-{goal.pk}" if goal else "goal-add",
        editable=editable,
        what="goal",
        section="activities-section" if fixed else "goals-section",
        intro=_(
            "Dit doel ligt vast sinds de fase Doen. Een wijziging wordt met reden vastgelegd als "
            "bijstelling en verschijnt op de tijdlijn."
        )
        if fixed
        else "",
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def goal_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, goal_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    goal = selectors.goal_get(cycle=cycle, pk=goal_pk)
    names = {"title": goal.title}

    def consequences():
        activity_pks = list(goal.activities.values_list("pk", flat=True))
        return (
            [(Activity, len(activity_pks)), (GoalRevision, goal.revisions.count())],
            [
                (Finding, goal.findings.count()),
                *linked_elsewhere(Goal, [goal.pk], municipality),
                *linked_elsewhere(Activity, activity_pks, municipality),
            ],
        )

    return delete_page(
        request,
        cycle=cycle,
        page="doelen",
        section="goals-section",
        title=_("Doel verwijderen"),
        question=_("Weet je zeker dat je het doel “%(title)s” wilt verwijderen?") % names,
        consequences=consequences,
        check=lambda: services.goal_delete_check(cycle=cycle, goal=goal),
        delete=lambda: services.goal_delete(cycle=cycle, goal=goal, user=request.user),
        done=_("Doel “%(title)s” verwijderd.") % names,
    )
