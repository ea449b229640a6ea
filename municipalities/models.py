"""Tenants (municipalities), users and memberships.

This app is the bottom layer: it imports none of the other apps. The school a school-role
membership is bound to is referenced by a string foreign key.
"""

import datetime

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Log-in by e-mail is case-insensitive.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    display_name = models.CharField(_("naam"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("platformbeheerder"),
        default=False,
        help_text=_("Mag inloggen in het beheer (Django-admin)."),
    )
    is_active = models.BooleanField(_("actief"), default=True)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class PageCacheQuerySet(models.QuerySet):
    """Reports ``update()``, ``bulk_create()`` and ``bulk_update()``, which send no signals, to
    the page cache (municipalities.pagecache): for a model registered there, they retire the
    pages that show the rows written, as its signals do for ``save()`` and ``delete()``."""

    def update(self, **kwargs) -> int:
        from municipalities import pagecache

        retire = pagecache.queryset_update_retirement(self, kwargs)
        rows = super().update(**kwargs)
        retire()
        return rows

    def bulk_create(self, objs, *args, **kwargs) -> list:
        from municipalities import pagecache

        created = super().bulk_create(objs, *args, **kwargs)
        pagecache.queryset_rows_written(self.model, created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs) -> int:
        from municipalities import pagecache

        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        pagecache.queryset_rows_written(self.model, objs, fields)
        return rows


class ReferenceQuerySet(PageCacheQuerySet):
    """Queryset of shared rows every page may show (municipalities)."""


class Municipality(models.Model):
    """A Dutch municipality (gemeente): the tenant."""

    name = models.CharField(_("naam"), max_length=100)
    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True, help_text="GM0363")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=50, blank=True)
    inhabitants = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    # Every inhabitants figure is shown with its source and date ("Bron: CBS, 1 jan. 2026").
    # An empty date means the source gives none: shown as "datum onbekend".
    inhabitants_source = models.CharField(_("bron inwonertal"), max_length=200, blank=True)
    inhabitants_date = models.DateField(_("peildatum inwonertal"), null=True, blank=True)
    # The NPO's second part (EUR 22,64 per unit, DOMAIN.md): no public table of the scores
    # exists, so an editor enters the municipality's score from its beschikking (audited).
    npo_oab_score = models.DecimalField(
        _("onderwijsachterstandsscore (NPO)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "De onderwijsachterstandsscore waarmee het NPO-bedrag is berekend (uit de "
            "beschikking). Leeg: het OAB-deel telt niet mee in de schatting."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__regex=r"^GM[0-9]{4}$"), name="municipality_cbs_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FormerMunicipality(models.Model):
    """A municipality of the CBS division of 2021 that merged into a current one (2021–2023).

    Loaded from ``reference_data/cbs-herindelingen-2021-2023.csv``: the NPO was allocated to the
    municipalities of 2021, so a successor's estimate includes its predecessors' pupils, and
    DUO's files of 2020–2022 still name the old codes.
    """

    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True, help_text="GM0398")
    name = models.CharField(_("naam"), max_length=100)
    successor = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("opgegaan in"),
    )
    merged_on = models.DateField(_("datum herindeling"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("voormalige gemeente")
        verbose_name_plural = _("voormalige gemeenten")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.cbs_code})"


class TenantQuerySet(PageCacheQuerySet):
    """Base queryset of every tenant-owned model: rows carry ``municipality`` directly."""

    def for_municipality(self, municipality: "Municipality | int") -> "TenantQuerySet":
        return self.filter(municipality=municipality)


