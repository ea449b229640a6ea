"""Writes of the final accounting: its inputs and the four-eyes sign-off.

concept → gecontroleerd (an editor other than the one who prepared it) → definitief (records the
college decision, freezes the snapshot with its SHA-256 and closes the stream in budgets). Going
back to concept needs a reason; from definitief it reopens the stream. Inputs (reported values,
grootboek amounts, the eindverantwoording already given, consultations) change only in concept.

Every write checks the version the form was opened on (``municipalities.versions``): the inputs
all touch the accounting row, so two editors cannot overwrite each other's work unnoticed.
Roles are the views' business (``tenant_view``); the services check what depends on the data.
"""

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from budgets import selectors as budget_selectors
from budgets import services as budget_services
from budgets.models import FundingStream
from closeout.checks import accounting_checks, blocking
from closeout.models import (
    Consultation,
    FinalAccounting,
    LedgerAmount,
    ReportedSisaValue,
)
from closeout.selectors import AccountingFigures, accounting_figures, last_moment
from municipalities.audit import audit_event_record
from municipalities.models import AuditLogEntry, Municipality
from municipalities.versions import version_check

# Named events in the municipality's Activiteitenlog.
EVENT_CHECKED = AuditLogEntry.Event.FINAL_ACCOUNTING_CHECKED
EVENT_FINALISED = AuditLogEntry.Event.FINAL_ACCOUNTING_FINALISED
EVENT_REOPENED = AuditLogEntry.Event.FINAL_ACCOUNTING_REOPENED

Status = FinalAccounting.Status


def accounting_start(*, municipality: Municipality, stream: FundingStream, user) -> FinalAccounting:
    """The accounting of ``stream``, created (concept, prepared by ``user``) if it did not exist."""
    with transaction.atomic():
        accounting, _created = FinalAccounting.objects.get_or_create(
            municipality=municipality,
            stream=stream,
            defaults={
                "final_year": stream.window_end.year,
                "prepared_by": user,
                "prepared_at": timezone.now(),
            },
        )
    return accounting


def _editable(accounting: FinalAccounting, version: str | None) -> None:
    version_check(accounting, version)
    accounting.refresh_from_db(fields=["status"])
    if accounting.status != Status.CONCEPT:
        raise ValidationError(
            _(
                "De eindverantwoording is %(status)s: zet haar eerst terug naar concept om iets "
                "te wijzigen."
            )
            % {"status": accounting.get_status_display().lower()},
            code="not_concept",
        )


def _touch(accounting: FinalAccounting, user) -> None:
    """Whoever changes the inputs prepared them: they cannot also mark them gecontroleerd."""
    accounting.prepared_by = user
    accounting.prepared_at = timezone.now()
    accounting.save()


def _years(accounting: FinalAccounting) -> range:
    return range(accounting.stream.window_start.year, accounting.final_year + 1)


def _year_amounts_save(model, *, accounting, user, amounts: dict[int, Decimal | None], version):
    with transaction.atomic():
        _editable(accounting, version)
        allowed = set(_years(accounting))
        if unknown := sorted(set(amounts) - allowed):
            raise ValidationError(
                _("%(year)s valt buiten de jaren van deze eindverantwoording.")
                % {"year": unknown[0]}
            )
        existing = {row.year: row for row in model.objects.filter(accounting=accounting)}
        for year, amount in sorted(amounts.items()):
            row = existing.get(year)
            if amount is None:
                if row is not None:
                    row.delete()
                continue
            row = row or model(
                municipality=accounting.municipality, accounting=accounting, year=year
            )
            if row.pk and row.amount == amount:
                continue
            row.amount = amount
            row.full_clean()
            row.save()
        _touch(accounting, user)


def reported_values_save(
    *,
    accounting: FinalAccounting,
    user,
    amounts: dict[int, Decimal | None],
    version: str | None = None,
) -> None:
    """Set the SiSa values reported in the accounts per year (None: nothing reported)."""
    _year_amounts_save(
        ReportedSisaValue, accounting=accounting, user=user, amounts=amounts, version=version
    )


def ledger_amounts_save(
    *,
    accounting: FinalAccounting,
    user,
    amounts: dict[int, Decimal | None],
    version: str | None = None,
) -> None:
    """Set the grootboek amounts per year (None: not entered)."""
    _year_amounts_save(
        LedgerAmount, accounting=accounting, user=user, amounts=amounts, version=version
    )


def internal_deadline_error(last) -> str:
    return _(
        "De interne deadline mag niet na het laatste moment liggen: de jaarrekening met de "
        "eindverantwoording moet uiterlijk %(date)s bij het ministerie zijn."
    ) % {"date": date_format(last, "j F Y")}


