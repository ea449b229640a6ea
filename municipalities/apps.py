from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Gemeenten en gebruikers")

    def ready(self) -> None:
        # Every app's models are loaded by now, so models added later by other apps are found.
        from municipalities import audit

        audit.register_tenant_models()

        from municipalities import pagecache
        from municipalities.models import FormerMunicipality, Membership, Municipality, User

        # Writes to these retire cached pages. Not registered: Invitation (only the team page,
        # which is not cached, shows invitations; accepting one creates a Membership) and
        # AuditLogEntry (written on every login and beside every write; no cached page reads it).
        pagecache.register(Municipality, scope=pagecache.REFERENCE)
        # The merger table (reference data): the estimate on the dashboard and budget pages names
        # a successor's predecessors.
        pagecache.register(FormerMunicipality, scope=pagecache.REFERENCE)
        # last_login is written on every login and shown on no cached page.
        pagecache.register(User, scope=pagecache.USER, quiet_fields=["last_login"])
        # The municipality's pages list its members; the user's pages carry the switcher.
        pagecache.register(Membership, scope=(pagecache.TENANT, pagecache.USER))
