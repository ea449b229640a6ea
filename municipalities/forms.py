from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.params import BoundedDateField
from municipalities.hooks import school_choices
from municipalities.models import Municipality, ReadLogEntry, Role
from municipalities.selectors import audit_actors, audit_content_types
from municipalities.services import CHANGEABLE_ROLES, valid_until_check


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with an e-mail address; the error does not reveal whether the address exists."""

    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Dit e-mailadres en wachtwoord horen niet bij elkaar. Let op: het wachtwoord is "
            "hoofdlettergevoelig."
        ),
        "inactive": _("Dit account is niet actief. Neem contact op met je gemeente."),
    }


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Rol"), choices=[("", _("Kies een rol")), *Role.choices])
    school = forms.ModelChoiceField(
        label=_("School"),
        required=False,
        queryset=None,
        empty_label=_("Geen school"),
        help_text=_("Alleen bij de rol school: de schoolvestiging waarvoor deze persoon werkt."),
    )
    valid_until = BoundedDateField(
        label=_("Toegang tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Verplicht bij de rol accountant (hoogstens 12 maanden vooruit). Bij de andere rollen "
            "mag het leeg blijven: de toegang loopt dan door tot iemand hem beëindigt."
        ),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        # The School model lives in a higher app, which provides the choices (hooks registry).
        self.fields["school"].queryset = school_choices(municipality)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SCHOOL and not data.get("school"):
            self.add_error("school", _("Kies de school van deze gebruiker."))
        elif data.get("role") and data.get("role") != Role.SCHOOL and data.get("school"):
            self.add_error("school", _("Een school hoort alleen bij de rol school."))
        if data.get("role") and "valid_until" not in self.errors:
            try:
                valid_until_check(role=data["role"], valid_until=data.get("valid_until"))
            except ValidationError as error:
                self.add_error("valid_until", error.message_dict["valid_until"])
        return data


class MembershipValidUntilForm(forms.Form):
    """A member's new last day on the Team page (an accountant's access extended)."""

    valid_until = BoundedDateField(
        label=_("Toegang tot en met"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class MembershipRoleForm(forms.Form):
    """The new role of a member on the Team page; the school role is not one of the choices."""

    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[(role.value, role.label) for role in CHANGEABLE_ROLES],
        error_messages={"required": _("Kies een rol."), "invalid_choice": _("Kies een rol.")},
    )


class InvitationAcceptForm(SetPasswordForm):
    """A new account: a name and a password (checked by AUTH_PASSWORD_VALIDATORS)."""

    display_name = forms.CharField(
        label=_("Je naam"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["display_name", "new_password1", "new_password2"]

    def __init__(self, *args, email: str, **kwargs):
        # An unsaved user, so the similarity validator can compare with the e-mail address.
        super().__init__(get_user_model()(email=email), *args, **kwargs)


class ActivityFilterForm(forms.Form):
    ACTION_CHOICES = [
        ("", _("Alle acties")),
        ("create", _("Aangemaakt")),
        ("update", _("Gewijzigd")),
        ("delete", _("Verwijderd")),
        ("login", _("Ingelogd")),
    ]

    actor = forms.ModelChoiceField(
        label=_("Wie"), queryset=None, required=False, empty_label=_("Iedereen")
    )
    kind = forms.TypedChoiceField(label=_("Soort gegeven"), required=False, coerce=int)
    action = forms.ChoiceField(label=_("Actie"), choices=ACTION_CHOICES, required=False)
    # Bounded: 9999-12-31 would overflow the end-of-day arithmetic of the filter.
    date_from = BoundedDateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = audit_actors(municipality=municipality)
        self.content_types = {ct.pk: ct for ct in audit_content_types()}
        self.fields["kind"].choices = [("", _("Alle soorten"))] + [
            (pk, str(ct.model_class()._meta.verbose_name).capitalize())
            for pk, ct in self.content_types.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Deze datum ligt vóór de begindatum."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        kind = self.cleaned_data.get("kind")
        return {
            "actor": self.cleaned_data.get("actor"),
            "content_type": self.content_types.get(kind) if kind else None,
            "action": self.cleaned_data.get("action") or "",
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }


class AdvisedMunicipalitiesForm(forms.Form):
    """The municipalities a bulk action of an advisor applies to (portfolio reminders, bulk
    reports): the choices are ``advisor_municipalities(user)``, so a tampered id is refused."""

    municipalities = forms.ModelMultipleChoiceField(
        label=_("Gemeenten"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies minstens één gemeente."),
            "invalid_choice": _("Je bent geen adviseur van een van de gekozen gemeenten."),
            "invalid_pk_value": _("Kies gemeenten uit de lijst."),
        },
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities


class ReadLogFilterForm(forms.Form):
    """The filters of the Leeslog page and its CSV: viewer, subject (a school, a document),
    kind and period."""

    viewer = forms.ModelChoiceField(
        label=_("Lezer"), queryset=None, required=False, empty_label=_("Iedereen")
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=None, required=False, empty_label=_("Alle scholen")
    )
    subject = forms.CharField(
        label=_("Onderwerp bevat"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld de naam van een document of een export."),
    )
    kind = forms.ChoiceField(label=_("Soort"), required=False)
    date_from = BoundedDateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["viewer"].queryset = audit_actors(municipality=municipality)
        self.fields["school"].queryset = school_choices(municipality)
        self.fields["kind"].choices = [("", _("Alle soorten")), *ReadLogEntry.Kind.choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Deze datum ligt vóór de begindatum."))
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "viewer": data.get("viewer"),
            "school": data.get("school"),
            "subject": data.get("subject", "").strip(),
            "kind": data.get("kind") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