class TenantModel(models.Model):
    """Base of every tenant-owned model: the row belongs to one municipality.

    Carries ``municipality`` (directly, not only through a parent row, so ``for_municipality()``
    is one indexed filter and the audit trail attributes each row), the ``TenantQuerySet``
    manager, and the stamps ``created_at``/``updated_at``. The audit trail registers every
    subclass (municipalities.audit) and never logs the stamps.

    A subclass whose foreign key differs (another ``related_name``, no verbose name) or whose
    stamps predate this base re-declares the field; Django lets a field of an abstract base be
    overridden. A subclass with its own queryset methods builds its manager from a subclass of
    ``TenantQuerySet``. Not a subclass: ``AuditLogEntry`` (platform entries have no
    municipality) and ``schools.School`` (reference data from DUO's files, which say where it is).
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("gemeente")
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


def active_membership_q(prefix: str = "", *, today: datetime.date | None = None) -> Q:
    """The one definition of a membership that grants access *today*: not ended, and not past
    its ``valid_until`` (inclusive; the date in Europe/Amsterdam). ``prefix`` reaches it through
    a relation, e.g. ``"memberships__"`` from a municipality (use it in a single ``filter()``
    with the other conditions on that relation, so they apply to the same membership).

    Every access check goes through this: ``tenant_view`` and the municipality switcher, the
    advisor's portfolio and exports (``advisor_municipalities``), the dashboard's home redirect,
    two-factor requirements. An expired accountant is therefore ended everywhere at once.
    ``today``: the date to judge by (default the current one in Europe/Amsterdam).
    """
    return Q(**{f"{prefix}ended_at__isnull": True}) & (
        Q(**{f"{prefix}valid_until__isnull": True})
        | Q(**{f"{prefix}valid_until__gte": today or timezone.localdate()})
    )


class MembershipQuerySet(TenantQuerySet):
    def active(self, *, today: datetime.date | None = None) -> "MembershipQuerySet":
        """Memberships that grant access today (see ``active_membership_q``)."""
        return self.filter(active_membership_q(today=today))

    def expired(self) -> "MembershipQuerySet":
        """Not ended by hand, but past their ``valid_until``: they grant nothing."""
        return self.filter(ended_at__isnull=True, valid_until__lt=timezone.localdate())


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Adviseur")
    POLICY_OFFICER = "policy_officer", _("Beleidsmedewerker")
    VIEWER = "viewer", _("Meelezer")
    SCHOOL = "school", _("School")
    ACCOUNTANT = "accountant", _("Accountant")


# Roles that may change the municipality's data (and invite people).
EDITOR_ROLES = frozenset({Role.ADVISOR, Role.POLICY_OFFICER})
# Roles that may read everything of the municipality.
READER_ROLES = frozenset({Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER})
# Roles that may read the money: budgets, the final accounting, every export and the
# accountant's dossier. The accountant reads these and nothing else (no school analyses, no
# team page) and never writes.
FINANCE_READER_ROLES = READER_ROLES | {Role.ACCOUNTANT}
# Roles that see the read log (who viewed what) of their municipality; staff use the admin.
READ_LOG_ROLES = frozenset({Role.POLICY_OFFICER})
# Roles whose membership must end on a date (``Membership.valid_until``), at most
# ``VALID_UNTIL_MAX_MONTHS`` ahead.
TIME_LIMITED_ROLES = frozenset({Role.ACCOUNTANT})
VALID_UNTIL_MAX_MONTHS = 12


def valid_until_latest(today=None):
    """The latest ``valid_until`` a time-limited membership may get: 12 months from today
    (29 February becomes 28 February)."""
    today = today or timezone.localdate()
    year = today.year + VALID_UNTIL_MAX_MONTHS // 12
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


class Membership(TenantModel):
    """A user's role in one municipality. Ended memberships are kept for the audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("Alleen voor de rol school: de schoolvestiging van deze gebruiker."),
    )
    created_at = models.DateTimeField(_("sinds"), default=timezone.now)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    valid_until = models.DateField(
        _("geldig tot en met"),
        null=True,
        blank=True,
        help_text=_(
            "Na deze datum geeft het lidmaatschap geen toegang meer. Verplicht voor de rol "
            "accountant (hoogstens 12 maanden vooruit)."
        ),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["municipality__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_user_and_municipality",
            ),
            models.CheckConstraint(
                condition=(Q(role="school") & Q(school__isnull=False))
                | (~Q(role="school") & Q(school__isnull=True)),
                name="membership_school_iff_school_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="accountant") | Q(valid_until__isnull=False),
                name="membership_accountant_has_valid_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"

    def clean(self) -> None:
        # The admin's form: the same rule as the database constraint, as a Dutch message (the
        # team page's services also check the 12 months).
        super().clean()
        if self.role in TIME_LIMITED_ROLES and self.valid_until is None:
            raise ValidationError(
                {"valid_until": _("Een accountant heeft een einddatum van de toegang nodig.")}
            )

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def can_read_all(self) -> bool:
        return self.role in READER_ROLES

    @property
    def can_read_finance(self) -> bool:
        return self.role in FINANCE_READER_ROLES

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class InvitationQuerySet(TenantQuerySet):
    def open(self) -> "InvitationQuerySet":
        """Neither accepted nor revoked (it may have expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(TenantModel):
    """An e-mail invitation to join a municipality with a role.

    Only a SHA-256 hash of the one-time token is stored; the token itself exists only in the
    e-mail. The link works once, until ``expires_at``, and not after it has been revoked.
    """

    # The token hash is a secret: it never goes into the audit trail.
    AUDIT_EXCLUDE_FIELDS = ("token_hash",)

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("gemeente"),
    )
    email = models.EmailField(_("e-mailadres"))
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_until = models.DateField(
        _("toegang geldig tot en met"),
        null=True,
        blank=True,
        help_text=_("Wordt de einddatum van het lidmaatschap (verplicht voor de rol accountant)."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgenodigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"))
    accepted_at = models.DateTimeField(_("geaccepteerd op"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geaccepteerd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingetrokken door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email_and_municipality",
            ),
            models.CheckConstraint(
                condition=(Q(role="school") & Q(school__isnull=False))
                | (~Q(role="school") & Q(school__isnull=True)),
                name="invitation_school_iff_school_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="accountant") | Q(valid_until__isnull=False),
                name="invitation_accountant_has_valid_until",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.municipality} ({self.get_role_display()})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class AuditLogEntryQuerySet(TenantQuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditLogEntryManager(LogEntryManager.from_queryset(AuditLogEntryQuerySet)):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        # Scope every automatic entry to the tenant the changed object belongs to.
        kwargs.setdefault("municipality_id", audit_municipality_id(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("municipality_id", audit_municipality_id(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


def audit_municipality_id(instance) -> int | None:
    """The municipality an audited object belongs to (None for platform-level objects)."""
    if isinstance(instance, Municipality):
        return instance.pk
    return getattr(instance, "municipality_id", None)


class AuditLogEntry(AbstractLogEntry):
    """django-auditlog's log entry plus the tenant it belongs to and a named event.

    Used as ``AUDITLOG_LOGENTRY_MODEL``: auditlog's signal handlers write these rows for every
    registered model (see ``municipalities/audit.py``). Append-only: rows cannot be changed or
    deleted through the ORM.
    """

    class Event(models.TextChoices):
        LOGIN = "login", _("ingelogd")
        LOGIN_FAILED = "login_failed", _("mislukte inlogpoging")
        INVITATION_SENT = "invitation_sent", _("uitnodiging verstuurd")
        INVITATION_ACCEPTED = "invitation_accepted", _("uitnodiging geaccepteerd")
        INVITATION_REVOKED = "invitation_revoked", _("uitnodiging ingetrokken")
        MEMBERSHIP_ENDED = "membership_ended", _("lidmaatschap beëindigd")
        MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", _("rol gewijzigd")
        PHASE_CHANGED = "phase_changed", _("fase gewijzigd")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("tweestapsverificatie ingesteld")
        TWO_FACTOR_RESET = "two_factor_reset", _("tweestapsverificatie gereset")
        FINAL_ACCOUNTING_CHECKED = "final_accounting_checked", _("eindverantwoording gecontroleerd")
        FINAL_ACCOUNTING_FINALISED = (
            "final_accounting_finalised",
            _("eindverantwoording definitief"),
        )
        FINAL_ACCOUNTING_REOPENED = "final_accounting_reopened", _("eindverantwoording heropend")

    # No database constraint: the trail must outlive the municipality row it points to.
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.CharField(_("gebeurtenis"), max_length=30, choices=Event.choices, blank=True)

    objects = AuditLogEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteitenlog")
        indexes = [models.Index(fields=["municipality", "-timestamp"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")


class ReadLogEntryQuerySet(models.QuerySet):
    def for_municipality(self, municipality: "Municipality | int") -> "ReadLogEntryQuerySet":
        return self.filter(municipality=municipality)


class ReadLogEntry(models.Model):
    """One read of sensitive data: who saw what of which municipality, and when (the leeslog).

    Written by ``municipalities.readlog.read_logged`` once per full-page GET or download (never
    for an htmx partial, a HEAD or a refused request), one row per municipality whose data the
    response showed. Kept ``READ_LOG_DAYS`` days (a beat task purges older rows). Not a
    ``TenantModel``: an append-only log, not audited itself and no page-cache scope (like
    ``AuditLogEntry``). The viewer's address and the subject are copied, so the log still says
    who saw what after an account or a school is gone.
    """

    class Kind(models.TextChoices):
        ANALYSIS = "analysis", _("Schoolanalyse")
        DOCUMENT = "document", _("Document (bijlage, beschikking)")
        FINAL_ACCOUNTING = "final_accounting", _("Eindverantwoording")
        EXPORT = "export", _("Export")
        PDF = "pdf", _("Pdf")
        DOSSIER = "dossier", _("Dossier")
        TEAM = "team", _("Teampagina")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("gemeente"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    viewer_email = models.EmailField(_("e-mailadres van de lezer"))
    at = models.DateTimeField(_("tijdstip"), default=timezone.now)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("onderwerp"), max_length=200, blank=True)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    path = models.CharField(_("adres"), max_length=500)

    objects = ReadLogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("leeslogregel")
        verbose_name_plural = _("leeslog")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "-at"], name="readlog_municipality_at"),
            models.Index(fields=["at"], name="readlog_at"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_email} – {self.get_kind_display()} {self.subject}".strip()
