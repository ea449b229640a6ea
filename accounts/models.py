"""Single sign-on providers, the identities they vouch for, and the user's sessions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _split(text: str) -> list[str]:
    return [part.strip().lower() for part in text.replace(",", " ").split() if part.strip()]


class OIDCProvider(models.Model):
    """An organisation's OpenID Connect provider, configured at run time by platform staff.

    A provider never grants roles: it only vouches for an e-mail address in one of its
    ``email_domains``. Its ``municipalities`` are the ones whose pending invitations a first
    sign-on may accept; a provider that serves none (an advisory firm's) only authenticates
    people who already have an account.
    """

    name = models.CharField(_("naam"), max_length=100, help_text=_("Bijv. Gemeente Utrecht"))
    slug = models.SlugField(_("korte naam"), max_length=50, unique=True)
    issuer = models.URLField(
        _("issuer"),
        help_text=_(
            "De issuer-URL van de provider; de configuratie staat op "
            "<issuer>/.well-known/openid-configuration."
        ),
    )
    client_id = models.CharField(_("client-id"), max_length=255)
    client_secret = models.CharField(_("client-secret"), max_length=255)
    email_domains = models.TextField(
        _("e-maildomeinen"),
        help_text=_("De domeinen van deze organisatie, gescheiden door spaties of komma's."),
    )
    municipalities = models.ManyToManyField(
        "municipalities.Municipality",
        verbose_name=_("gemeenten"),
        blank=True,
        related_name="+",
        help_text=_(
            "De gemeenten waarvan een openstaande uitnodiging met deze provider aangenomen mag "
            "worden. Leeg bij een adviesbureau: dan alleen inloggen op een bestaand account."
        ),
    )
    mfa_amr_values = models.CharField(
        _("amr-waarden die als tweestapsverificatie tellen"),
        max_length=200,
        blank=True,
        default="mfa",
        help_text=_("Bijv. mfa otp hwk. Leeg: de provider telt nooit als tweestapsverificatie."),
    )
    mfa_acr_values = models.CharField(
        _("acr-waarden die als tweestapsverificatie tellen"), max_length=300, blank=True
    )
    is_active = models.BooleanField(_("actief"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inlogprovider (OpenID Connect)")
        verbose_name_plural = _("inlogproviders (OpenID Connect)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def domains(self) -> list[str]:
        return _split(self.email_domains)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def serves_domain(self, email: str) -> bool:
        return email.rsplit("@", 1)[-1].lower() in self.domains

    def asserts_mfa(self, claims: dict) -> bool:
        """Whether the ID token's amr/acr says the provider used more than one factor."""
        amr = claims.get("amr") or []
        amr = [amr] if isinstance(amr, str) else amr
        if set(_split(self.mfa_amr_values)) & {str(value).lower() for value in amr}:
            return True
        acr = str(claims.get("acr") or "").lower()
        return bool(acr) and acr in _split(self.mfa_acr_values)

    def clean(self) -> None:
        if not self.domains:
            raise ValidationError({"email_domains": _("Vul minstens één e-maildomein in.")})
        others = OIDCProvider.objects.filter(is_active=True).exclude(pk=self.pk)
        taken = {domain: other for other in others for domain in other.domains}
        clash = [domain for domain in self.domains if domain in taken]
        if self.is_active and clash:
            raise ValidationError(
                {
                    "email_domains": _("%(domain)s hoort al bij %(provider)s.")
                    % {"domain": clash[0], "provider": taken[clash[0]]}
                }
            )


class OIDCIdentity(models.Model):
    """The provider's subject (``sub``) linked to one of our accounts at the first sign-on."""

    provider = models.ForeignKey(
        OIDCProvider,
        on_delete=models.CASCADE,
        related_name="identities",
        verbose_name=_("provider"),
    )
    subject = models.CharField(_("subject (sub)"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identities",
        verbose_name=_("gebruiker"),
    )
    linked_at = models.DateTimeField(_("gekoppeld op"), default=timezone.now)

    class Meta:
        verbose_name = _("gekoppeld SSO-account")
        verbose_name_plural = _("gekoppelde SSO-accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="oidc_identity_unique_sub"
            ),
            models.UniqueConstraint(fields=["provider", "user"], name="oidc_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.provider}"


class UserSession(models.Model):
    """What the user sees of one signed-in session (the session itself is Django's row in
    django_session, found by ``session_key``; this row follows the key when it is cycled)."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    provider = models.ForeignKey(
        OIDCProvider, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("ingelogd op"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("laatst actief"), default=timezone.now)

    class Meta:
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")
        ordering = ["-last_activity_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def browser(self) -> str:
        """A short reading of the user agent ("Firefox op Windows"), or "" when unknown."""
        agent = self.user_agent
        name = next((n for key, n in _BROWSERS if key in agent), "")
        system = next((n for key, n in _SYSTEMS if key in agent), "")
        if name and system:
            return gettext("%(browser)s op %(system)s") % {"browser": name, "system": system}
        return name or system


# Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("HeadlessChrome", "Chrome (headless)"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


class UserSettings(models.Model):
    """A user's own settings that follow them across devices: for now the interface language,
    which the mails they receive use too (set by the language switcher, accounts.views)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_settings",
        verbose_name=_("gebruiker"),
    )
    language = models.CharField(
        _("taal"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("instellingen van een gebruiker")
        verbose_name_plural = _("instellingen van gebruikers")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


def user_languages(*, user_ids) -> dict[int, str]:
    """Each user's language (the default for users who never chose one), in one query."""
    chosen = dict(
        UserSettings.objects.filter(user_id__in=list(user_ids)).values_list("user_id", "language")
    )
    return {pk: chosen.get(pk, settings.LANGUAGE_CODE) for pk in user_ids}


def emails_languages(emails: list[str]) -> dict[str, str]:
    """{lower-cased e-mail: language} for the addresses of users who chose one (one query)."""
    from django.db.models.functions import Lower

    rows = (
        UserSettings.objects.annotate(email_lower=Lower("user__email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", "language")
    )
    return dict(rows)
