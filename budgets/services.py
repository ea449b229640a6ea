"""Writes. Each service validates first and saves in one transaction: nothing is half-saved.

Closed streams (``StreamFreeze``): while a stream is closed for a municipality, its commitments
and spending cannot be added, changed (also not moved onto or off the stream) or deleted; the
services here refuse with a Dutch ``ValidationError``, whoever calls them. A stream is closed by
``stream_freeze`` (the final accounting's sign-off) and by recording a *vaststelling*
beschikking (``beschikking_save``): the minister has fixed the final amount, so the spending it
was fixed on must stay as it was. Deleting that vaststelling does not reopen the stream; only
``stream_unfreeze`` does, with a reason, and the freeze row keeps the history (audited).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from budgets.models import (
    LETTER_UPLOAD,
    Allocation,
    Beschikking,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
    StreamFreeze,
)
from budgets.selectors import is_frozen, stream_freeze_active
from core.uploads import check_upload, clean_display_name
from municipalities.audit import audit_context
from municipalities.models import Municipality
from municipalities.versions import version_check

__all__ = [
    "allocation_delete",
    "allocation_save",
    "beschikking_delete",
    "beschikking_save",
    "commitment_delete",
    "commitment_save",
    "is_frozen",
    "spending_delete",
    "spending_goal_delete",
    "spending_goal_save",
    "spending_save",
    "stream_freeze",
    "stream_unfreeze",
]

ALLOCATION_FIELDS = (
    "stream",
    "period",
    "amount",
    "reference",
    "beschikking",
    "is_estimate",
    "estimate_basis",
    "note",
)


def _apply(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def allocation_save(
    *,
    municipality: Municipality,
    allocation: Allocation | None = None,
    letter=None,
    version: str | None = None,
    **fields,
) -> Allocation:
    """Create (``allocation=None``) or update an allocation. ``letter=False`` removes the letter.

    ``version``: what the edit form was opened on; a newer stored row raises EditConflict.
    """
    allocation = allocation or Allocation(municipality=municipality)
    assert allocation.municipality_id == municipality.pk
    version_check(allocation, version)
    _apply(allocation, {k: v for k, v in fields.items() if k in ALLOCATION_FIELDS})
    old_letter = _letter_apply(allocation, letter)
    if not allocation.is_estimate:
        allocation.estimate_basis = ""
    allocation.full_clean()
    allocation.save()
    _letter_cleanup(Allocation, old_letter, allocation)
    return allocation


@transaction.atomic
def allocation_delete(*, allocation: Allocation) -> None:
    letter = allocation.letter.name if allocation.letter else ""
    allocation.delete()
    _letter_cleanup(Allocation, letter)


@transaction.atomic
def spending_goal_save(
    *,
    municipality: Municipality,
    spending_goal: SpendingGoal | None = None,
    planned: list[tuple[FundingStream, str, Decimal]],
    goals=None,
    version: str | None = None,
    **fields,
) -> SpendingGoal:
    """Create or update a spending goal and replace its planned amounts with ``planned``.

    ``version``: what the edit form was opened on; a newer stored row raises EditConflict.
    """
    spending_goal = spending_goal or SpendingGoal(municipality=municipality)
    assert spending_goal.municipality_id == municipality.pk
    version_check(spending_goal, version)
    _apply(spending_goal, fields)
    spending_goal.full_clean()
    spending_goal.save()
    if goals is not None:
        if any(goal.cycle_id != spending_goal.cycle_id for goal in goals):
            raise ValidationError(
                {"goals": _("Kies alleen doelen uit de cyclus van dit bestedingsdoel.")}
            )
        spending_goal.goals.set(goals)
    rows = [
        PlannedAmount(
            municipality=municipality,
            spending_goal=spending_goal,
            stream=stream,
            period=period,
            amount=amount,
        )
        for stream, period, amount in planned
    ]
    for row in rows:
        row.full_clean(exclude=["spending_goal", "municipality"], validate_unique=False)
    if len({(row.stream_id, row.period) for row in rows}) < len(rows):
        # The unique constraint would otherwise surface as an IntegrityError from bulk_create.
        raise ValidationError(
            _("Per geldstroom en periode kan een bestedingsdoel maar één gepland bedrag hebben.")
        )
    spending_goal.planned_amounts.all().delete()
    PlannedAmount.objects.bulk_create(rows)
    return spending_goal


@transaction.atomic
def spending_goal_delete(*, spending_goal: SpendingGoal) -> None:
    """Deleting refuses (ProtectedError) while commitments or spending point at the goal."""
    spending_goal.delete()


def _lock_municipality(municipality: Municipality) -> None:
    """Serialise freezes and transaction writes of one municipality (PostgreSQL row lock), so a
    spending save cannot slip in between a freeze's check and its commit."""
    list(Municipality.objects.select_for_update().filter(pk=municipality.pk).values_list("pk"))


