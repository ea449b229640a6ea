from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from core.mail import mail_queue, mail_render, recipient_languages


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (when ``recovery`` is allowed) one of
    the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        error_messages={"required": _("Vul de code in.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _(
                "De zes cijfers uit je authenticator-app, of een van je herstelcodes."
            )
        else:
            self.fields["code"].help_text = _("De zes cijfers die je authenticator-app nu toont.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"


class EmailStepForm(forms.Form):
    """The first sign-in step: only the e-mail address (its domain may have a sign-on)."""

    username = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@gemeente.nl."),
        },
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail leaves like every other one: queued in core.mail and
    sent by a task after the commit, in the recipient's language, HTML and plain text. The
    request never talks to SMTP, and a failing mail server never turns the page into an error."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        language = recipient_languages(emails=[to_email])[to_email.lower()]
        subject, text, html = mail_render(
            subject_template=subject_template_name,
            text_template=email_template_name,
            context=context,
            language=language,
        )
        mail_queue(to=to_email, subject=subject, text=text, html=html, kind="password_reset")
