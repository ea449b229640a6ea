"""OpenID Connect single sign-on with the providers configured in the admin (OIDCProvider).

Authlib's Django client does the protocol: discovery, the authorization code flow with PKCE
(S256), ``state`` and ``nonce`` kept in the session, the token request, and the ID token's checks
(RS256 signature against the provider's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``). This module
decides what a verified ID token may do here: a provider never grants roles. A known ``sub``
signs its account in; a first sign-on links to the account (or accepts the pending invitation)
with the same address only when the provider asserts ``email_verified`` and the address is in
one of the provider's domains. Everything else is refused with a Dutch message and audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from joserfc.errors import JoseError as JoserfcError
from requests import RequestException

from accounts.models import OIDCIdentity, OIDCProvider
from municipalities.audit import audit_event_record
from municipalities.models import AuditLogEntry, Invitation, User

log = logging.getLogger(__name__)
Event = AuditLogEntry.Event

SESSION_PROVIDER = "accounts_sso_provider"
SESSION_ID_TOKEN = "accounts_sso_id_token"  # noqa: S105 - a session key name
SCOPE = "openid email profile"

# One authlib client per provider version, kept per process: it caches the discovery document
# and the JWKS (fetched again when a token names an unknown key).
_clients: dict[tuple[int, float], DjangoOAuth2App] = {}


SESSION_ORIGINS = "accounts_sso_origins"


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def _provider_origins(provider: OIDCProvider) -> set[str]:
    """The issuer's origin, and the authorize and end-session endpoints' once discovery was read
    in this process."""
    found = {_origin(provider.issuer)}
    for (pk, _version), client in list(_clients.items()):
        if pk == provider.pk and client.server_metadata:
            for key in ("authorization_endpoint", "end_session_endpoint"):
                found.add(_origin(client.server_metadata.get(key, "")))
    return {origin for origin in found if origin}


def login_form_origins() -> list[str]:
    """Where the login page's e-mail step may lead: every active provider (one query, on the
    login page only)."""
    found: set[str] = set()
    for provider in OIDCProvider.objects.filter(is_active=True):
        found |= _provider_origins(provider)
    return sorted(found)


def session_origins_remember(*, request, provider: OIDCProvider) -> None:
    """A signed-on session's logout form leads to this provider's end-session endpoint."""
    request.session[SESSION_ORIGINS] = sorted(_provider_origins(provider))


def provider_for_email(email: str) -> OIDCProvider | None:
    """The active provider that serves the address's domain, if any (one query)."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    if not domain:
        return None
    for provider in OIDCProvider.objects.filter(is_active=True):
        if domain in provider.domains:
            return provider
    return None


def client_for(provider: OIDCProvider) -> DjangoOAuth2App:
    key = (provider.pk, provider.updated_at.timestamp())
    client = _clients.get(key)
    if client is None:
        for old in [k for k in _clients if k[0] == provider.pk]:
            del _clients[old]
        name = f"oidc-{provider.pk}"
        client = DjangoOAuth2App(
            DjangoIntegration(name),
            name,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.metadata_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
        )
        _clients[key] = client
    return client


