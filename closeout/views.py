"""The final accounting workspace under /g/<municipality>/eindverantwoording/.

Finance readers (the accountant included) read it, each full read written to the read log;
editors fill in the inputs and sign off. Views stay thin: ``closeout.selectors`` and
``closeout.checks`` read, ``closeout.services`` write.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budgets import selectors as budget_selectors
from closeout import selectors, services
from closeout.checks import accounting_checks, blocking
from closeout.forms import (
    AccountingSettingsForm,
    CheckForm,
    ConsultationForm,
    FinaliseForm,
    ReopenForm,
    YearAmountsForm,
)
from closeout.models import Consultation, FinalAccounting, LedgerAmount, ReportedSisaValue
from core.forms import add_errors
from core.money import format_money
from municipalities.access import tenant_view
from municipalities.models import EDITOR_ROLES, FINANCE_READER_ROLES, Municipality, ReadLogEntry
from municipalities.readlog import read_logged, read_subject
from municipalities.versions import EditConflict

read_view = tenant_view(roles=FINANCE_READER_ROLES, write_roles=EDITOR_ROLES)
edit_view = tenant_view(roles=EDITOR_ROLES, write_roles=EDITOR_ROLES)

FORM_PREFIXES = {"check": "controle", "finalise": "definitief", "reopen": "heropenen"}


def _workspace_url(municipality: Municipality, stream) -> str:
    return reverse("closeout:workspace", args=[municipality.slug, stream.code])


@require_GET
@read_view
def index(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    streams = list(selectors.closeout_streams())
    accountings = selectors.final_accountings_by_stream(municipality=municipality)
    rows = [(stream, accountings.get(stream.pk)) for stream in streams]
    return render(request, "closeout/index.html", {"rows": rows})


def _workspace_context(request, municipality, stream, *, forms=None) -> dict:
    accounting = selectors.final_accounting_get(municipality=municipality, stream=stream)
    figures = selectors.accounting_figures(
        municipality=municipality, stream=stream, accounting=accounting
    )
    checks = accounting_checks(figures=figures, accounting=accounting)
    consultations = (
        list(
            Consultation.objects.for_municipality(municipality)
            .filter(accounting=accounting)
            .select_related("session")
        )
        if accounting
        else []
    )
    can_edit = request.membership.can_edit
    forms = forms or {}
    if accounting is not None and can_edit:
        for key, form_class in (
            ("check", CheckForm),
            ("finalise", FinaliseForm),
            ("reopen", ReopenForm),
        ):
            forms.setdefault(key, form_class(accounting=accounting, prefix=FORM_PREFIXES[key]))
    return {
        "stream": stream,
        "accounting": accounting,
        "figures": figures,
        "checks": checks,
        "blocking_checks": blocking(checks),
        "warnings": [c for c in checks if not c.is_blocking],
        "consultations": consultations,
        "freeze": budget_selectors.stream_freeze_active(municipality=municipality, stream=stream),
        "can_edit": can_edit,
        "is_preparer": accounting is not None and accounting.prepared_by_id == request.user.pk,
        "forms": forms,
        **_deadlines(stream, accounting),
    }


def _deadlines(stream, accounting) -> dict:
    """The regulation's last moment and the municipality's own deadline, with days left."""
    today = timezone.localdate()
    internal = accounting.internal_deadline if accounting else None
    return {
        "last_moment": selectors.Deadline.of(selectors.last_moment(stream), today),
        "internal_deadline": selectors.Deadline.of(internal, today) if internal else None,
        # Definitief, or given in earlier accounts: no days left to count.
        "deadlines_done": accounting is not None
        and (
            accounting.status == FinalAccounting.Status.FINAL or accounting.given_year is not None
        ),
    }


@require_GET
@read_logged(ReadLogEntry.Kind.FINAL_ACCOUNTING)
@read_view
def workspace(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    stream = selectors.closeout_stream_get(code=stream_code)
    read_subject(request, subject=_("Eindverantwoording %(stream)s") % {"stream": stream.name})
    context = _workspace_context(request, municipality, stream)
    return render(request, "closeout/workspace.html", context)


def _accounting_for_edit(request, municipality, stream) -> FinalAccounting:
    return services.accounting_start(municipality=municipality, stream=stream, user=request.user)


@require_POST
@edit_view
def start(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    stream = selectors.closeout_stream_get(code=stream_code)
    _accounting_for_edit(request, municipality, stream)
    return redirect(_workspace_url(municipality, stream))


def _year_amounts_view(
    request, municipality, stream_code, *, model, service, label, title, intro, hint=None
):
    stream = selectors.closeout_stream_get(code=stream_code)
    accounting = selectors.final_accounting_get(municipality=municipality, stream=stream)
    final_year = accounting.final_year if accounting else stream.window_end.year
    years = range(stream.window_start.year, final_year + 1)
    hints = {}
    if hint is not None:
        figures = selectors.accounting_figures(
            municipality=municipality, stream=stream, accounting=accounting
        )
        hints = {row.year: hint(row) for row in figures.years}
    initial = (
        dict(
            model.objects.for_municipality(municipality)
            .filter(accounting=accounting)
            .values_list("year", "amount")
        )
        if accounting
        else {}
    )
    form = YearAmountsForm(
        request.POST or None,
        accounting=accounting,
        years=years,
        initial_amounts=initial,
        label=label,
        hints=hints,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        accounting = accounting or _accounting_for_edit(request, municipality, stream)
        try:
            service(
                accounting=accounting, user=request.user, amounts=form.amounts(), version=version
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("De bedragen zijn opgeslagen."))
            return redirect(_workspace_url(municipality, stream))
    return render(
        request,
        "closeout/year_amounts_form.html",
        {"form": form, "stream": stream, "accounting": accounting, "title": title, "intro": intro},
    )


@require_http_methods(["GET", "POST"])
@edit_view
def reported(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    return _year_amounts_view(
        request,
        municipality,
        stream_code,
        model=ReportedSisaValue,
        service=services.reported_values_save,
        label=_("Gerapporteerd over"),
        title=_("Eerder gerapporteerde SiSa-bedragen"),
        intro=_(
            "Vul per jaar de besteding ten laste van rijksmiddelen in zoals die in de SiSa-bijlage "
            "van de jaarrekening over dat jaar staat. Het verschil met de berekening nu is de "
            "correctie voorgaande jaren."
        ),
    )


@require_http_methods(["GET", "POST"])
@edit_view
def ledger(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    return _year_amounts_view(
        request,
        municipality,
        stream_code,
        model=LedgerAmount,
        service=services.ledger_amounts_save,
        label=_("Grootboek"),
        hint=lambda row: (
            _("Subsidiabele besteding volgens het platform: %(amount)s.")
            % {"amount": format_money(row.eligible)}
        ),
        title=_("Grootboekbedragen"),
        intro=_(
            "Vul per jaar de besteding op deze geldstroom in zoals die in het grootboek van de "
            "gemeente staat. De accountant sluit hierop aan; elk verschil met de subsidiabele "
            "besteding blokkeert de ondertekening."
        ),
    )


@require_http_methods(["GET", "POST"])
@edit_view
def settings(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    stream = selectors.closeout_stream_get(code=stream_code)
    accounting = selectors.final_accounting_get(municipality=municipality, stream=stream)
    initial = {"final_year": accounting.final_year if accounting else stream.window_end.year}
    if accounting is not None:
        initial |= {
            "given_year": accounting.given_year,
            "given_on": accounting.given_on,
            "given_amount": accounting.given_amount,
            "given_note": accounting.given_note,
            "internal_deadline": accounting.internal_deadline,
        }
    form = AccountingSettingsForm(
        request.POST or None, accounting=accounting, stream=stream, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        accounting = accounting or _accounting_for_edit(request, municipality, stream)
        try:
            services.accounting_settings_save(
                accounting=accounting, user=request.user, version=version, **data
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("De gegevens van de eindverantwoording zijn opgeslagen."))
            return redirect(_workspace_url(municipality, stream))
    return render(
        request,
        "closeout/settings_form.html",
        {
            "form": form,
            "stream": stream,
            "accounting": accounting,
            "last_moment": selectors.last_moment(stream),
        },
    )


@require_http_methods(["GET", "POST"])
@edit_view
def consultation_add(
    request: HttpRequest, municipality: Municipality, stream_code: str
) -> HttpResponse:
    stream = selectors.closeout_stream_get(code=stream_code)
    accounting = selectors.final_accounting_get(municipality=municipality, stream=stream)
    form = ConsultationForm(
        request.POST or None,
        accounting=accounting,
        municipality=municipality,
        instance=Consultation(municipality=municipality),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        accounting = accounting or _accounting_for_edit(request, municipality, stream)
        try:
            services.consultation_save(
                accounting=accounting, user=request.user, version=version, **data
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Het overleg is vastgelegd."))
            return redirect(_workspace_url(municipality, stream) + "#overleg")
    return render(
        request,
        "closeout/consultation_form.html",
        {"form": form, "stream": stream, "accounting": accounting},
    )


@require_http_methods(["GET", "POST"])
@edit_view
def consultation_delete(
    request: HttpRequest, municipality: Municipality, stream_code: str, consultation_pk: int
) -> HttpResponse:
    stream = selectors.closeout_stream_get(code=stream_code)
    consultation = get_object_or_404(
        Consultation.objects.for_municipality(municipality)
        .filter(accounting__stream=stream)
        .select_related("accounting__stream"),
        pk=consultation_pk,
    )
    form = CheckForm(request.POST or None, accounting=consultation.accounting)
    if request.method == "POST" and form.is_valid():
        version = form.pop_version(dict(form.cleaned_data))
        try:
            services.consultation_delete(
                consultation=consultation, user=request.user, version=version
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Het overleg is verwijderd."))
            return redirect(_workspace_url(municipality, stream) + "#overleg")
    return render(
        request,
        "closeout/consultation_delete.html",
        {"form": form, "stream": stream, "consultation": consultation},
    )


def _sign_off(request, municipality, stream_code, key, action, done_message):
    stream = selectors.closeout_stream_get(code=stream_code)
    accounting = get_object_or_404(
        FinalAccounting.objects.for_municipality(municipality).filter(stream=stream)
    )
    form_class = {"check": CheckForm, "finalise": FinaliseForm, "reopen": ReopenForm}[key]
    form = form_class(request.POST, accounting=accounting, prefix=FORM_PREFIXES[key])
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = form.pop_version(data)
        try:
            action(accounting=accounting, user=request.user, version=version, **data)
        except EditConflict as conflict:
            form.show_conflict(conflict)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, done_message)
            return redirect(_workspace_url(municipality, stream))
    context = _workspace_context(request, municipality, stream, forms={key: form})
    return render(request, "closeout/workspace.html", context)


@require_POST
@edit_view
def check(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    return _sign_off(
        request,
        municipality,
        stream_code,
        "check",
        services.accounting_check,
        _("De eindverantwoording is gecontroleerd."),
    )


@require_POST
@edit_view
def finalise(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    return _sign_off(
        request,
        municipality,
        stream_code,
        "finalise",
        services.accounting_finalise,
        _(
            "De eindverantwoording is definitief. De bestedingen van deze geldstroom zijn nu alleen-lezen."
        ),
    )


@require_POST
@edit_view
def reopen(request: HttpRequest, municipality: Municipality, stream_code: str) -> HttpResponse:
    return _sign_off(
        request,
        municipality,
        stream_code,
        "reopen",
        services.accounting_reopen,
        _("De eindverantwoording is heropend en weer een concept."),
    )
