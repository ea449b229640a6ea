"""The close-out step "Voortzetting" under /g/<municipality>/eindverantwoording/voortzetting/.

For a closed cycle (Evaluatie or Afgerond) every activity with its goal, status, the goal's result
and spending category, and per activity the decision: continue, continue changed or stop, with
the stream (and that stream's category) it continues under. Editors decide and continue the work
in a new cycle; viewers read the decisions. Writes go through ``closeout.services``.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets.models import FundingStream
from budgets.streams import CATEGORY_CHOICES, category_label
from closeout import services
from closeout.models import ActivityContinuation
from core.forms import add_errors
from cycles.models import Activity, Cycle
from cycles.services.carry_over import next_cycle_defaults
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, READER_ROLES, Municipality

continuation_view = tenant_view(roles=READER_ROLES, write_roles=EDITOR_ROLES)
Decision = ActivityContinuation.Decision
FORMSET_PREFIX = "besluit"


# --- Reads ------------------------------------------------------------------------------------


def closed_cycles(municipality: Municipality):
    """The municipality's cycles in Evaluatie or Afgerond, newest first, with decision counts."""
    return (
        Cycle.objects.for_municipality(municipality)
        .filter(phase__in=services.CLOSED_PHASES)
        .annotate(
            n_activities=Count("goals__activities", distinct=True),
            n_decided=Count(
                "goals__activities",
                filter=Q(goals__activities__continuation__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-end_date", "-pk")
    )


def closed_cycle_get(*, municipality: Municipality, pk: int) -> Cycle:
    """A closed cycle of the municipality; 404 for anything else (another municipality's too)."""
    return get_object_or_404(
        Cycle.objects.for_municipality(municipality).filter(phase__in=services.CLOSED_PHASES),
        pk=pk,
    )


def continuing_streams(today: datetime.date) -> list[FundingStream]:
    """The streams work can continue under: active, and their window not ended (one query)."""
    return list(
        FundingStream.objects.filter(is_active=True)
        .filter(Q(window_end__isnull=True) | Q(window_end__gte=today))
        .order_by("sort_order", "name")
    )


def continuation_texts(activity_ids: list[int]) -> dict[int, str]:
    """How each of these activities continues ("Aangepast voortzetten: GOAB/OAB, Voorschoolse
    educatie"), for the new cycle's Vertrekpunt panel (registered with cycles in
    closeout.apps). The ids come from a tenant-filtered query of the caller; one query."""
    # No order: the texts go into a dict, and the model's default order (by the activity's
    # cycle and goal) joins three tables for nothing.
    rows = (
        ActivityContinuation.objects.filter(activity_id__in=activity_ids)
        .select_related("stream")
        .order_by()
    )
    texts = {}
    for row in rows:
        parts = [row.stream.name] if row.stream else []
        if row.category:
            parts.append(category_label(row.category))
        texts[row.activity_id] = f"{row.get_decision_display()}: {', '.join(parts)}".rstrip(": ")
    return texts


@dataclass
class Row:
    activity: Activity
    continuation: ActivityContinuation | None
    copy: Activity | None  # its copy in a later cycle, once continued

    @property
    def category_label(self) -> str:
        c = self.continuation
        return category_label(c.category) if c and c.category else ""


def continuation_rows(cycle: Cycle) -> list[Row]:
    """Every activity of the cycle with its goal, the goal's outcome, the decision and its copy
    in a later cycle: three queries, however many activities."""
    activities = list(
        Activity.objects.for_municipality(cycle.municipality_id)
        .filter(goal__cycle=cycle)
        .select_related("goal__outcome", "continuation__stream", "executing_partner")
        .order_by("goal_id", "start_date", "pk")
    )
    copies = services._continued_copies(a.pk for a in activities)
    rows = []
    for activity in activities:
        try:
            continuation = activity.continuation
        except ActivityContinuation.DoesNotExist:
            continuation = None
        rows.append(Row(activity=activity, continuation=continuation, copy=copies.get(activity.pk)))
    return rows


def _goal_outcome(goal):
    try:
        return goal.outcome
    except ObjectDoesNotExist:
        return None


# --- Forms ------------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    activity = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("Besluit"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("", gettext_lazy("Nog geen besluit")), *Decision.choices],
    )
    stream = forms.TypedChoiceField(
        label=gettext_lazy("Geldstroom"), required=False, coerce=int, empty_value=None
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Categorie van die geldstroom"),
        required=False,
        choices=[("", gettext_lazy("— kies een categorie —")), *CATEGORY_CHOICES],
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, streams: dict[int, FundingStream], **kwargs):
        super().__init__(*args, **kwargs)
        self.streams = streams
        self.fields["stream"].choices = [
            ("", _("— kies een geldstroom —")),
            *((pk, s.name) for pk, s in streams.items()),
        ]

    def clean(self):
        cleaned = super().clean()
        stream = self.streams.get(cleaned.get("stream"))
        cleaned["stream"] = stream
        decision = cleaned.get("decision", "")
        for field, message in services.continuation_errors(
            decision=decision, stream=stream, category=cleaned.get("category", "")
        ).items():
            self.add_error(field, message)
        return cleaned

    def as_input(self) -> services.ContinuationInput:
        data = self.cleaned_data
        return services.ContinuationInput(
            activity_id=data["activity"],
            decision=data.get("decision", ""),
            stream=data.get("stream"),
            category=data.get("category", ""),
            note=data.get("note", ""),
        )


DecisionFormSet = forms.formset_factory(DecisionForm, extra=0)


class NewCycleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Titel van de nieuwe cyclus"), max_length=200)
    start_date = forms.DateField(
        label=gettext_lazy("Begindatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=gettext_lazy("Einddatum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("De einddatum ligt voor de begindatum."))
        return cleaned


def new_cycle_defaults(cycle: Cycle) -> dict:
    """A proposal: a two-year LEA period from the day after the closed cycle ends."""
    return next_cycle_defaults(cycle, years=2, title=_("LEA %(start)s–%(end)s"))


# --- Views ------------------------------------------------------------------------------------


def _page_url(municipality: Municipality, cycle: Cycle) -> str:
    return reverse("closeout:continuation", args=[municipality.slug, cycle.pk])


def _formset(rows: list[Row], streams: list[FundingStream], data=None):
    """One form per activity not yet continued into a later cycle, in the order of ``rows``."""
    initial = [
        {
            "activity": row.activity.pk,
            "decision": row.continuation.decision if row.continuation else "",
            "stream": row.continuation.stream_id if row.continuation else None,
            "category": row.continuation.category if row.continuation else "",
            "note": row.continuation.note if row.continuation else "",
        }
        for row in rows
        if row.copy is None
    ]
    return DecisionFormSet(
        data,
        initial=initial,
        prefix=FORMSET_PREFIX,
        form_kwargs={"streams": {s.pk: s for s in streams}},
    )


def _render(request, municipality, cycle, *, formset=None, new_cycle_form=None, errors=()):
    rows = continuation_rows(cycle)
    streams = continuing_streams(timezone.localdate())
    can_edit = request.membership.can_edit
    successor = Cycle.objects.for_municipality(municipality).filter(predecessor=cycle).first()
    if can_edit and formset is None:
        formset = _formset(rows, streams)
    if can_edit and new_cycle_form is None and successor is None:
        new_cycle_form = NewCycleForm(initial=new_cycle_defaults(cycle))
    open_forms = iter(formset.forms if formset is not None else [])
    items = [
        {
            "row": row,
            "form": next(open_forms, None) if row.copy is None and formset is not None else None,
            "outcome": _goal_outcome(row.activity.goal),
        }
        for row in rows
    ]
    continued = [r for r in rows if r.continuation and r.continuation.decision != Decision.STOP]
    context = {
        "cycle": cycle,
        "errors": list(errors),
        "items": items,
        "formset": formset,
        "new_cycle_form": new_cycle_form,
        "successor": successor,
        "streams": streams,
        "can_edit": can_edit,
        "n_decided": len([r for r in rows if r.continuation]),
        "n_continued": len(continued),
        "n_waiting": len([r for r in continued if r.copy is None]),
    }
    return render(request, "closeout/continuation.html", context)


@require_GET
@continuation_view
def continuation_index(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(
        request,
        "closeout/continuation_index.html",
        {"cycles": list(closed_cycles(municipality)), "can_edit": request.membership.can_edit},
    )


@require_http_methods(["GET", "POST"])
@continuation_view
def continuation(
    request: HttpRequest, municipality: Municipality, closed_cycle_pk: int
) -> HttpResponse:
    cycle = closed_cycle_get(municipality=municipality, pk=closed_cycle_pk)
    if request.method != "POST":
        return _render(request, municipality, cycle)
    rows = continuation_rows(cycle)
    streams = continuing_streams(timezone.localdate())
    formset = _formset(rows, streams, data=request.POST)
    if formset.is_valid():
        inputs = [form.as_input() for form in formset.forms]
        try:
            saved = services.continuations_save(cycle=cycle, decisions=inputs, actor=request.user)
        except ValidationError as exc:
            return _render(request, municipality, cycle, formset=formset, errors=exc.messages)
        else:
            messages.success(
                request,
                ngettext("%(n)s besluit opgeslagen.", "%(n)s besluiten opgeslagen.", len(saved))
                % {"n": len(saved)},
            )
            return redirect(_page_url(municipality, cycle))
    return _render(request, municipality, cycle, formset=formset)


@require_POST
@continuation_view
def continuation_start(
    request: HttpRequest, municipality: Municipality, closed_cycle_pk: int
) -> HttpResponse:
    cycle = closed_cycle_get(municipality=municipality, pk=closed_cycle_pk)
    has_successor = Cycle.objects.for_municipality(municipality).filter(predecessor=cycle).exists()
    form = NewCycleForm(request.POST or None)
    if has_successor or form.is_valid():
        data = form.cleaned_data if not has_successor else {}
        try:
            result = services.continuation_carry_over(
                cycle=cycle,
                actor=request.user,
                title=data.get("title", ""),
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
            )
        except ValidationError as exc:
            if has_successor:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect(_page_url(municipality, cycle))
            add_errors(form, exc)
        else:
            n = len(result.created)
            text = ngettext(
                "%(n)s activiteit voortgezet in %(cycle)s.",
                "%(n)s activiteiten voortgezet in %(cycle)s.",
                n,
            ) % {"n": n, "cycle": result.cycle.title}
            if result.already:
                text += " " + ngettext(
                    "%(n)s activiteit stond er al en is niet nog eens gekopieerd.",
                    "%(n)s activiteiten stonden er al en zijn niet nog eens gekopieerd.",
                    len(result.already),
                ) % {"n": len(result.already)}
            messages.success(request, text)
            return redirect(
                "cycles:data", municipality_slug=municipality.slug, cycle_pk=result.cycle.pk
            )
    return _render(request, municipality, cycle, new_cycle_form=form)
