from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.downloads import private_download
from municipalities.models import (
    AuditLogEntry,
    Invitation,
    Membership,
    Municipality,
    ReadLogEntry,
    User,
)
from municipalities.readlog import read_log_csv


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "school"]
    fk_name = "user"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_staff", "is_active"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persoonlijk"), {"fields": ("display_name",)}),
        (
            _("Rechten"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Data"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
    inlines = [MembershipInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "cbs_code", "province", "inhabitants", "is_active"]
    list_filter = ["is_active", "province"]
    search_fields = ["name", "cbs_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "municipality",
        "role",
        "school",
        "created_at",
        "valid_until",
        "ended_at",
    ]
    list_filter = ["role", "ended_at", "valid_until"]
    search_fields = ["user__email", "municipality__name"]
    autocomplete_fields = ["user", "municipality", "school"]
    list_select_related = ["user", "municipality", "school"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "municipality",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "municipality"]
    search_fields = ["email", "municipality__name"]
    list_select_related = ["municipality"]
    # Invitations are made on the Team page (the token exists only in the e-mail).
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


# django-auditlog registers its admin for AUDITLOG_LOGENTRY_MODEL; replace it with one that can
# filter per municipality and per event (failed logins have no municipality).
if admin.site.is_registered(AuditLogEntry):
    admin.site.unregister(AuditLogEntry)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(LogEntryAdmin):
    list_display = [
        "created",
        "municipality",
        "resource_url",
        "action",
        "event",
        "msg_short",
        "user_url",
    ]
    list_filter = ["municipality", "event", "action", "content_type"]
    list_select_related = ["content_type", "actor", "municipality"]
    search_fields = ["object_repr", "actor__email", "actor_email", "remote_addr"]
    fieldsets = [
        (None, {"fields": ["created", "municipality", "event", "user_url", "resource_url", "cid"]}),
        (_("Wijzigingen"), {"fields": ["action", "msg"]}),
    ]
    readonly_fields = [*LogEntryAdmin.readonly_fields, "municipality", "event", "cid"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReadLogEntry)
class ReadLogEntryAdmin(admin.ModelAdmin):
    """The read log for staff, across municipalities: read-only, filterable, downloadable."""

    list_display = ["at", "municipality", "viewer_email", "kind", "subject"]
    list_filter = ["kind", "municipality", "at"]
    list_select_related = ["municipality"]
    search_fields = ["viewer_email", "subject", "path"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in ReadLogEntry._meta.fields]
    actions = ["download_csv"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # READ_LOG_DAYS and the purge task decide how long a row stays

    @admin.action(description=_("Download de gekozen regels als CSV"), permissions=["view"])
    def download_csv(self, request, queryset):
        return private_download(
            read_log_csv(queryset.order_by("-at", "-pk")),
            filename="leeslog.csv",
            content_type="text/csv; charset=utf-8",
        )
