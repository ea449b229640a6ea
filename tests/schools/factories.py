import factory

from schools.models import PartnerOrganisation, PupilCount
from tests.factories import MunicipalityFactory, SchoolFactory


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kinderopvang Het Speelhuis {n}")
    kind = PartnerOrganisation.Kind.CHILDCARE
    contact_name = "Els de Boer"
    contact_email = factory.Sequence(lambda n: f"contact{n}@partner.example.nl")


class PupilCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilCount

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    count = 200