class SignOnRefused(Exception):
    """The provider's answer does not let this person in; ``message`` says why, in Dutch."""

    def __init__(self, message: str, reason: str, email: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.email = email


@dataclass
class SignOn:
    user: User
    id_token: str
    mfa: bool
    first_link: bool


def _refuse(reason: str, email: str = "") -> SignOnRefused:
    messages = {
        "protocol": _(
            "Inloggen bij je organisatie is niet gelukt: het antwoord van de inlogprovider "
            "klopt niet of is verlopen. Probeer het opnieuw vanaf de inlogpagina."
        ),
        "unavailable": _(
            "De inlogprovider van je organisatie is nu niet bereikbaar. Probeer het later "
            "opnieuw, of neem contact op met je beheerder."
        ),
        "unverified": _(
            "Je organisatie bevestigt niet dat dit e-mailadres van jou is. Daarom koppelen we je "
            "organisatie-account niet aan NPO-platform. Vraag je ICT-afdeling om hulp."
        ),
        "domain": _(
            "Dit e-mailadres hoort niet bij een domein van deze inlogprovider. Daarom koppelen we "
            "het niet aan NPO-platform."
        ),
        "unknown": _(
            "Er is op NPO-platform geen account en geen openstaande uitnodiging voor dit "
            "e-mailadres. Een inlogprovider geeft zelf geen toegang: vraag je gemeente om een "
            "uitnodiging."
        ),
        "inactive": _("Dit account is niet actief. Neem contact op met je gemeente."),
    }
    return SignOnRefused(messages[reason], reason, email)


def sign_on_complete(*, request, provider: OIDCProvider) -> SignOn:
    """Finish the authorization code flow on the callback request; raises SignOnRefused."""
    client = client_for(provider)
    try:
        token = client.authorize_access_token(request, leeway=30)
    except (AuthlibBaseError, JoserfcError, ValueError, KeyError, TypeError) as error:
        log.info("OIDC sign-on with %s refused: %s", provider.slug, error)
        raise _refuse("protocol") from error
    except RequestException as error:
        log.warning("OIDC provider %s unreachable: %s", provider.slug, error)
        raise _refuse("unavailable") from error
    claims = token.get("userinfo")
    if not claims or "id_token" not in token:
        raise _refuse("protocol")
    subject = str(claims.get("sub") or "")
    email = str(claims.get("email") or "").strip().lower()
    if not subject:
        raise _refuse("protocol")
    mfa = provider.asserts_mfa(claims)
    identity = (
        OIDCIdentity.objects.filter(provider=provider, subject=subject)
        .select_related("user")
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise _refuse("inactive", identity.user.email)
        return SignOn(identity.user, token["id_token"], mfa, first_link=False)
    if claims.get("email_verified") is not True:
        raise _refuse("unverified", email)
    if not email or not provider.serves_domain(email):
        raise _refuse("domain", email)
    user = _first_link(provider=provider, subject=subject, email=email, request=request)
    return SignOn(user, token["id_token"], mfa, first_link=True)


def _first_link(*, provider: OIDCProvider, subject: str, email: str, request) -> User:
    """Link ``subject`` to the account with this address, or accept a pending invitation to one
    of the municipalities this provider serves (a new account without a password)."""
    from municipalities.services import invitation_accept

    user = User.objects.filter(email__iexact=email).first()
    try:
        with transaction.atomic():
            if user is None:
                invitation = (
                    Invitation.objects.open()
                    .filter(email__iexact=email, municipality__in=provider.municipalities.all())
                    .order_by("created_at")
                    .first()
                )
                if invitation is None or not invitation.is_usable:
                    raise _refuse("unknown", email)
                user = invitation_accept(invitation=invitation)
            if not user.is_active:
                raise _refuse("inactive", email)
            if OIDCIdentity.objects.filter(provider=provider, user=user).exists():
                # The account is linked to another subject of this provider already: a
                # different person at the provider with this address now.
                raise _refuse("unknown", email)
            OIDCIdentity.objects.create(provider=provider, subject=subject, user=user)
    except IntegrityError as error:
        raise _refuse("protocol", email) from error
    _audit_link(provider=provider, user=user, request=request)
    return user


def _audit_link(*, provider: OIDCProvider, user: User, request) -> None:
    from accounts.services import security_mail_send

    places = list(user.memberships.filter(ended_at__isnull=True).select_related("municipality"))
    for place in [m.municipality for m in places] or [None]:
        audit_event_record(
            event=Event.LOGIN,
            municipality=place,
            actor=user,
            obj=user,
            changes={"sso_gekoppeld": [None, provider.name]},
            request=request,
        )
    transaction.on_commit(
        lambda: security_mail_send(user_id=user.pk, kind="sso_linked", provider=provider.name)
    )


def sign_on_refused_record(*, provider: OIDCProvider, refusal: SignOnRefused, request) -> None:
    """A refused sign-on in the platform trail (staff see it, as failed logins)."""
    user = User.objects.filter(email__iexact=refusal.email).first() if refusal.email else None
    audit_event_record(
        event=Event.LOGIN_FAILED,
        action=AuditLogEntry.Action.ACCESS,
        obj=user,
        object_repr=refusal.email or provider.name,
        changes={"sso_geweigerd": [provider.name, refusal.reason]},
        request=request,
    )


def logout_url(*, provider_id: int | None, id_token: str, return_to: str) -> str | None:
    """The provider's end-session URL (RP-initiated logout), or None when it has none."""
    provider = OIDCProvider.objects.filter(pk=provider_id, is_active=True).first()
    if provider is None or not id_token:
        return None
    try:
        return client_for(provider).create_logout_url(
            post_logout_redirect_uri=return_to,
            id_token_hint=id_token,
            client_id=provider.client_id,
        )["url"]
    except (RuntimeError, RequestException, ValueError) as error:
        log.warning("No RP-initiated logout at %s: %s", provider.slug, error)
        return None
