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
