"""The municipality's active partner organisations, per kind."""

from django.utils.translation import gettext as _

from municipalities.models import Municipality
from reports.snapshot.common import unavailable
from schools.models import PartnerOrganisation


def partners_section(municipality: Municipality) -> dict:
    partners = list(
        PartnerOrganisation.objects.for_municipality(municipality)
        .active()
        .only("name", "kind")
        .order_by("kind", "name")
    )
    if not partners:
        return unavailable(_("Er zijn nog geen partnerorganisaties vastgelegd."))
    kinds = []
    for code, label in PartnerOrganisation.Kind.choices:
        names = [p.name for p in partners if p.kind == code]
        if names:
            kinds.append({"code": code, "label": str(label), "count": len(names), "names": names})
    return {"available": True, "total": len(partners), "kinds": kinds}
