"""The cycle itself: the list (and starting the first cycle), the overview page with its
phase checklist, editing the cycle, moving between phases and starting the next cycle."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from core.forms import add_errors
from cycles import gates, rules, selectors, services
from cycles.forms import AdvanceForm, CycleForm, GoBackForm
from cycles.models import PHASE_ORDER, Phase, phase_next, phase_previous
from cycles.views.common import base_context, can_change, form_page
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality
from municipalities.pagecache import cached_tenant_page
from municipalities.versions import EditConflict


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view()
def cycle_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cycles = selectors.cycle_list(municipality=municipality)
    has_open = any(c.is_open for c in cycles)
    form = None
    if can_change(request) and not has_open:
        form = CycleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cycle = services.cycle_create(
                    municipality=municipality, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Cyclus “%(title)s” gestart.") % {"title": cycle.title})
                return redirect("cycles:detail", municipality.slug, cycle.pk)
    elif request.method == "POST":
        messages.error(request, services.ONE_OPEN_MESSAGE)
        return redirect("cycles:list", municipality.slug)
    return render(
        request,
        "cycles/cycle_list.html",
        {"cycles": cycles, "form": form, "has_open": has_open, "can_change": can_change(request)},
    )


@require_GET
@cached_tenant_page
@tenant_view()
def cycle_detail(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    return render(request, "cycles/cycle_detail.html", _detail_context(request, cycle))


def _detail_context(request, cycle, advance_form=None, back_form=None, next_form=None) -> dict:
    items = gates.checklist(cycle) if cycle.is_open else []
    context = base_context(request, cycle, "detail")
    context.update(
        {
            "checklist": items,
            "gate_passes": gates.gate_passes(items),
            "open_items": [i for i in items if not i.ok],
            "next_phase": phase_next(cycle.phase),
            # Its label, in the page's language ("Goals", not the stored "doelen").
            "previous_phase": Phase(prev).label if (prev := phase_previous(cycle.phase)) else None,
            "counts": selectors.cycle_counts(cycle=cycle),
            "timeline": selectors.cycle_timeline(cycle=cycle),
            "advance_form": advance_form or AdvanceForm(initial={"from_phase": cycle.phase}),
            "back_form": back_form or GoBackForm(initial={"from_phase": cycle.phase}),
            "phase_index": PHASE_ORDER.index(cycle.phase),
        }
    )
    goals = selectors.cycle_goal_progress(cycle=cycle)
    context["goals"] = goals
    context["progress"] = selectors.cycle_progress_of(goals)  # read with the goals
    context["successor"] = selectors.cycle_successor(cycle=cycle)
    if cycle.phase == Phase.AFGEROND and context["successor"] is None:
        context["next_form"] = next_form or CycleForm(
            initial=services.next_cycle_defaults(cycle), prefix="next"
        )
        context["other_open"] = selectors.open_cycle(municipality=cycle.municipality)
    return context


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@tenant_view(roles=EDITOR_ROLES)
def cycle_edit(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        try:
            services.cycle_update(cycle=fresh, version=version, **data)
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Cyclus opgeslagen."))
            return redirect("cycles:detail", municipality.slug, cycle.pk)
    return form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Cyclus bewerken"),
        action=request.path,
        back=reverse("cycles:detail", args=[municipality.slug, cycle.pk]),
        block_id="cycle-form",
        editable=rules.can_edit(cycle, "cycle"),
        what="cycle",
    )


# The phase changes and the next cycle are POSTed from the overview page. A GET (for instance
# the return to a form's URL after logging in again) leads back to that page.

STALE_FORM_MESSAGE = gettext_lazy(
    "Dit formulier is verouderd (de fase waarvan het uitging ontbreekt). Er is niets veranderd; "
    "kijk naar de huidige fase en probeer het opnieuw."
)


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def cycle_advance(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    if request.method != "POST":
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, STALE_FORM_MESSAGE)
    else:
        try:
            transition = services.cycle_advance(
                cycle=cycle,
                actor=request.user,
                note=form.cleaned_data["note"],
                from_phase=form.cleaned_data["from_phase"],
            )
        except services.GateBlocked as exc:
            messages.error(
                request,
                _("Nog niet naar de volgende fase: %(missing)s")
                % {"missing": "; ".join(exc.messages)},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("De cyclus is nu in de fase %(phase)s.")
                % {"phase": transition.get_to_phase_display()},
            )
    return redirect("cycles:detail", municipality.slug, cycle.pk)


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def cycle_go_back(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    if request.method != "POST":
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    form = GoBackForm(request.POST)
    if "from_phase" in form.errors:
        messages.error(request, STALE_FORM_MESSAGE)
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    if form.is_valid():
        try:
            transition = services.cycle_go_back(
                cycle=cycle,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                from_phase=form.cleaned_data["from_phase"],
            )
        except services.PhaseMoved as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("cycles:detail", municipality.slug, cycle.pk)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("De cyclus is terug in de fase %(phase)s.")
                % {"phase": transition.get_to_phase_display()},
            )
            return redirect("cycles:detail", municipality.slug, cycle.pk)
    return render(
        request,
        "cycles/cycle_detail.html",
        _detail_context(request, cycle, back_form=form),
        status=200,
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def cycle_start_next(
    request: HttpRequest, municipality: Municipality, cycle_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    if request.method != "POST":
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    form = CycleForm(request.POST, prefix="next")
    if form.is_valid():
        try:
            new = services.cycle_start_next(cycle=cycle, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Volgende cyclus gestart; onafgemaakte doelen en activiteiten zijn overgenomen."),
            )
            return redirect("cycles:detail", municipality.slug, new.pk)
    return render(
        request, "cycles/cycle_detail.html", _detail_context(request, cycle, next_form=form)
    )
