"""URL kwargs of the tenancy pages, for the isolation sweep: each makes an object in ``municipality``."""

import secrets
from datetime import timedelta

from django.utils import timezone

from municipalities.models import Invitation, Role
from municipalities.services import invitation_token_hash
from tests.factories import MembershipFactory


def _invitation(municipality) -> int:
    return Invitation.objects.create(
        municipality=municipality,
        email=f"uitgenodigd-{secrets.token_hex(4)}@example.nl",
        role=Role.VIEWER,
        token_hash=invitation_token_hash(secrets.token_urlsafe(32)),
        expires_at=timezone.now() + timedelta(days=7),
    ).pk


KWARG_FACTORIES = {
    "membership_pk": lambda municipality: (
        MembershipFactory(municipality=municipality, role=Role.VIEWER).pk
    ),
    "invitation_pk": _invitation,
}
