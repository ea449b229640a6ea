"""Who needs a second factor, and the session state that says whether it was given.

A password login of a user who needs one (staff, an active membership in a role of
``TWO_FACTOR_REQUIRED_ROLES``, or anyone who enrolled a device) leaves the session *pending*:
``TwoFactorMiddleware`` then lets it reach only the second-factor pages and logout. The decision
is taken once, at login (``accounts.signals``), and kept in the session, so an ordinary page view
costs no query for it; a session made without ``django.contrib.auth.login`` (none in this
project) would carry no pending mark.
"""

from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities.models import Membership

PENDING_KEY = "accounts_2fa_pending"


def two_factor_required(user) -> bool:
    """Staff, and members with an active membership in one of the listed roles, must use it."""
    if user.is_staff or user.is_superuser:
        return True
    roles = list(settings.TWO_FACTOR_REQUIRED_ROLES)
    return bool(roles) and Membership.objects.active().filter(user=user, role__in=roles).exists()


def totp_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_is_pending(request) -> bool:
    return bool(request.session.get(PENDING_KEY))


def session_mark_pending(request) -> None:
    request.session[PENDING_KEY] = True
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def session_mark_verified(request, device) -> None:
    """The second factor was given: the session may go everywhere its roles allow."""
    request.session.pop(PENDING_KEY, None)
    # A new session key after the step up, as after a login (no fixation across the step).
    request.session.cycle_key()
    otp_login(request, device)


def token_verify(user, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``token``: the authenticator app's code, or a recovery code
    (used once: django-otp deletes it). Each device throttles its own failures."""
    from django.db import transaction

    token = "".join(token.split()).lower()
    if not token:
        return None
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if device.verify_token(token):
                return device
    return None
