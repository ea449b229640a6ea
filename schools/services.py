"""Writes for partner organisations. The reference-data import lives in schools/importers/."""

from django.db import transaction

from municipalities.models import Municipality
from schools.models import PartnerOrganisation, School


@transaction.atomic
def partner_create(
    *,
    municipality: Municipality,
    name: str,
    kind: str,
    contact_name: str = "",
    contact_email: str = "",
    schools: list[School] | None = None,
) -> PartnerOrganisation:
    partner = PartnerOrganisation.objects.create(
        municipality=municipality,
        name=name,
        kind=kind,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    _schools_set(partner, schools or [])
    return partner


@transaction.atomic
def partner_update(*, partner: PartnerOrganisation, schools: list[School], **fields) -> None:
    for field, value in fields.items():
        setattr(partner, field, value)
    partner.save()
    _schools_set(partner, schools)


def _schools_set(partner: PartnerOrganisation, schools: list[School]) -> None:
    if any(s.municipality_id != partner.municipality_id for s in schools):
        raise ValueError("A partner only works with schools in its own municipality.")
    partner.schools.set(schools)


def partner_set_active(*, partner: PartnerOrganisation, is_active: bool) -> None:
    """Deactivate (or reactivate) instead of deleting: plans and commitments may point to it."""
    if partner.is_active != is_active:
        partner.is_active = is_active
        partner.save(update_fields=["is_active", "updated_at"])
