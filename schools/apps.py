from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("Scholen")

    def ready(self) -> None:
        from municipalities import audit, pagecache
        from municipalities.hooks import provide_school_choices
        from schools.models import (
            Intervention,
            PartnerOrganisation,
            PupilCount,
            School,
            SchoolBoard,
            SchoolWeight,
        )

        # Not a TenantModel (reference data), but each location lies in one municipality, which
        # edits its note: its changes go to that municipality's audit trail like tenant rows.
        audit.register(School)

        # Writes to these retire cached pages. Not registered: ReferenceImport, the loader's
        # bookkeeping; the loader writes with raw SQL and retires the reference version itself.
        pagecache.register(School, scope=pagecache.TENANT)
        pagecache.register(PartnerOrganisation, scope=pagecache.TENANT)
        # Shared reference data, shown on the pages of every municipality.
        for model in (SchoolBoard, PupilCount, SchoolWeight, Intervention):
            pagecache.register(model, scope=pagecache.REFERENCE)

        # The invitation form (municipalities) offers the municipality's active locations.
        provide_school_choices(
            lambda municipality: (
                School.objects.for_municipality(municipality).active().order_by("name")
            )
        )