def accounting_settings_save(
    *,
    accounting: FinalAccounting,
    user,
    version: str | None = None,
    final_year: int,
    given_year: int | None = None,
    given_on=None,
    given_amount: Decimal | None = None,
    given_note: str = "",
    internal_deadline=None,
) -> FinalAccounting:
    """The year of the eindverantwoording, an eindverantwoording already given elsewhere, and
    the municipality's own deadline (not after the regulation's last moment)."""
    with transaction.atomic():
        _editable(accounting, version)
        window_end = accounting.stream.window_end.year
        errors = {}
        last = last_moment(accounting.stream)
        if internal_deadline is not None and internal_deadline > last:
            errors["internal_deadline"] = internal_deadline_error(last)
        if not window_end <= final_year <= window_end + 1:
            errors["final_year"] = _(
                "De eindverantwoording hoort in de jaarrekening over %(first)s of uiterlijk "
                "%(last)s."
            ) % {"first": window_end, "last": window_end + 1}
        given = [given_year, given_on, given_amount]
        if any(v is not None for v in given) and any(v is None for v in given):
            errors["given_year"] = _(
                "Vul bij een gegeven eindverantwoording het jaar, de datum en het bedrag in."
            )
        if errors:
            raise ValidationError(errors)
        accounting.final_year = final_year
        accounting.given_year = given_year
        accounting.given_on = given_on
        accounting.given_amount = given_amount
        accounting.given_note = given_note
        accounting.internal_deadline = internal_deadline
        accounting.full_clean()
        _touch(accounting, user)
        # Rows of years that no longer belong to the accounting go.
        for model in (ReportedSisaValue, LedgerAmount):
            model.objects.filter(accounting=accounting, year__gt=final_year).delete()
    return accounting


def consultation_save(
    *,
    accounting: FinalAccounting,
    user,
    consultation: Consultation | None = None,
    version: str | None = None,
    **fields,
) -> Consultation:
    with transaction.atomic():
        _editable(accounting, version)
        consultation = consultation or Consultation(
            municipality=accounting.municipality, accounting=accounting
        )
        assert consultation.accounting_id == accounting.pk
        for name, value in fields.items():
            setattr(consultation, name, value)
        if consultation.session_id and (
            consultation.session.municipality_id != accounting.municipality_id
        ):
            raise ValidationError({"session": _("Deze sessie hoort niet bij deze gemeente.")})
        consultation.full_clean()
        consultation.save()
        _touch(accounting, user)
    return consultation


def consultation_delete(*, consultation: Consultation, user, version: str | None = None) -> None:
    accounting = consultation.accounting
    with transaction.atomic():
        _editable(accounting, version)
        consultation.delete()
        _touch(accounting, user)


# --- Sign-off -----------------------------------------------------------------------------------


def _locked(accounting: FinalAccounting, version: str | None) -> FinalAccounting:
    version_check(accounting, version)
    return (
        FinalAccounting.objects.select_for_update().select_related("stream").get(pk=accounting.pk)
    )


def _refuse_blocking(figures: AccountingFigures, accounting: FinalAccounting) -> list:
    checks = accounting_checks(figures=figures, accounting=accounting)
    if stops := blocking(checks):
        raise ValidationError(
            [_("Los eerst de blokkerende controles op:")] + [c.message for c in stops],
            code="blocking_checks",
        )
    return checks


def accounting_check(
    *, accounting: FinalAccounting, user, version: str | None = None
) -> FinalAccounting:
    """concept → gecontroleerd, by an editor who did not prepare it."""
    with transaction.atomic():
        accounting = _locked(accounting, version)
        if accounting.status != Status.CONCEPT:
            raise ValidationError(
                _("Alleen een concept kan als gecontroleerd worden gemarkeerd."), code="status"
            )
        if accounting.prepared_by_id is not None and accounting.prepared_by_id == user.pk:
            raise ValidationError(
                _(
                    "Je hebt deze eindverantwoording zelf opgesteld. Een andere redacteur van de "
                    "gemeente moet haar controleren (vier ogen)."
                ),
                code="four_eyes",
            )
        figures = accounting_figures(
            municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
        )
        _refuse_blocking(figures, accounting)
        accounting.status = Status.CHECKED
        accounting.checked_by = user
        accounting.checked_at = timezone.now()
        accounting.save()
        audit_event_record(
            event=EVENT_CHECKED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={"status": [Status.CONCEPT, Status.CHECKED]},
        )
    return accounting


