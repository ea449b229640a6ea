"""Four-eyes sign-off: who may move which way, the frozen snapshot, the stream freeze."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services as budget_services
from budgets.models import Spending
from budgets.selectors import is_frozen
from closeout import services
from closeout.models import FinalAccounting
from municipalities.models import AuditLogEntry
from municipalities.versions import EditConflict, version_of
from tests.budgets.factories import SpendingGoalFactory

pytestmark = pytest.mark.django_db
DECISION = {"decision_date": datetime.date(2026, 5, 12), "decision_reference": "B&W 2026/118"}


def test_the_preparer_cannot_mark_their_own_work_gecontroleerd(ready, preparer):
    with pytest.raises(ValidationError, match="zelf opgesteld"):
        services.accounting_check(accounting=ready, user=preparer)
    ready.refresh_from_db()
    assert ready.status == FinalAccounting.Status.CONCEPT


def test_another_editor_marks_it_gecontroleerd(ready, checker):
    services.accounting_check(accounting=ready, user=checker)
    ready.refresh_from_db()
    assert (ready.status, ready.checked_by) == (FinalAccounting.Status.CHECKED, checker)
    assert AuditLogEntry.objects.filter(event=services.EVENT_CHECKED, object_pk=ready.pk).exists()


def test_blocking_checks_stop_the_check(ready, checker, municipality):
    ready.ledger_amounts.update(amount=Decimal("1"))
    with pytest.raises(ValidationError, match="blokkerende controles"):
        services.accounting_check(accounting=ready, user=checker)


def test_whoever_changes_the_inputs_becomes_the_preparer(ready, checker):
    services.ledger_amounts_save(accounting=ready, user=checker, amounts={2022: Decimal("1200")})
    with pytest.raises(ValidationError, match="zelf opgesteld"):
        services.accounting_check(accounting=ready, user=checker)


def test_only_a_checked_accounting_becomes_definitief(ready, preparer):
    with pytest.raises(ValidationError, match="gecontroleerde"):
        services.accounting_finalise(accounting=ready, user=preparer, **DECISION)


def test_definitief_needs_date_and_reference_of_the_college_decision(ready, checker, preparer):
    services.accounting_check(accounting=ready, user=checker)
    with pytest.raises(ValidationError) as error:
        services.accounting_finalise(
            accounting=ready, user=preparer, decision_date=None, decision_reference=" "
        )
    assert set(error.value.message_dict) == {"decision_date", "decision_reference"}


def finalised(ready, checker, preparer):
    services.accounting_check(accounting=ready, user=checker)
    return services.accounting_finalise(accounting=ready, user=preparer, **DECISION)


def test_definitief_freezes_snapshot_sha256_audit_and_stream(ready, checker, preparer):
    accounting = finalised(ready, checker, preparer)
    accounting.refresh_from_db()
    assert accounting.status == FinalAccounting.Status.FINAL
    assert accounting.decision_reference == "B&W 2026/118"
    assert accounting.snapshot["totals"]["eligible"] == "1200.00"
    assert accounting.snapshot["sisa_lines"][1] == {
        "year": 2022,
        "computed": "1200.00",
        "cumulative": "1200.00",
        "reported": None,
        "correction": None,
        "final": False,
    }
    # Stable: the stored JSON (after a database round trip) gives the stored hash again.
    assert services.snapshot_sha256(accounting.snapshot) == accounting.snapshot_sha256
    assert len(accounting.snapshot_sha256) == 64
    assert AuditLogEntry.objects.filter(
        event=services.EVENT_FINALISED, object_pk=accounting.pk
    ).exists()
    assert is_frozen(municipality=accounting.municipality, stream=accounting.stream)


def test_the_sha256_does_not_depend_on_key_order():
    a = {"b": "1.00", "a": [1, {"y": None, "x": "é"}]}
    b = {"a": [1, {"x": "é", "y": None}], "b": "1.00"}
    assert services.snapshot_sha256(a) == services.snapshot_sha256(b)
    assert services.snapshot_sha256(a) != services.snapshot_sha256({**a, "b": "1.01"})


def test_changing_spending_of_a_definitief_window_is_refused(ready, checker, preparer):
    finalised(ready, checker, preparer)
    goal = SpendingGoalFactory(municipality=ready.municipality)
    with pytest.raises(ValidationError):
        budget_services.spending_save(
            municipality=ready.municipality,
            stream=ready.stream,
            spending_goal=goal,
            date=datetime.date(2023, 1, 1),
            amount=Decimal("10"),
            description="Na afsluiting",
        )
    spending = Spending.objects.get()
    with pytest.raises(ValidationError):
        budget_services.spending_delete(spending=spending)


def test_inputs_are_read_only_after_concept(ready, checker, preparer):
    services.accounting_check(accounting=ready, user=checker)
    with pytest.raises(ValidationError, match="concept"):
        services.ledger_amounts_save(accounting=ready, user=preparer, amounts={2022: Decimal("1")})


def test_reopening_needs_a_reason_is_audited_and_reopens_the_stream(ready, checker, preparer):
    accounting = finalised(ready, checker, preparer)
    with pytest.raises(ValidationError, match="reden"):
        services.accounting_reopen(accounting=accounting, user=preparer, reason="  ")
    services.accounting_reopen(accounting=accounting, user=preparer, reason="Factuur 2024 vergeten")
    accounting.refresh_from_db()
    assert accounting.status == FinalAccounting.Status.CONCEPT
    assert (accounting.snapshot, accounting.snapshot_sha256, accounting.checked_by) == (
        None,
        "",
        None,
    )
    assert accounting.reopen_reason == "Factuur 2024 vergeten"
    entry = AuditLogEntry.objects.get(event=services.EVENT_REOPENED, object_pk=accounting.pk)
    assert entry.changes_dict["reopen_reason"] == ["", "Factuur 2024 vergeten"]
    # The activity log names the events in words, not by their code.
    assert entry.get_event_display() == "eindverantwoording heropend"
    finalised_entry = AuditLogEntry.objects.get(event=services.EVENT_FINALISED)
    assert finalised_entry.get_event_display() == "eindverantwoording definitief"
    assert not is_frozen(municipality=accounting.municipality, stream=accounting.stream)


def test_gecontroleerd_can_go_back_to_concept_with_a_reason(ready, checker):
    services.accounting_check(accounting=ready, user=checker)
    services.accounting_reopen(accounting=ready, user=checker, reason="Bedrag klopt niet")
    ready.refresh_from_db()
    assert ready.status == FinalAccounting.Status.CONCEPT


def test_a_concept_cannot_be_reopened(ready, preparer):
    with pytest.raises(ValidationError, match="al een concept"):
        services.accounting_reopen(accounting=ready, user=preparer, reason="x")


def test_a_stale_form_is_refused(ready, checker, preparer):
    version = version_of(ready)
    services.ledger_amounts_save(
        accounting=ready, user=preparer, amounts={2022: Decimal("1200.00"), 2023: Decimal("0")}
    )
    with pytest.raises(EditConflict):
        services.accounting_check(accounting=ready, user=checker, version=version)


def test_reopening_leaves_a_stream_closed_by_a_vaststelling_closed(ready, checker, preparer):
    from tests.budgets.factories import BeschikkingFactory

    vaststelling = BeschikkingFactory(
        municipality=ready.municipality,
        kind="vaststelling",
        amount=Decimal("5000.00"),
        final_amount=Decimal("1200.00"),
        reclaim_amount=Decimal("3800.00"),
        date=datetime.date(2026, 1, 5),
    )
    budget_services.stream_freeze(
        municipality=ready.municipality,
        stream=ready.stream,
        user=preparer,
        beschikking=vaststelling,
    )
    accounting = finalised(ready, checker, preparer)
    services.accounting_reopen(accounting=accounting, user=preparer, reason="Toelichting aanvullen")
    assert is_frozen(municipality=accounting.municipality, stream=accounting.stream)
