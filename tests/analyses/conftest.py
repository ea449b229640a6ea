import pytest

from municipalities.models import Role
from tests.analyses.factories import open_cycle, school_user
from tests.factories import SchoolFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT, never into var/."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture
def cycle(municipality):
    return open_cycle(municipality)


@pytest.fixture
def school(municipality):
    return SchoolFactory(municipality=municipality, name="Basisschool De Linde")


@pytest.fixture
def school_member(municipality, school):
    return school_user(municipality, school)


@pytest.fixture
def school_client(client, school_member):
    client.force_login(school_member)
    return client


@pytest.fixture
def viewer(municipality, member_factory):
    return member_factory(municipality, Role.VIEWER)
