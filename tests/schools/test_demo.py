from io import StringIO

import pytest
from django.core.management import call_command

from municipalities import demo as municipalities_demo
from schools import demo
from schools.models import PartnerOrganisation
from tests.schools.test_import import FIXTURES


@pytest.mark.django_db
def test_demo_partners_are_linked_to_real_schools_and_idempotent():
    call_command("load_reference_data", dir=str(FIXTURES), stdout=StringIO(), stderr=StringIO())
    municipalities_demo.seed()

    demo.seed(StringIO())
    demo.seed(StringIO())

    utrecht = PartnerOrganisation.objects.filter(municipality__cbs_code="GM0344")
    assert utrecht.count() == 5
    assert PartnerOrganisation.objects.count() == len(demo.DEMO_PARTNERS)
    jgz = utrecht.get(kind=PartnerOrganisation.Kind.YOUTH_HEALTH)
    assert sorted(s.vestigingscode for s in jgz.schools.all()) == ["02BB00", "02BB01"]
    assert all(
        s.municipality_id == p.municipality_id
        for p in PartnerOrganisation.objects.prefetch_related("schools")
        for s in p.schools.all()
    )