def frozen_message(freeze: StreamFreeze) -> str:
    """The Dutch sentence for a refused change to a closed stream's commitments or spending."""
    return _(
        "%(stream)s is voor deze gemeente afgesloten sinds %(date)s: verplichtingen en "
        "bestedingen van deze geldstroom kun je niet meer toevoegen, wijzigen of verwijderen. "
        "Wil je toch iets veranderen, dan moet de geldstroom eerst worden heropend, met een reden."
    ) % {
        "stream": freeze.stream.name,
        "date": formats.date_format(timezone.localtime(freeze.frozen_at), "j F Y"),
    }


def _refuse_if_frozen(*, municipality: Municipality, stream_ids) -> None:
    for stream_id in dict.fromkeys(i for i in stream_ids if i):
        if freeze := stream_freeze_active(municipality=municipality, stream=stream_id):
            raise ValidationError(frozen_message(freeze), code="stream_frozen")


def _transaction_save(model, *, municipality, instance=None, **fields):
    instance = instance or model(municipality=municipality)
    assert instance.municipality_id == municipality.pk
    _lock_municipality(municipality)
    # The stored stream, not the instance's: a ModelForm has already put the new values on it.
    stored_stream = (
        model.objects.filter(pk=instance.pk).values_list("stream_id", flat=True).first()
        if instance.pk
        else None
    )
    _apply(instance, fields)
    _refuse_if_frozen(municipality=municipality, stream_ids=[stored_stream, instance.stream_id])
    instance.full_clean()
    instance.save()
    return instance


def _transaction_delete(instance) -> None:
    _lock_municipality(instance.municipality)
    stored_stream = (
        type(instance).objects.filter(pk=instance.pk).values_list("stream_id", flat=True).first()
    )
    _refuse_if_frozen(municipality=instance.municipality, stream_ids=[stored_stream])
    instance.delete()


@transaction.atomic
def commitment_save(
    *, municipality: Municipality, commitment: Commitment | None = None, **fields
) -> Commitment:
    return _transaction_save(Commitment, municipality=municipality, instance=commitment, **fields)


@transaction.atomic
def spending_save(
    *, municipality: Municipality, spending: Spending | None = None, **fields
) -> Spending:
    return _transaction_save(Spending, municipality=municipality, instance=spending, **fields)


@transaction.atomic
def commitment_delete(*, commitment: Commitment) -> None:
    _transaction_delete(commitment)


@transaction.atomic
def spending_delete(*, spending: Spending) -> None:
    _transaction_delete(spending)


# --- Closing a stream ---------------------------------------------------------------------------


def stream_freeze(
    *,
    municipality: Municipality,
    stream: FundingStream,
    user,
    reason: str = "",
    beschikking: Beschikking | None = None,
) -> StreamFreeze:
    """Close ``stream`` for ``municipality``. Already closed: the freeze in force is returned
    unchanged (a vaststelling and the final sign-off may both close the same stream)."""
    with transaction.atomic(), audit_context(event="", actor=user):
        _lock_municipality(municipality)
        if existing := stream_freeze_active(municipality=municipality, stream=stream):
            return existing
        freeze = StreamFreeze(
            municipality=municipality,
            stream=stream,
            frozen_at=timezone.now(),
            frozen_by=user,
            reason=reason[:300],
            beschikking=beschikking,
        )
        freeze.full_clean()
        freeze.save()
        return freeze


