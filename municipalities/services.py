"""Writes for tenancy: invitations and memberships. Keyword-only arguments, named <thing>_<verb>."""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.mail import mail_queue, mail_render, recipient_languages
from municipalities.audit import audit_context
from municipalities.models import (
    TIME_LIMITED_ROLES,
    AuditLogEntry,
    Invitation,
    Membership,
    Municipality,
    Role,
    valid_until_latest,
)

Event = AuditLogEntry.Event


def invitation_token_hash(token: str) -> str:
    """Only this hash is stored: a database leak does not reveal working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_mail_send(*, invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related("municipality", "invited_by", "school").get(
        pk=invitation_id
    )
    context = {
        "invitation": invitation,
        "link": link,
        "existing_user": get_user_model().objects.filter(email__iexact=invitation.email).exists(),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject, text, html = mail_render(
        subject_template="municipalities/email/invitation_subject.txt",
        text_template="municipalities/email/invitation_body.txt",
        context={**context, "municipality": invitation.municipality, "required_mail": True},
        language=recipient_languages(emails=[invitation.email])[invitation.email.lower()],
    )
    mail_queue(to=invitation.email, subject=subject, text=text, html=html, kind="invitation")


def valid_until_check(*, role: str, valid_until: date | None) -> None:
    """A membership's end date: required for the time-limited roles (the accountant), and
    for every role not in the past nor more than 12 months ahead."""
    if valid_until is None:
        if role in TIME_LIMITED_ROLES:
            raise ValidationError(
                {
                    "valid_until": _(
                        "Geef aan tot en met welke datum een accountant toegang heeft "
                        "(hoogstens 12 maanden vooruit)."
                    )
                }
            )
        return
    today = timezone.localdate()
    if valid_until < today:
        raise ValidationError({"valid_until": _("Deze datum ligt in het verleden.")})
    latest = valid_until_latest(today)
    if valid_until > latest:
        raise ValidationError(
            {
                "valid_until": _("Kies een datum tot en met %(date)s (12 maanden vooruit).")
                % {"date": date_format(latest, "j F Y")}
            }
        )


def invitation_create(
    *,
    municipality: Municipality,
    email: str,
    role: str,
    invited_by,
    site_url: str,
    school=None,
    valid_until: date | None = None,
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``municipality``; returns the invitation and the one-time token.

    An open invitation for the same address is revoked first (inviting again re-sends the
    link). The e-mail goes out once the transaction has committed. ``valid_until`` becomes
    the membership's last day (required for an accountant).
    """
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Kies een rol.")})
    valid_until_check(role=role, valid_until=valid_until)
    if role == Role.SCHOOL:
        if school is None:
            raise ValidationError({"school": _("Kies de school van deze gebruiker.")})
        if school.municipality_id != municipality.pk:
            raise ValidationError({"school": _("Deze school hoort niet bij deze gemeente.")})
    else:
        school = None
    if (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(user__email__iexact=email)
        .exists()
    ):
        raise ValidationError({"email": _("Deze persoon heeft al toegang tot deze gemeente.")})

    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with (
        transaction.atomic(durable=True),
        audit_context(event=Event.INVITATION_SENT, actor=invited_by),
    ):
        for previous in (
            Invitation.objects.for_municipality(municipality).open().filter(email=email)
        ):
            previous.revoked_at = now
            previous.revoked_by = invited_by
            previous.save(update_fields=["revoked_at", "revoked_by"])
        invitation = Invitation.objects.create(
            municipality=municipality,
            email=email,
            role=role,
            school=school,
            valid_until=valid_until,
            token_hash=invitation_token_hash(token),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        link = site_url.rstrip("/") + reverse("invitation_accept", args=[token])
        transaction.on_commit(lambda: _invitation_mail_send(invitation_id=invitation.pk, link=link))
    return invitation, token


def invitation_revoke(*, invitation: Invitation, revoked_by) -> Invitation:
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Deze uitnodiging is al gebruikt of ingetrokken."))
    with transaction.atomic(), audit_context(event=Event.INVITATION_REVOKED, actor=revoked_by):
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = revoked_by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def invitation_accept(
    *, invitation: Invitation, user=None, password: str | None = None, display_name: str = ""
):
    """Accept the invitation: into ``user``'s account, or a new account with ``password``.

    Returns the user. The invitation row is locked, so a link used twice at the same moment
    still makes one membership.
    """
    user_model = get_user_model()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable or (
            locked.valid_until is not None and locked.valid_until < timezone.localdate()
        ):
            raise ValidationError(_("Deze uitnodiging is niet meer geldig."))
        if user is None:
            if user_model.objects.filter(email__iexact=locked.email).exists():
                raise ValidationError(_("Er bestaat al een account met dit e-mailadres."))
            with audit_context(event=Event.INVITATION_ACCEPTED):
                user = user_model.objects.create_user(
                    locked.email, password, display_name=display_name
                )
        elif user.email.lower() != locked.email.lower():
            raise ValidationError(_("Deze uitnodiging is voor een ander e-mailadres."))
        with audit_context(event=Event.INVITATION_ACCEPTED, actor=user):
            already = (
                Membership.objects.for_municipality(locked.municipality)
                .active()
                .filter(user=user)
                .exists()
            )
            if not already:
                # A membership past its valid_until grants nothing but still holds the one
                # open place per user and municipality: it ends now, on the day it is renewed.
                for expired in (
                    Membership.objects.for_municipality(locked.municipality)
                    .expired()
                    .filter(user=user)
                ):
                    expired.ended_at = timezone.now()
                    expired.save(update_fields=["ended_at"])
                Membership.objects.create(
                    user=user,
                    municipality=locked.municipality,
                    role=locked.role,
                    school=locked.school,
                    valid_until=locked.valid_until,
                )
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
    return user


def membership_end(*, membership: Membership, ended_by) -> Membership:
    """End a membership. The user keeps the account and their other memberships."""
    if membership.ended_at is not None:
        raise ValidationError(_("Dit lidmaatschap is al beëindigd."))
    if membership.user_id == ended_by.pk:
        raise ValidationError(
            _(
                "Je kunt je eigen toegang niet beëindigen. Vraag een collega of de platformbeheerder."
            )
        )
    with transaction.atomic(), audit_context(event=Event.MEMBERSHIP_ENDED, actor=ended_by):
        membership.ended_at = timezone.now()
        membership.save(update_fields=["ended_at"])
    return membership


# Roles an editor may give on the Team page. A school membership carries a school and is made
# through an invitation for that school; it is never changed into another role here (or back).
CHANGEABLE_ROLES = (Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER)


def membership_change_role(*, membership: Membership, role: str, changed_by) -> Membership:
    """Give an active, non-school membership another of ``CHANGEABLE_ROLES``."""
    if membership.ended_at is not None:
        raise ValidationError(_("Dit lidmaatschap is al beëindigd."))
    if membership.user_id == changed_by.pk:
        raise ValidationError(
            _("Je kunt je eigen rol niet wijzigen. Vraag een collega of de platformbeheerder.")
        )
    if membership.role == Role.ACCOUNTANT or role == Role.ACCOUNTANT:
        raise ValidationError(
            _(
                "De rol accountant kun je hier niet geven of wijzigen: die hoort bij een "
                "einddatum. Beëindig de toegang en nodig de persoon opnieuw uit."
            )
        )
    if membership.role == Role.SCHOOL or role == Role.SCHOOL:
        raise ValidationError(
            _(
                "De rol school kun je hier niet geven of wijzigen. Beëindig de toegang en nodig "
                "de persoon opnieuw uit."
            )
        )
    if role not in CHANGEABLE_ROLES:
        raise ValidationError(_("Kies een rol."))
    if membership.role == role:
        raise ValidationError(_("%(user)s heeft deze rol al.") % {"user": membership.user})
    with transaction.atomic(), audit_context(event=Event.MEMBERSHIP_ROLE_CHANGED, actor=changed_by):
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_set_valid_until(
    *, membership: Membership, valid_until: date | None, changed_by
) -> Membership:
    """Give an active membership another last day (extend or shorten an accountant's access).

    The same rules as on the invitation: required for an accountant, from today up to 12
    months ahead. Audited as a change of the membership."""
    if membership.ended_at is not None:
        raise ValidationError(_("Dit lidmaatschap is al beëindigd."))
    if membership.user_id == changed_by.pk:
        raise ValidationError(
            _("Je kunt je eigen toegang niet wijzigen. Vraag een collega of de platformbeheerder.")
        )
    valid_until_check(role=membership.role, valid_until=valid_until)
    # No named event: the trail shows it as a change of the membership's "geldig tot en met".
    with transaction.atomic(), audit_context(event="", actor=changed_by):
        membership.valid_until = valid_until
        membership.save(update_fields=["valid_until"])
    return membership
