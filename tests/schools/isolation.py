"""URL kwargs of the schools app for the tenant-isolation sweep (tests/municipalities)."""

from tests.factories import SchoolFactory
from tests.schools.factories import PartnerOrganisationFactory

KWARG_FACTORIES = {
    "school_pk": lambda municipality: SchoolFactory(municipality=municipality).pk,
    "partner_pk": lambda municipality: PartnerOrganisationFactory(municipality=municipality).pk,
}
