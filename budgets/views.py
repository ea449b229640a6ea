"""Budget pages under /g/<municipality>/budget/. Views stay thin: selectors read, services write.

Readers (advisor, policy officer, viewer, accountant) see everything; editors change; the
school role sees nothing of budgets (403 from ``tenant_view(roles=FINANCE_READER_ROLES)``).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import ProtectedError, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from budgets import exports, selectors, services
from budgets.chart import build_chart
from budgets.forms import (
    AllocationForm,
    BeschikkingForm,
    CommitmentForm,
    PlannedAmountFormSet,
    ReopenForm,
    SpendingForm,
    SpendingGoalForm,
)
from budgets.models import Allocation, Beschikking
from core.downloads import private_download
from core.money import to_money
from core.pagination import paginate
from core.params import MAX_DATE, MIN_DATE
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, FINANCE_READER_ROLES, Municipality, ReadLogEntry
from municipalities.pagecache import cached_tenant_page
from municipalities.readlog import read_logged
from municipalities.versions import EditConflict

PAGE_SIZE = 50

# The accountant reads every budget page and export too (FINANCE_READER_ROLES), never writes.
read_view = tenant_view(roles=FINANCE_READER_ROLES, write_roles=EDITOR_ROLES)
# Forms are for editors only, also when merely looking at them.
edit_view = tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)


def _as_of(request: HttpRequest) -> tuple[datetime.date, str | None]:
    raw = request.GET.get("peildatum", "").strip()
    if not raw:
        return timezone.localdate(), None
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate(), _("De peildatum is geen geldige datum; vandaag is gebruikt.")
    if not MIN_DATE <= as_of <= MAX_DATE:
        # 9999-12-31 would overflow the window arithmetic: a 400 page, never a 500.
        raise BadRequest("peildatum outside 1900-2100")
    return as_of, None


# --- Overview ---------------------------------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
@cached_tenant_page
@read_view
def overview(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    as_of, as_of_error = _as_of(request)
    cycles, cycle = _cycle_choice(request, municipality)
    data = selectors.budget_overview(municipality=municipality, cycle=cycle, as_of=as_of)
    context = {
        "overview": data,
        "chart": build_chart(data.chart),
        "as_of_error": as_of_error,
        "cycles": cycles,
        "cycle": cycle,
        "can_edit": request.membership.can_edit,
    }
    template = "budgets/overview.html"
    if request.htmx and not request.htmx.boosted:
        template += "#overview-body"
    return render(request, template, context)


def _cycle_choice(request: HttpRequest, municipality: Municipality):
    """The cycles to filter on, and the chosen one (None: the whole municipality)."""
    cycles = selectors.overview_cycles(municipality=municipality)
    chosen = request.GET.get("cyclus", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None)
    return cycles, cycle


# --- Allocations ------------------------------------------------------------------------------


@require_GET
@read_view
def allocation_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    allocations = selectors.allocation_list(municipality=municipality)
    return render(
        request,
        "budgets/allocation_list.html",
        {"allocations": allocations, "can_edit": request.membership.can_edit},
    )


@require_http_methods(["GET", "POST"])
@edit_view
def allocation_edit(
    request: HttpRequest, municipality: Municipality, allocation_pk: int | None = None
) -> HttpResponse:
    allocation = (
        selectors.allocation_get(municipality=municipality, pk=allocation_pk)
        if allocation_pk
        else None
    )
    form = AllocationForm(
        request.POST or None,
        request.FILES or None,
        instance=allocation or Allocation(municipality=municipality),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        letter_arg = _letter_argument(data.pop("letter", None))
        try:
            services.allocation_save(
                municipality=municipality,
                allocation=allocation,
                letter=letter_arg,
                version=version,
                **data,
            )
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De toekenning is opgeslagen."))
            return redirect("budgets:allocation_list", municipality_slug=municipality.slug)
    return render(request, "budgets/allocation_form.html", {"form": form, "allocation": allocation})


@require_http_methods(["GET", "POST"])
@edit_view
def allocation_delete(
    request: HttpRequest, municipality: Municipality, allocation_pk: int
) -> HttpResponse:
    allocation = selectors.allocation_get(municipality=municipality, pk=allocation_pk)
    if request.method == "POST":
        services.allocation_delete(allocation=allocation)
        messages.success(request, _("De toekenning is verwijderd."))
        return redirect("budgets:allocation_list", municipality_slug=municipality.slug)
    return render(
        request,
        "budgets/confirm_delete.html",
        {
            "object": allocation,
            "what": _("toekenning"),
            "cancel_url": reverse("budgets:allocation_list", args=[municipality.slug]),
        },
    )


@require_GET
@never_cache
@read_logged(ReadLogEntry.Kind.DOCUMENT)
@read_view
def allocation_letter(
    request: HttpRequest, municipality: Municipality, allocation_pk: int
) -> HttpResponse:
    """The attached beschikking, only for readers of this municipality (files are private)."""
    allocation = selectors.allocation_get(municipality=municipality, pk=allocation_pk)
    return private_download(
        _letter_file(allocation),
        filename=allocation.letter_name or "beschikking.pdf",
        content_type="application/pdf",
    )


def _letter_file(document):
    """The stored letter (PDF) of an allocation or a beschikking, open; 404 when there is none."""
    if not document.letter:
        raise Http404
    try:
        return document.letter.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc


def _letter_argument(letter):
    """What the form's file field means for the service: False removes, a file replaces,
    None keeps the stored letter."""
    if letter is False:
        return False
    if letter is not None and hasattr(letter, "content_type"):
        return letter
    return None


# --- Beschikkingen ----------------------------------------------------------------------------


@require_GET
@read_view
def beschikking_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return render(
        request,
        "budgets/beschikking_list.html",
        {
            "groups": selectors.beschikkingen_per_stream(municipality=municipality),
            "can_edit": request.membership.can_edit,
        },
    )


@require_http_methods(["GET", "POST"])
@edit_view
def beschikking_edit(
    request: HttpRequest, municipality: Municipality, beschikking_pk: int | None = None
) -> HttpResponse:
    beschikking = (
        selectors.beschikking_get(municipality=municipality, pk=beschikking_pk)
        if beschikking_pk
        else None
    )
    form = BeschikkingForm(
        request.POST or None,
        request.FILES or None,
        instance=beschikking or Beschikking(municipality=municipality),
        municipality=municipality,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        letter = _letter_argument(data.pop("letter", None))
        try:
            saved = services.beschikking_save(
                municipality=municipality,
                user=request.user,
                beschikking=beschikking,
                letter=letter,
                version=version,
                **data,
            )
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De beschikking is opgeslagen."))
            if saved.kind == Beschikking.Kind.VASTSTELLING:
                messages.info(
                    request,
                    _(
                        "%(stream)s is nu afgesloten voor deze gemeente: verplichtingen en "
                        "bestedingen ervan zijn alleen nog te lezen."
                    )
                    % {"stream": saved.stream.name},
                )
            return redirect(
                reverse("budgets:beschikking_list", args=[municipality.slug])
                + f"#beschikking-{saved.pk}"
            )
    return render(
        request, "budgets/beschikking_form.html", {"form": form, "beschikking": beschikking}
    )


@require_http_methods(["GET", "POST"])
@edit_view
def beschikking_delete(
    request: HttpRequest, municipality: Municipality, beschikking_pk: int
) -> HttpResponse:
    beschikking = selectors.beschikking_get(municipality=municipality, pk=beschikking_pk)
    list_url = reverse("budgets:beschikking_list", args=[municipality.slug])
    if request.method == "POST":
        services.beschikking_delete(beschikking=beschikking)
        messages.success(request, _("De beschikking is verwijderd."))
        return redirect(list_url)
    return render(
        request,
        "budgets/confirm_delete.html",
        {"object": beschikking, "what": _("beschikking"), "cancel_url": list_url},
    )


@require_GET
@never_cache
@read_logged(ReadLogEntry.Kind.DOCUMENT)
@read_view
def beschikking_letter(
    request: HttpRequest, municipality: Municipality, beschikking_pk: int
) -> HttpResponse:
    """The letter itself, only for readers of this municipality (files are private)."""
    beschikking = selectors.beschikking_get(municipality=municipality, pk=beschikking_pk)
    return private_download(
        _letter_file(beschikking),
        filename=beschikking.letter_name or "beschikking.pdf",
        content_type="application/pdf",
    )


@require_http_methods(["GET", "POST"])
@edit_view
def stream_reopen(request: HttpRequest, municipality: Municipality, freeze_pk: int) -> HttpResponse:
    """Reopen a stream a vaststelling closed. A stream closed by the final accounting's
    sign-off is reopened there (closeout), with its own four-eyes state."""
    freeze = selectors.stream_freeze_get(municipality=municipality, pk=freeze_pk)
    list_url = reverse("budgets:beschikking_list", args=[municipality.slug])
    if freeze.reopened_at is not None or freeze.beschikking_id is None:
        raise Http404
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stream_unfreeze(
                municipality=municipality,
                stream=freeze.stream,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(stream)s is heropend; verplichtingen en bestedingen zijn weer te wijzigen.")
                % {"stream": freeze.stream.name},
            )
            return redirect(list_url)
    return render(
        request,
        "budgets/stream_reopen.html",
        {"form": form, "freeze": freeze, "cancel_url": list_url},
    )


# --- Spending goals ---------------------------------------------------------------------------


@require_GET
@read_view
def spending_goal_list(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    goals = (
        selectors.spending_goal_list(municipality=municipality)
        .select_related("cycle")
        .prefetch_related("planned_amounts__stream")
    )
    return render(
        request,
        "budgets/spending_goal_list.html",
        {"spending_goals": goals, "can_edit": request.membership.can_edit},
    )


@require_http_methods(["GET", "POST"])
@edit_view
def spending_goal_edit(
    request: HttpRequest, municipality: Municipality, spending_goal_pk: int | None = None
) -> HttpResponse:
    spending_goal = (
        selectors.spending_goal_get(municipality=municipality, pk=spending_goal_pk)
        if spending_goal_pk
        else None
    )
    initial_planned = (
        [
            {"stream": p.stream, "period": p.period, "amount": p.amount}
            for p in spending_goal.planned_amounts.all()
        ]
        if spending_goal
        else []
    )
    form = SpendingGoalForm(request.POST or None, instance=spending_goal, municipality=municipality)
    formset = PlannedAmountFormSet(request.POST or None, initial=initial_planned, prefix="gepland")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        goals = data.pop("goals", None)
        try:
            saved = services.spending_goal_save(
                municipality=municipality,
                spending_goal=spending_goal,
                planned=formset.planned_rows(),
                goals=goals,
                version=version,
                **data,
            )
        except EditConflict as exc:
            form.show_conflict(exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Het bestedingsdoel „%s” is opgeslagen.") % saved.title)
            return redirect("budgets:spending_goal_list", municipality_slug=municipality.slug)
    return render(
        request,
        "budgets/spending_goal_form.html",
        {"form": form, "formset": formset, "spending_goal": spending_goal},
    )


@require_http_methods(["GET", "POST"])
@edit_view
def spending_goal_delete(
    request: HttpRequest, municipality: Municipality, spending_goal_pk: int
) -> HttpResponse:
    spending_goal = selectors.spending_goal_get(municipality=municipality, pk=spending_goal_pk)
    list_url = reverse("budgets:spending_goal_list", args=[municipality.slug])
    if request.method == "POST":
        try:
            services.spending_goal_delete(spending_goal=spending_goal)
        except ProtectedError:
            messages.error(
                request,
                _(
                    "Dit bestedingsdoel heeft verplichtingen of bestedingen en kan daarom niet "
                    "worden verwijderd."
                ),
            )
        else:
            messages.success(request, _("Het bestedingsdoel is verwijderd."))
        return redirect(list_url)
    return render(
        request,
        "budgets/confirm_delete.html",
        {"object": spending_goal, "what": _("bestedingsdoel"), "cancel_url": list_url},
    )


# --- Commitments and spending -----------------------------------------------------------------

# Lazy: these texts are read per request, in the language of that request (not at import).
KINDS = {
    "commitment": {
        "list": selectors.commitment_list,
        "get": selectors.commitment_get,
        "save": services.commitment_save,
        "delete": services.commitment_delete,
        "form": CommitmentForm,
        "title": gettext_lazy("Verplichtingen"),
        "singular": gettext_lazy("verplichting"),
        "saved": gettext_lazy("De verplichting is opgeslagen."),
        "deleted": gettext_lazy("De verplichting is verwijderd."),
        "new": gettext_lazy("Verplichting vastleggen"),
        "intro": gettext_lazy(
            "Verplichtingen zijn bedragen waaraan de gemeente zich heeft verbonden: een opdracht, "
            "contract of subsidiebeschikking."
        ),
    },
    "spending": {
        "list": selectors.spending_list,
        "get": selectors.spending_get,
        "save": services.spending_save,
        "delete": services.spending_delete,
        "form": SpendingForm,
        "title": gettext_lazy("Realisatie"),
        "singular": gettext_lazy("besteding"),
        "saved": gettext_lazy("De besteding is opgeslagen."),
        "deleted": gettext_lazy("De besteding is verwijderd."),
        "new": gettext_lazy("Betaling vastleggen"),
        "intro": gettext_lazy("Realisatie zijn de bedragen die echt zijn betaald."),
    },
}


def _kind_context(kind: str) -> dict:
    spec = KINDS[kind]
    return {
        "kind": kind,
        "title": spec["title"],
        "singular": spec["singular"],
        "new_label": spec["new"],
        "intro": spec["intro"],
        "list_url_name": f"budgets:{kind}_list",
        "create_url_name": f"budgets:{kind}_create",
        "edit_url_name": f"budgets:{kind}_edit",
        "delete_url_name": f"budgets:{kind}_delete",
    }


def _active_freezes(municipality) -> dict:
    """The streams closed now, by stream id, with their freeze (one query)."""
    return {
        f.stream_id: f
        for f in selectors.stream_freezes_active_on(municipality=municipality).select_related(
            "stream"
        )
    }


def _transaction_list(request, municipality, kind):
    rows = KINDS[kind]["list"](municipality=municipality)
    page, _query = paginate(request, rows, PAGE_SIZE)
    total = to_money(rows.aggregate(total=Sum("amount"))["total"])
    freezes = _active_freezes(municipality)
    return render(
        request,
        "budgets/transaction_list.html",
        {
            **_kind_context(kind),
            "page": page,
            "total": total,
            "can_edit": request.membership.can_edit,
            "freezes": list(freezes.values()),
            "frozen_ids": set(freezes),
        },
    )


def _transaction_edit(request, municipality, kind, pk=None):
    spec = KINDS[kind]
    instance = spec["get"](municipality=municipality, pk=pk) if pk else None
    form = spec["form"](request.POST or None, instance=instance, municipality=municipality)
    freeze = (
        selectors.stream_freeze_active(municipality=municipality, stream=instance.stream_id)
        if instance
        else None
    )
    if freeze:
        # Read-only: the posted values are ignored; a POST still reaches the service, which
        # refuses with its sentence (the one rule, in one place).
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = spec["save"](municipality=municipality, **{kind: instance}, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, spec["saved"])
            if not saved.stream.in_window(saved.effective_performance_date):
                messages.warning(
                    request,
                    _(
                        "Let op: de datum valt buiten de bestedingstermijn van %(stream)s. "
                        "Dit bedrag kan niet ten laste van die regeling worden verantwoord."
                    )
                    % {"stream": saved.stream.name},
                )
            return redirect(f"budgets:{kind}_list", municipality_slug=municipality.slug)
    return render(
        request,
        "budgets/transaction_form.html",
        {
            **_kind_context(kind),
            "form": form,
            "object": instance,
            "frozen_message": services.frozen_message(freeze) if freeze else "",
        },
    )


def _transaction_delete(request, municipality, kind, pk):
    spec = KINDS[kind]
    instance = spec["get"](municipality=municipality, pk=pk)
    list_url = reverse(f"budgets:{kind}_list", args=[municipality.slug])
    if request.method == "POST":
        try:
            spec["delete"](**{kind: instance})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, spec["deleted"])
        return redirect(list_url)
    freeze = selectors.stream_freeze_active(municipality=municipality, stream=instance.stream_id)
    return render(
        request,
        "budgets/confirm_delete.html",
        {
            "object": instance,
            "what": spec["singular"],
            "cancel_url": list_url,
            "refusal": services.frozen_message(freeze) if freeze else "",
        },
    )


@require_GET
@read_view
def commitment_list(request, municipality):
    return _transaction_list(request, municipality, "commitment")


@require_http_methods(["GET", "POST"])
@edit_view
def commitment_edit(request, municipality, commitment_pk=None):
    return _transaction_edit(request, municipality, "commitment", commitment_pk)


@require_http_methods(["GET", "POST"])
@edit_view
def commitment_delete(request, municipality, commitment_pk):
    return _transaction_delete(request, municipality, "commitment", commitment_pk)


@require_GET
@read_view
def spending_list(request, municipality):
    return _transaction_list(request, municipality, "spending")


@require_http_methods(["GET", "POST"])
@edit_view
def spending_edit(request, municipality, spending_pk=None):
    return _transaction_edit(request, municipality, "spending", spending_pk)


@require_http_methods(["GET", "POST"])
@edit_view
def spending_delete(request, municipality, spending_pk):
    return _transaction_delete(request, municipality, "spending", spending_pk)


# --- Exports ----------------------------------------------------------------------------------


def _filename(municipality: Municipality, name: str, extension: str) -> str:
    return f"budget-{municipality.slug}-{name}-{timezone.localdate():%Y%m%d}.{extension}"


@require_GET
@read_logged(ReadLogEntry.Kind.EXPORT)
@read_view
def export_xlsx(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    return private_download(
        exports.to_xlsx(exports.all_datasets(municipality=municipality)),
        filename=_filename(municipality, "verantwoording", "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@read_logged(ReadLogEntry.Kind.EXPORT)
@read_view
def export_csv(request: HttpRequest, municipality: Municipality, dataset: str) -> HttpResponse:
    build = exports.DATASETS.get(dataset)
    if build is None:
        raise Http404
    return private_download(
        exports.to_csv(build(municipality=municipality)),
        filename=_filename(municipality, dataset, "csv"),
        content_type="text/csv; charset=utf-8",
    )
