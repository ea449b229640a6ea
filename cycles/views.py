"""Pages of the 4D cycle under /g/<municipality>/cycli/.

Every view is a ``tenant_view``: readers (advisor, policy officer, viewer) may look, editors
(advisor, policy officer) may change; schools see nothing here. Objects are fetched through the
selectors, which scope to the municipality and the cycle in the URL (404 otherwise).

Inline editing: a phase page consists of named partials ("sections"). With htmx, a form posts
and the response is the refreshed section; on a validation error it is the form itself
(retargeted to where the form stands). Without JavaScript the same URLs render full pages and
redirect after a successful POST.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import SET_NULL
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from cycles import gates, rules, selectors, services
from cycles.forms import (
    ActivityForm,
    AdvanceForm,
    AttachmentForm,
    CycleForm,
    EvaluationForm,
    FindingForm,
    GoalForm,
    GoBackForm,
    OutcomeForm,
    ProgressForm,
    SessionForm,
    WaiverForm,
)
from cycles.models import (
    PHASE_ORDER,
    Activity,
    Finding,
    Goal,
    GoalOutcome,
    GoalRevision,
    Phase,
    SessionAttachment,
    StakeholderSession,
    phase_next,
    phase_previous,
)
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, Municipality
from municipalities.pagecache import cached_tenant_page

STEPS = [Phase.DATA, Phase.DUIDEN, Phase.DOELEN, Phase.DOEN, Phase.EVALUATIE]


def _can_change(request: HttpRequest) -> bool:
    return request.membership.role in EDITOR_ROLES


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _base_context(request, cycle, page: str) -> dict:
    can_change = _can_change(request)
    return {
        "cycle": cycle,
        "page": page,
        "steps": STEPS,
        "can_change": can_change,
        "can": {k: v and can_change for k, v in rules.editable_map(cycle).items()},
        "goal_fixed": rules.goal_is_fixed(cycle),
    }


# --- Cycle list and overview ----------------------------------------------------------------------


@vary_on_headers("HX-Request")
@tenant_view()
def cycle_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    cycles = selectors.cycle_list(municipality=municipality)
    has_open = any(c.is_open for c in cycles)
    form = None
    if _can_change(request) and not has_open:
        form = CycleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                cycle = services.cycle_create(
                    municipality=municipality, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Cyclus “%(title)s” gestart.") % {"title": cycle.title})
                return redirect("cycles:detail", municipality.slug, cycle.pk)
    elif request.method == "POST":
        messages.error(request, services.ONE_OPEN_MESSAGE)
        return redirect("cycles:list", municipality.slug)
    return render(
        request,
        "cycles/cycle_list.html",
        {"cycles": cycles, "form": form, "has_open": has_open, "can_change": _can_change(request)},
    )


@cached_tenant_page
@tenant_view()
def cycle_detail(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    return render(request, "cycles/cycle_detail.html", _detail_context(request, cycle))


def _detail_context(request, cycle, advance_form=None, back_form=None, next_form=None) -> dict:
    items = gates.checklist(cycle) if cycle.is_open else []
    goals = selectors.cycle_goals(cycle=cycle)
    context = _base_context(request, cycle, "detail")
    context.update(
        {
            "checklist": items,
            "gate_passes": gates.gate_passes(items),
            "open_items": [i for i in items if not i.ok],
            "next_phase": phase_next(cycle.phase),
            "previous_phase": phase_previous(cycle.phase),
            "counts": selectors.cycle_counts(cycle=cycle),
            "progress": selectors.cycle_progress(goals),
            "goals": goals,
            "timeline": selectors.cycle_timeline(cycle=cycle),
            "advance_form": advance_form or AdvanceForm(),
            "back_form": back_form or GoBackForm(),
            "phase_index": PHASE_ORDER.index(cycle.phase),
        }
    )
    context["successor"] = selectors.cycle_successor(cycle=cycle)
    if cycle.phase == Phase.AFGEROND and context["successor"] is None:
        context["next_form"] = next_form or CycleForm(
            initial=services.next_cycle_defaults(cycle), prefix="next"
        )
        context["other_open"] = selectors.open_cycle(municipality=cycle.municipality)
    return context


@tenant_view(roles=EDITOR_ROLES)
def cycle_edit(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
        try:
            services.cycle_update(cycle=fresh, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Cyclus opgeslagen."))
            return redirect("cycles:detail", municipality.slug, cycle.pk)
    return _form_page(
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


@tenant_view(roles=EDITOR_ROLES)
def cycle_advance(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    if request.method != "POST":
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            transition = services.cycle_advance(
                cycle=cycle, actor=request.user, note=form.cleaned_data["note"]
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


@tenant_view(roles=EDITOR_ROLES)
def cycle_go_back(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    if request.method != "POST":
        return redirect("cycles:detail", municipality.slug, cycle.pk)
    form = GoBackForm(request.POST)
    if form.is_valid():
        try:
            transition = services.cycle_go_back(
                cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
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
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Volgende cyclus gestart; onafgemaakte doelen en activiteiten zijn overgenomen."),
            )
            return redirect("cycles:detail", municipality.slug, new.pk)
    return render(
        request, "cycles/cycle_detail.html", _detail_context(request, cycle, next_form=form)
    )


# --- Phase pages -----------------------------------------------------------------------------------


def _data_context(request, cycle, waiver_form=None) -> dict:
    context = _base_context(request, cycle, "data")
    context["checklist"] = gates.checklist_for(cycle, Phase.DATA)
    context["waiver_form"] = waiver_form or WaiverForm(
        initial={"waived": cycle.analyses_waived, "reason": cycle.analyses_waiver_reason}
    )
    context["waiver_url"] = reverse("cycles:waiver", args=[cycle.municipality.slug, cycle.pk])
    context["waiver_form"].auto_id = "waiver-form-%s"
    context["carried_goals"] = [g for g in selectors.cycle_goals(cycle=cycle) if g.carried_over]
    return context


def _duiden_context(request, cycle, session_form=None, finding_form=None) -> dict:
    context = _base_context(request, cycle, "duiden")
    context["sessions"] = selectors.cycle_sessions(cycle=cycle)
    context["findings"] = selectors.cycle_findings(cycle=cycle)
    context["session_form"] = session_form or SessionForm(cycle=cycle)
    context["finding_form"] = finding_form or FindingForm(cycle=cycle)
    context["session_form"].auto_id = "session-add-%s"
    context["finding_form"].auto_id = "finding-add-%s"
    return context


def _doelen_context(request, cycle, goal_form=None) -> dict:
    context = _base_context(request, cycle, "doelen")
    context["goals"] = selectors.cycle_goals(cycle=cycle)
    if context["can"]["goal"] and not context["goal_fixed"]:
        context["goal_form"] = goal_form or GoalForm(cycle=cycle)
        context["goal_form"].auto_id = "goal-add-%s"
    return context


def _doen_context(request, cycle) -> dict:
    context = _base_context(request, cycle, "doen")
    goals = selectors.cycle_goals(cycle=cycle)
    context["goals"] = goals
    context["progress"] = selectors.cycle_progress(goals)
    return context


def _evaluatie_context(request, cycle, evaluation_form=None) -> dict:
    context = _base_context(request, cycle, "evaluatie")
    goals = selectors.cycle_goals(cycle=cycle)
    context["goals"] = goals
    context["progress"] = selectors.cycle_progress(goals)
    context["evaluation_form"] = evaluation_form or EvaluationForm(instance=cycle)
    return context


PAGES = {
    "data": ("cycles/data.html", _data_context),
    "duiden": ("cycles/duiden.html", _duiden_context),
    "doelen": ("cycles/doelen.html", _doelen_context),
    "doen": ("cycles/doen.html", _doen_context),
    "evaluatie": ("cycles/evaluatie.html", _evaluatie_context),
}


def _phase_page(page: str):
    template, build = PAGES[page]

    @vary_on_headers("HX-Request")
    @tenant_view()
    def view(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
        cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
        return render(request, template, build(request, cycle))

    view.__name__ = f"{page}_page"
    return view


data_page = _phase_page("data")
duiden_page = _phase_page("duiden")
doelen_page = _phase_page("doelen")
doen_page = _phase_page("doen")
evaluatie_page = _phase_page("evaluatie")


def _saved(request, cycle, page: str, section: str, message: str) -> HttpResponse:
    """After a successful write: the refreshed section for htmx, else a redirect to the page."""
    template, build = PAGES[page]
    if request.htmx:
        return render(request, f"{template}#{section}", build(request, cycle))
    messages.success(request, message)
    url = reverse(f"cycles:{page}", args=[cycle.municipality.slug, cycle.pk])
    return redirect(f"{url}#{section}")


def _form_page(
    request,
    *,
    cycle,
    form,
    title: str,
    action: str,
    back: str,
    block_id: str,
    editable: bool,
    what: str,
    section: str = "",
    multipart: bool = False,
    intro: str = "",
) -> HttpResponse:
    """A form on its own page (no JavaScript) or just the form block (htmx)."""
    form.auto_id = f"{block_id}-%s"  # unique ids when several forms share a page
    context = {
        "cycle": cycle,
        "inline": bool(request.htmx),
        "form": form,
        "title": title,
        "action": action,
        "back": back,
        "block_id": block_id,
        "section": section,
        "editable": editable,
        "not_editable_message": rules.NOT_EDITABLE_MESSAGES[what],
        "multipart": multipart,
        "intro": intro,
    }
    if request.htmx:
        response = render(request, "cycles/form_page.html#form-block", context)
        if request.method == "POST":
            # The form had errors: put it back where it stood instead of replacing the section.
            response = reswap(retarget(response, f"#{block_id}"), "outerHTML")
        return response
    return render(request, "cycles/form_page.html", context)


def _page_url(cycle, page: str) -> str:
    return reverse(f"cycles:{page}", args=[cycle.municipality.slug, cycle.pk])


# --- Data ----------------------------------------------------------------------------------------


@tenant_view(roles=EDITOR_ROLES)
def waiver_edit(request: HttpRequest, municipality: Municipality, cycle_pk: int) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    form = WaiverForm(
        request.POST or None,
        initial={"waived": cycle.analyses_waived, "reason": cycle.analyses_waiver_reason},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_waive_analyses(
                cycle=cycle, waived=form.cleaned_data["waived"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "data", "analyses-section", _("Opgeslagen."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Schoolanalyses"),
        action=request.path,
        back=_page_url(cycle, "data"),
        block_id="waiver-form",
        editable=rules.can_edit(cycle, "waiver"),
        what="waiver",
        section="analyses-section",
    )


# --- Duiden --------------------------------------------------------------------------------------


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
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "duiden", "sessions-section", _("Sessie opgeslagen."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Sessie bewerken") if session else _("Sessie toevoegen"),
        action=request.path,
        back=_page_url(cycle, "duiden"),
        block_id=f"session-{session.pk}" if session else "session-add",
        editable=rules.can_edit(cycle, "session"),
        what="session",
        section="sessions-section",
    )


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
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "duiden", "sessions-section", _("Bijlage toegevoegd."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Bijlage toevoegen aan “%(title)s”") % {"title": session.title},
        action=request.path,
        back=_page_url(cycle, "duiden"),
        block_id=f"attachment-{session.pk}",
        editable=rules.can_edit(cycle, "session"),
        what="session",
        section="sessions-section",
        multipart=True,
    )


@tenant_view()
def attachment_download(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, attachment_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    attachment = selectors.attachment_get(cycle=cycle, pk=attachment_pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


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
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "duiden", "findings-section", _("Bevinding opgeslagen."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Bevinding bewerken") if finding else _("Bevinding toevoegen"),
        action=request.path,
        back=_page_url(cycle, "duiden"),
        block_id=f"finding-{finding.pk}" if finding else "finding-add",
        editable=rules.can_edit(cycle, "finding"),
        what="finding",
        section="findings-section",
    )


# --- Doelen --------------------------------------------------------------------------------------


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
        try:
            services.goal_save(cycle=cycle, goal=goal, actor=request.user, reason=reason, data=data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            page = "doen" if rules.goal_is_fixed(cycle) else "doelen"
            section = "activities-section" if page == "doen" else "goals-section"
            return _saved(request, cycle, page, section, _("Doel opgeslagen."))
    editable = rules.can_edit(cycle, "goal") and not (rules.goal_is_fixed(cycle) and goal is None)
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=(_("Doel bijstellen") if fixed else _("Doel bewerken"))
        if goal
        else _("Doel toevoegen"),
        action=request.path,
        back=_page_url(cycle, "doen" if fixed else "doelen"),
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


# --- Doen -----------------------------------------------------------------------------------------


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
        try:
            services.activity_save(cycle=cycle, goal=goal, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "doen", "activities-section", _("Activiteit opgeslagen."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=(_("Activiteit bewerken") if activity else _("Activiteit toevoegen"))
        + f" · {goal.title}",
        action=request.path,
        back=_page_url(cycle, "doen"),
        block_id=f"activity-{activity.pk}" if activity else f"goal-{goal.pk}-activity-add",
        editable=rules.can_edit(cycle, "activity"),
        what="activity",
        section="activities-section",
    )


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
            _add_errors(form, exc)
        else:
            return _saved(request, cycle, "doen", "activities-section", _("Voortgang vastgelegd."))
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Voortgang van “%(title)s”") % {"title": activity.title},
        action=request.path,
        back=_page_url(cycle, "doen"),
        block_id=f"activity-{activity.pk}-progress",
        editable=rules.can_edit(cycle, "progress"),
        what="progress",
        section="activities-section",
        intro=_(
            "Vul bij gemeten waarde de stand van de indicator van het doel “%(goal)s” in (%(indicator)s)."
        )
        % {"goal": activity.goal.title, "indicator": activity.goal.indicator or "—"},
    )


# --- Deleting -------------------------------------------------------------------------------------
#
# GET shows a confirmation page (what goes with it, what only loses the link), POST deletes and
# redirects to the phase page with a message: works without JavaScript. The rules live in the
# services (``<kind>_delete_check``), so a refusal shows on the confirmation page already.


def _count(model, n: int) -> str:
    """A number with the model's translated name, e.g. "2 bijlagen"."""
    meta = model._meta
    return f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}"


