"""Tenants (municipalities), users and memberships.

This app is the bottom layer: it imports none of the other apps. The school a school-role
membership is bound to is referenced by a string foreign key.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
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


class Municipality(models.Model):
    """A Dutch municipality (gemeente): the tenant."""

    name = models.CharField(_("naam"), max_length=100)
    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True, help_text="GM0363")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("provincie"), max_length=50, blank=True)
    inhabitants = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

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


class MembershipQuerySet(models.QuerySet):
    def for_municipality(self, municipality: Municipality) -> "MembershipQuerySet":
        return self.filter(municipality=municipality)

    def active(self) -> "MembershipQuerySet":
        return self.filter(ended_at__isnull=True)


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Adviseur")
    POLICY_OFFICER = "policy_officer", _("Beleidsmedewerker")
    VIEWER = "viewer", _("Meelezer")
    SCHOOL = "school", _("School")


# Roles that may change the municipality's data (and invite people).
EDITOR_ROLES = frozenset({Role.ADVISOR, Role.POLICY_OFFICER})
# Roles that may read everything of the municipality.
READER_ROLES = frozenset({Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER})


class Membership(models.Model):
    """A user's role in one municipality. Ended memberships are kept for the audit trail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
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
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def can_read_all(self) -> bool:
        return self.role in READER_ROLES
