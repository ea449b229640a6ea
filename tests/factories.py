"""factory_boy factories shared by all tests."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from municipalities.models import Membership, Municipality, Role, User
from schools.models import School, SchoolBoard

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    display_name = factory.Faker("name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    # GM9000-GM9999 (no real municipality has a code there). The sequence runs past 1,000 in a
    # full run, and a code has exactly four digits (CHECK constraint, max_length 6): wrap around.
    # Rows never outlive their test, and no test creates a thousand municipalities.
    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Testgemeente {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    province = "Utrecht"
    inhabitants = 50_000


class SchoolBoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolBoard
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: f"{40000 + n}")
    name = factory.Sequence(lambda n: f"Stichting Onderwijs {n}")


def _brin(n: int) -> str:
    """A unique DUO-style BRIN: two digits and two letters (67,600 of them)."""
    letters = n % 676
    return f"{n // 676 % 100:02d}{chr(65 + letters // 26)}{chr(65 + letters % 26)}"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    brin = factory.Sequence(_brin)
    vestigingscode = factory.LazyAttribute(lambda o: f"{o.brin}00")
    name = factory.Sequence(lambda n: f"Basisschool De Regenboog {n}")
    sector = School.Sector.BO
    denomination = "Openbaar"
    board = factory.SubFactory(SchoolBoardFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.POLICY_OFFICER
    school = factory.Maybe(
        factory.LazyAttribute(lambda o: o.role == Role.SCHOOL),
        yes_declaration=factory.SubFactory(
            SchoolFactory, municipality=factory.SelfAttribute("..municipality")
        ),
        no_declaration=None,
    )
    # An accountant's membership must end on a date (at most 12 months ahead).
    valid_until = factory.LazyAttribute(
        lambda o: timezone.localdate() + timedelta(days=90) if o.role == Role.ACCOUNTANT else None
    )
