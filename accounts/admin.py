from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services

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
