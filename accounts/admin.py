from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import OIDCIdentity, OIDCProvider

# Staff reset a lost authenticator with the action below (audited, mailed); deleting a device
# directly, or editing its secret, would skip both.
admin.site.unregister(TOTPDevice)
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class TwoFactorDeviceAdmin(TOTPDeviceAdmin):
    actions = ["reset_two_factor"]
    list_display = ["user", "confirmed", "last_used_at"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Tweestapsverificatie resetten (de gebruiker krijgt een e-mail)"))
    def reset_two_factor(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        for user in users:
            services.two_factor_reset(user=user, reset_by=request.user, request=request)
        self.message_user(
            request,
            ngettext(
                "Tweestapsverificatie van %(count)d gebruiker gereset.",
                "Tweestapsverificatie van %(count)d gebruikers gereset.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )


class OIDCProviderForm(forms.ModelForm):
    class Meta:
        model = OIDCProvider
        fields = [
            "name",
            "slug",
            "issuer",
            "client_id",
            "client_secret",
            "email_domains",
            "municipalities",
            "mfa_amr_values",
            "mfa_acr_values",
            "is_active",
        ]
        # The secret is written, never shown again.
        widgets = {"client_secret": forms.PasswordInput(render_value=False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["client_secret"].required = False
            self.fields["client_secret"].help_text = _(
                "Leeg laten om het huidige secret te houden."
            )

    def clean_client_secret(self):
        return self.cleaned_data["client_secret"] or self.instance.client_secret


@admin.register(OIDCProvider)
class OIDCProviderAdmin(admin.ModelAdmin):
    form = OIDCProviderForm
    list_display = ["name", "issuer", "email_domains", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]


@admin.register(OIDCIdentity)
class OIDCIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "linked_at"]
    search_fields = ["user__email", "subject"]
    list_select_related = ["user", "provider"]
    readonly_fields = ["provider", "subject", "user", "linked_at"]

    def has_add_permission(self, request):
        return False