def _linked_elsewhere(model, pks, municipality) -> list[tuple[type, int]]:
    """Rows of other apps (the budget) that point at these rows and only lose the link when they
    are deleted (SET_NULL or many-to-many). Read from the relations, so cycles imports nothing
    from the apps above it; counted within the municipality, through ``for_municipality``."""
    found = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        other = rel.related_model
        if other._meta.app_label == model._meta.app_label or other._meta.auto_created:
            continue
        if rel.many_to_many or getattr(rel, "on_delete", None) is SET_NULL:
            rows = other._default_manager.for_municipality(municipality)
            n = rows.filter(**{f"{rel.field.name}__in": pks}).distinct().count()
            found.append((other, n))
    return found


def _delete_page(
    request,
    *,
    cycle,
    page: str,
    section: str,
    title: str,
    question: str,
    consequences,
    check,
    delete,
    done: str,
) -> HttpResponse:
    """The confirmation page (GET) or the delete itself (POST). ``consequences()`` returns two
    lists of (model, count): what is deleted with it, and what stays but loses the link."""
    back = _page_url(cycle, page)
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect(f"{back}#{section}")
    try:
        check()
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    else:
        refusal = ""
    removed, unlinked = consequences() if not refusal else ([], [])
    return render(
        request,
        "cycles/confirm_delete.html",
        {
            "cycle": cycle,
            "title": title,
            "question": question,
            "refusal": refusal,
            "removed": [_count(model, n) for model, n in removed if n],
            "unlinked": [_count(model, n) for model, n in unlinked if n],
            "back": f"{back}#{section}",
        },
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def session_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, session_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    session = selectors.session_get(cycle=cycle, pk=session_pk)
    names = {"title": session.title}
    return _delete_page(
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
                *_linked_elsewhere(StakeholderSession, [session.pk], municipality),
            ],
        ),
        check=lambda: services.session_delete_check(cycle=cycle, session=session),
        delete=lambda: services.session_delete(cycle=cycle, session=session, user=request.user),
        done=_("Sessie “%(title)s” verwijderd.") % names,
    )


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def finding_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, finding_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    finding = selectors.finding_get(cycle=cycle, pk=finding_pk)
    names = {"title": finding.theme}
    return _delete_page(
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
                *_linked_elsewhere(Finding, [finding.pk], municipality),
            ],
        ),
        check=lambda: services.finding_delete_check(cycle=cycle, finding=finding),
        delete=lambda: services.finding_delete(cycle=cycle, finding=finding, user=request.user),
        done=_("Bevinding “%(title)s” verwijderd.") % names,
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
                *_linked_elsewhere(Goal, [goal.pk], municipality),
                *_linked_elsewhere(Activity, activity_pks, municipality),
            ],
        )

    return _delete_page(
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


@require_http_methods(["GET", "POST"])
@tenant_view(roles=EDITOR_ROLES)
def activity_delete(
    request: HttpRequest, municipality: Municipality, cycle_pk: int, activity_pk: int
) -> HttpResponse:
    cycle = selectors.cycle_get(municipality=municipality, pk=cycle_pk)
    activity = selectors.activity_get(cycle=cycle, pk=activity_pk)
    names = {"title": activity.title}
    return _delete_page(
        request,
        cycle=cycle,
        page="doen",
        section="activities-section",
        title=_("Activiteit verwijderen"),
        question=_("Weet je zeker dat je de activiteit “%(title)s” wilt verwijderen?") % names,
        consequences=lambda: ([], _linked_elsewhere(Activity, [activity.pk], municipality)),
        check=lambda: services.activity_delete_check(cycle=cycle, activity=activity),
        delete=lambda: services.activity_delete(cycle=cycle, activity=activity, user=request.user),
        done=_("Activiteit “%(title)s” verwijderd.") % names,
    )


# --- Evaluatie ------------------------------------------------------------------------------------


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
            _add_errors(form, exc)
        else:
            return _saved(
                request, cycle, "evaluatie", "outcomes-section", _("Resultaat opgeslagen.")
            )
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Resultaat van “%(title)s”") % {"title": goal.title},
        action=request.path,
        back=_page_url(cycle, "evaluatie"),
        block_id=f"goal-{goal.pk}-outcome",
        editable=rules.can_edit(cycle, "evaluation"),
        what="evaluation",
        section="outcomes-section",
    )


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
            _add_errors(form, exc)
        else:
            return _saved(
                request, fresh, "evaluatie", "evaluation-section", _("Evaluatie opgeslagen.")
            )
    return _form_page(
        request,
        cycle=cycle,
        form=form,
        title=_("Procesevaluatie en geleerde lessen"),
        action=request.path,
        back=_page_url(cycle, "evaluatie"),
        block_id="evaluation-form",
        editable=rules.can_edit(cycle, "evaluation"),
        what="evaluation",
        section="evaluation-section",
    )
