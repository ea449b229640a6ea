import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Membership, Municipality, User


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    call_command("seed_demo", "--force")
    counts = (Municipality.objects.count(), User.objects.count(), Membership.objects.count())
    out = capsys.readouterr().out
    assert "beleid@utrecht.demo" in out and "adviseur@npo-advies.demo" in out
    call_command("seed_demo", "--force")
    assert (
        Municipality.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    advisor = User.objects.get(email="adviseur@npo-advies.demo")
    assert advisor.memberships.count() == 3


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="alleen geladen met DEBUG=true"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_lists_logins_other_seeders_added(capsys):
    """Without the reference data no school users are seeded; add one like the analyses seeder."""
    from municipalities.models import Role
    from tests.factories import MembershipFactory, UserFactory

    call_command("seed_demo", "--force")
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    user = UserFactory(email="ib@school-utrecht.demo", display_name="Yusuf Demir")
    MembershipFactory(user=user, municipality=utrecht, role=Role.SCHOOL)
    capsys.readouterr()
    call_command("seed_demo", "--force")
    logins = capsys.readouterr().out.split("Demologins (wachtwoord voor allemaal")[1]
    assert "ib@school-utrecht.demo" in logins and "Yusuf Demir – school Utrecht" in logins
