"""Writes for sign-in security: enrolling the authenticator app, recovery codes, and resets.
Keyword-only arguments, named <thing>_<verb>."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import UserSettings
from accounts.sessions import sessions_end_others
from core.mail import mail_queue, mail_render, recipient_languages
from municipalities.audit import audit_event_record
from municipalities.models import (
    EDITOR_ROLES,
    AuditLogEntry,
    Membership,
    Municipality,
    active_membership_q,
)

Event = AuditLogEntry.Event
RECOVERY_CODE_COUNT = 10


def security_mail_send(*, user_id: int, kind: str, provider: str = "") -> None:
    """The one security mail to the user: ``kind`` is enrolled, reset, password_changed or
    sso_linked (then ``provider`` names the organisation's sign-on)."""
    from municipalities.models import User

    user = User.objects.get(pk=user_id)
    language = recipient_languages(emails=[user.email])[user.email.lower()]
    subject, text, html = mail_render(
        subject_template="accounts/email/security_subject.txt",
        text_template="accounts/email/security_body.txt",
        context={"user": user, "kind": kind, "provider": provider, "required_mail": True},
        language=language,
    )
    mail_queue(to=user.email, subject=subject, text=text, html=html, kind=f"security_{kind}")


def user_language_set(*, user, language: str) -> None:
    """Keep the interface language the user chose; their mails follow it."""
    UserSettings.objects.update_or_create(user=user, defaults={"language": language})


def _audit(*, event: str, user, actor, request=None, municipality: Municipality | None = None):
    """One entry in the trail of every municipality the user is a member of (or the one given),
    or a platform entry for a user without memberships."""
    # request.user is a lazy proxy; the trail needs the model instance to find its type.
    user = user._wrapped if isinstance(user, SimpleLazyObject) else user
    actor = actor._wrapped if isinstance(actor, SimpleLazyObject) else actor
    if municipality is not None:
        places = [municipality]
    else:
        places = list(
            Municipality.objects.filter(
                active_membership_q("memberships__"), memberships__user=user
            ).distinct()
        ) or [None]
    for place in places:
        audit_event_record(event=event, municipality=place, actor=actor, obj=user, request=request)


def totp_enrol_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator device the set-up page shows as a QR code (one per user:
    opening the page again shows the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    return device


def totp_enrol_confirm(*, user, token: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app with a code from it; returns the device and ten new
    recovery codes (shown once). Replaces any earlier device and codes."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Tweestapsverificatie is al ingesteld voor dit account."))
    with transaction.atomic(durable=True):
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token("".join(token.split())):
            raise ValidationError(_("Die code klopt niet. Typ de zes cijfers die de app nu toont."))
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _recovery_codes_replace(user=user)
        _audit(event=Event.TWO_FACTOR_ENROLLED, user=user, actor=user, request=request)
        transaction.on_commit(lambda: security_mail_send(user_id=user.pk, kind="enrolled"))
    # A new second factor ends the user's other sessions (one opened by someone else too).
    sessions_end_others(user=user, request=request)
    return device, codes


def _recovery_codes_replace(*, user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="herstelcodes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Stel eerst tweestapsverificatie in."))
    with transaction.atomic(durable=True):
        return _recovery_codes_replace(user=user)


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset_allowed(*, user, reset_by, municipality: Municipality | None) -> bool:
    """Staff may reset anyone. An editor of ``municipality`` only a non-staff user whose every
    active membership is in that municipality (someone elsewhere too is not theirs alone)."""
    if reset_by.is_staff:
        return True
    if municipality is None or user.is_staff or user.is_superuser or user.pk == reset_by.pk:
        return False
    if (
        not Membership.objects.active()
        .filter(user=reset_by, municipality=municipality, role__in=EDITOR_ROLES)
        .exists()
    ):
        return False
    places = set(
        Membership.objects.active().filter(user=user).values_list("municipality_id", flat=True)
    )
    return places == {municipality.pk}


def two_factor_reset(*, user, reset_by, municipality: Municipality | None = None, request=None):
    """Remove the user's authenticator app and recovery codes (a lost phone): they enrol again at
    their next login. Audited and mailed to the user."""
    if not two_factor_reset_allowed(user=user, reset_by=reset_by, municipality=municipality):
        raise PermissionDenied
    with transaction.atomic(durable=True):
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _audit(
            event=Event.TWO_FACTOR_RESET,
            user=user,
            actor=reset_by,
            request=request,
            municipality=None if reset_by.is_staff else municipality,
        )
        transaction.on_commit(lambda: security_mail_send(user_id=user.pk, kind="reset"))
    # Every session of the user ends: they sign in again and enrol a new authenticator.
    sessions_end_others(user=user)


def password_changed(*, user, request=None) -> None:
    """After a password change or reset: the user's other sessions end, and a mail says so."""
    sessions_end_others(user=user, request=request)
    transaction.on_commit(lambda: security_mail_send(user_id=user.pk, kind="password_changed"))
