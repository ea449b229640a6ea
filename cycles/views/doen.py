"""The Doen phase: activities under a goal, and the progress recorded on them."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import rules, selectors, services
from cycles.forms import ActivityForm, ProgressForm
from cycles.models import Activity
from cycles.views.common import form_page, page_url
from cycles.views.deletion import delete_page, linked_elsewhere
from cycles.views.phases import saved
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality
from municipalities.versions import EditConflict


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def activity_form(
    request: HttpRequest,
    municipality: Municipality,
    cycle_pk: int,
    goal_pk: int | None = None,
    activity_pk: int | None = None,
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    activity = selectors.activity_get(cycle=cycle, pk=activity_pk) if activity_pk else None
    goal = activity.goal if activity else selectors.goal_get(cycle=cycle, pk=goal_pk)
    form = ActivityForm(request.POST or None, instance=activity, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        try:
            saved_activity = services.activity_save(
                cycle=cycle, goal=goal, activity=activity, version=version, **data
            )
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(
                request,
                cycle,
                "doen",
                "activities-section",
                _("Activiteit opgeslagen."),
                goal_pk=goal.pk,
                anchor=f"activity-{saved_activity.pk}",
            )
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=(_("Activiteit bewerken") if activity else _("Activiteit toevoegen"))
        + f" · {goal.title}",
        action=request.path,
        back=page_url(cycle, "doen"),
        block_id=f"activity-{activity.pk}" if activity else f"goal-{goal.pk}-activity-add",
        editable=rules.can_edit(cycle, "activity"),
        what="activity",
        section="activities-section",
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def activity_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, activity_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    activity = selectors.activity_get(cycle=cycle, pk=activity_pk)
    names = {"title": activity.title}
    return delete_page(
        request,
        cycle=cycle,
        page="doen",
        section="activities-section",
        title=_("Activiteit verwijderen"),
        question=_("Weet je zeker dat je de activiteit “%(title)s” wilt verwijderen?") % names,
        consequences=lambda: ([], linked_elsewhere(Activity, [activity.pk], municipality)),
        check=lambda: services.activity_delete_check(cycle=cycle, activity=activity),
        delete=lambda: services.activity_delete(cycle=cycle, activity=activity, user=request.user),
        done=_("Activiteit “%(title)s” verwijderd.") % names,
    )


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def progress_form(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, activity_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    activity = selectors.activity_get(cycle=cycle, pk=activity_pk)
    form = ProgressForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_add(
                cycle=cycle, activity=activity, author=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return saved(
                request,
                cycle,
                "doen",
                "activities-section",
                _("Voortgang vastgelegd."),
                goal_pk=activity.goal_id,
                anchor=f"activity-{activity.pk}",
            )
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Voortgang van “%(title)s”") % {"title": activity.title},
        action=request.path,
        back=page_url(cycle, "doen"),
        block_id=f"activity-{activity.pk}-progress",
        editable=rules.can_edit(cycle, "progress"),
        what="progress",
        section="activities-section",
        intro=_(
            "Vul bij gemeten waarde de stand van de indicator van het doel “%(goal)s” in (%(indicator)s)."
        )
        % {"goal": activity.goal.title, "indicator": activity.goal.indicator or "—"},
    )