def stream_unfreeze(
    *, municipality: Municipality, stream: FundingStream, user, reason: str
) -> StreamFreeze:
    """Reopen a closed stream. The freeze row stays, with who reopened it, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Geef een reden om de geldstroom te heropenen.")}, code="required"
        )
    with transaction.atomic(), audit_context(event="", actor=user):
        _lock_municipality(municipality)
        freeze = stream_freeze_active(municipality=municipality, stream=stream)
        if freeze is None:
            raise ValidationError(
                _("%(stream)s is voor deze gemeente niet afgesloten; er is niets te heropenen.")
                % {"stream": stream.name},
                code="not_frozen",
            )
        freeze.reopened_at = timezone.now()
        freeze.reopened_by = user
        freeze.reopen_reason = reason
        freeze.full_clean()
        freeze.save()
        return freeze


# --- Beschikkingen ------------------------------------------------------------------------------

BESCHIKKING_FIELDS = (
    "stream",
    "kind",
    "amount",
    "date",
    "reference",
    "recipient_former",
    "final_amount",
    "reclaim_amount",
    "note",
)


def _letter_apply(instance, letter) -> str:
    """Put ``letter`` on ``instance`` (``False`` removes it, ``None`` keeps it); returns the
    stored name it had before, for deleting the old file after the commit."""
    old_letter = instance.letter.name if instance.letter else ""
    if letter is False:
        instance.letter = None
        instance.letter_name = ""
    elif letter is not None:
        kind = check_upload(letter, policy=LETTER_UPLOAD)
        instance.letter_name = clean_display_name(letter.name, extension=kind.extension)
        letter.name = f"beschikking{kind.extension}"  # stored under a name of GeneratedName's
        instance.letter = letter
    return old_letter


def _letter_cleanup(model, old_letter: str, instance=None) -> None:
    current = instance.letter.name if instance is not None and instance.letter else ""
    if old_letter and old_letter != current:
        storage = model._meta.get_field("letter").storage
        transaction.on_commit(lambda: storage.delete(old_letter))


def beschikking_save(
    *,
    municipality: Municipality,
    user,
    beschikking: Beschikking | None = None,
    letter=None,
    version: str | None = None,
    **fields,
) -> Beschikking:
    """Create (``beschikking=None``) or update a beschikking. ``letter=False`` removes the letter.

    A vaststelling closes its stream for the municipality (``stream_freeze``), in the same
    transaction: recorded and closed, or neither.
    """
    with transaction.atomic(), audit_context(event="", actor=user):
        beschikking = beschikking or Beschikking(municipality=municipality)
        assert beschikking.municipality_id == municipality.pk
        version_check(beschikking, version)
        _apply(beschikking, {k: v for k, v in fields.items() if k in BESCHIKKING_FIELDS})
        if beschikking.kind != Beschikking.Kind.VASTSTELLING:
            beschikking.final_amount = None
            beschikking.reclaim_amount = None
        old_letter = _letter_apply(beschikking, letter)
        beschikking.full_clean()
        beschikking.save()
        _letter_cleanup(Beschikking, old_letter, beschikking)
        if beschikking.kind == Beschikking.Kind.VASTSTELLING:
            stream_freeze(
                municipality=municipality,
                stream=beschikking.stream,
                user=user,
                reason=(
                    _("Vaststelling %(reference)s van %(date)s")
                    if beschikking.reference
                    else _("Vaststelling van %(date)s")
                )
                % {
                    "reference": beschikking.reference,
                    "date": formats.date_format(beschikking.date, "j F Y"),
                },
                beschikking=beschikking,
            )
        return beschikking


@transaction.atomic
def beschikking_delete(*, beschikking: Beschikking) -> None:
    """Linked allocations keep their amounts and lose the link; a freeze stays in force."""
    letter = beschikking.letter.name if beschikking.letter else ""
    beschikking.delete()
    _letter_cleanup(Beschikking, letter)