def accounting_finalise(
    *,
    accounting: FinalAccounting,
    user,
    decision_date,
    decision_reference: str,
    version: str | None = None,
) -> FinalAccounting:
    """gecontroleerd → definitief: the college decision, the frozen snapshot, the stream closed."""
    decision_reference = (decision_reference or "").strip()
    errors = {}
    if decision_date is None:
        errors["decision_date"] = _("Vul de datum van het collegebesluit in.")
    elif decision_date > timezone.localdate():
        errors["decision_date"] = _("De datum van het collegebesluit ligt in de toekomst.")
    if not decision_reference:
        errors["decision_reference"] = _("Vul het kenmerk van het collegebesluit in.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        accounting = _locked(accounting, version)
        if accounting.status != Status.CHECKED:
            raise ValidationError(
                _("Alleen een gecontroleerde eindverantwoording kan definitief worden."),
                code="status",
            )
        figures = accounting_figures(
            municipality=accounting.municipality, stream=accounting.stream, accounting=accounting
        )
        checks = _refuse_blocking(figures, accounting)
        now = timezone.now()
        accounting.status = Status.FINAL
        accounting.finalised_by = user
        accounting.finalised_at = now
        accounting.decision_date = decision_date
        accounting.decision_reference = decision_reference
        accounting.reopen_reason = ""
        accounting.snapshot = snapshot_build(figures=figures, checks=checks, accounting=accounting)
        accounting.snapshot_sha256 = snapshot_sha256(accounting.snapshot)
        accounting.full_clean()
        accounting.save()
        audit_event_record(
            event=EVENT_FINALISED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={
                "status": [Status.CHECKED, Status.FINAL],
                "snapshot_sha256": ["", accounting.snapshot_sha256],
                "decision_reference": ["", decision_reference],
            },
        )
        budget_services.stream_freeze(
            municipality=accounting.municipality,
            stream=accounting.stream,
            user=user,
            reason=_("Eindverantwoording definitief (collegebesluit %(reference)s)")
            % {"reference": decision_reference},
        )
    return accounting


def accounting_reopen(
    *, accounting: FinalAccounting, user, reason: str, version: str | None = None
) -> FinalAccounting:
    """gecontroleerd or definitief → concept, with a reason. From definitief the stream is
    reopened too, unless a vaststelling closed it (that freeze belongs to the letter)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Geef een reden om de eindverantwoording te heropenen.")}
        )
    with transaction.atomic():
        accounting = _locked(accounting, version)
        previous = accounting.status
        if previous == Status.CONCEPT:
            raise ValidationError(_("De eindverantwoording is al een concept."), code="status")
        accounting.status = Status.CONCEPT
        accounting.checked_by = None
        accounting.checked_at = None
        accounting.finalised_by = None
        accounting.finalised_at = None
        accounting.snapshot = None
        accounting.snapshot_sha256 = ""
        accounting.reopen_reason = reason
        accounting.save()
        audit_event_record(
            event=EVENT_REOPENED,
            municipality=accounting.municipality,
            actor=user,
            obj=accounting,
            changes={"status": [previous, Status.CONCEPT], "reopen_reason": ["", reason]},
        )
        if previous == Status.FINAL:
            freeze = budget_selectors.stream_freeze_active(
                municipality=accounting.municipality, stream=accounting.stream
            )
            if freeze is not None and freeze.beschikking_id is None:
                budget_services.stream_unfreeze(
                    municipality=accounting.municipality,
                    stream=accounting.stream,
                    user=user,
                    reason=reason,
                )
    return accounting


# --- Snapshot -----------------------------------------------------------------------------------


def snapshot_build(
    *, figures: AccountingFigures, checks: list, accounting: FinalAccounting
) -> dict:
    """Everything the definitief accounting stated, as plain JSON (amounts as strings)."""

    def money(value):
        return None if value is None else str(value)

    def year(row):
        return {
            "label": row.label,
            "eligible": money(row.eligible),
            "outside_window": money(row.outside_window),
            "category_not_allowed": money(row.category_not_allowed),
            "charged": money(row.charged),
            "own_funds": money(row.own_funds),
            "ledger": money(row.ledger),
        }

    return {
        "municipality": figures.municipality.name,
        "stream": figures.stream.code,
        "window": [figures.window_start.isoformat(), figures.window_end.isoformat()],
        "final_year": figures.final_year,
        "decision": {
            "date": accounting.decision_date.isoformat() if accounting.decision_date else None,
            "reference": accounting.decision_reference,
        },
        "beschikkingen": [
            {
                "kind": b.kind,
                "date": b.date.isoformat(),
                "reference": b.reference,
                "amount": money(b.amount),
                "final_amount": money(b.final_amount),
                "reclaim_amount": money(b.reclaim_amount),
            }
            for b in figures.beschikkingen
        ],
        "totals": {
            "granted": money(figures.granted),
            "eligible": money(figures.eligible),
            "ineligible": money(figures.ineligible),
            "charged": money(figures.charged),
            "own_funds": money(figures.own_funds),
            "unspent": money(figures.unspent),
        },
        "years": [year(row) for row in figures.years],
        "school_years": [year(row) for row in figures.school_years],
        "sisa_lines": [
            {
                "year": line.year,
                "computed": money(line.computed),
                "cumulative": money(line.cumulative),
                "reported": money(line.reported),
                "correction": money(line.correction),
                "final": line.is_final_year,
            }
            for line in figures.sisa_lines
        ],
        "given": {
            "year": accounting.given_year,
            "date": accounting.given_on.isoformat() if accounting.given_on else None,
            "amount": money(accounting.given_amount),
        },
        "checks": [check.as_dict() for check in checks],
    }


def snapshot_sha256(snapshot: dict) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8): the same snapshot always
    gives the same hash, also after a round trip through the database."""
    text = json.dumps(
        snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )
    return hashlib.sha256(text.encode()).hexdigest()
