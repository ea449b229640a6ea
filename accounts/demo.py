"""Demo accounts get an authenticator app with a published secret, so `make run` keeps working:
the secret is printed next to the login, and ``manage.py demo_totp <email>`` prints a current
code. Like the demo password, these secrets are public; seed_demo refuses to run in production.
"""

import hashlib
from base64 import b32encode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import two_factor_required
from municipalities.models import User

DEMO_SUFFIX = ".demo"


def is_demo_account(user) -> bool:
    return user.email.lower().endswith(DEMO_SUFFIX)


def demo_totp_key(email: str) -> str:
    """The demo account's TOTP key (hex, 20 bytes), derived from its address."""
    return hashlib.sha1(f"npo-platform-demo-totp:{email.lower()}".encode()).hexdigest()  # noqa: S324 - a published demo secret, not a password hash


def secret_of(key_hex: str) -> str:
    """The key as the base32 text an authenticator app takes."""
    return b32encode(bytes.fromhex(key_hex)).decode()


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def demo_secrets() -> dict[str, str]:
    """E-mail → base32 secret of every demo account still enrolled with its demo secret."""
    devices = TOTPDevice.objects.filter(
        confirmed=True, user__email__endswith=DEMO_SUFFIX
    ).select_related("user")
    return {d.user.email: secret_of(d.key) for d in devices if d.key == demo_totp_key(d.user.email)}


def seed(stdout=None) -> None:
    """Enrol every demo account that must use a second factor (idempotent)."""
    users = User.objects.filter(email__endswith=DEMO_SUFFIX).exclude(totpdevice__confirmed=True)
    for user in users:
        if two_factor_required(user):
            TOTPDevice.objects.filter(user=user).delete()
            TOTPDevice.objects.create(
                user=user, name="demo", confirmed=True, key=demo_totp_key(user.email)
            )


def signin_help() -> list[str]:
    """How to sign in, for `make run`'s output: e-mail first, then the password (no provider
    needed), or the organisation's sign-on for the domains that have one."""
    from accounts.models import OIDCProvider

    lines = [
        "Inloggen: vul op /accounts/login/ eerst het e-mailadres in en kies Volgende; dan het "
        "wachtwoord, en waar nodig de tweestapscode."
    ]
    providers = list(OIDCProvider.objects.filter(is_active=True).order_by("name"))
    if not providers:
        lines.append(
            "Er is geen inlogprovider (single sign-on) ingesteld: iedereen logt in met het "
            "wachtwoord. Een provider stel je in via /beheer/ (Inlogproviders)."
        )
    for provider in providers:
        lines.append(
            f"Single sign-on via {provider.name} voor: {', '.join(provider.domains)} "
            f"({provider.issuer})."
        )
    return lines
