"""`make run` (seed_demo) says how to sign in, with and without a sign-on provider."""

import pytest
from django.core.management import call_command

from accounts.models import OIDCProvider

pytestmark = pytest.mark.django_db


def test_without_a_provider_it_says_everyone_uses_the_password(capsys):
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert "eerst het e-mailadres in en kies Volgende" in out
    assert "geen inlogprovider (single sign-on) ingesteld" in out


def test_a_provider_is_named_with_its_domains(capsys):
    OIDCProvider.objects.create(
        name="Gemeente Utrecht",
        slug="utrecht",
        issuer="https://login.utrecht.nl",
        client_id="npo",
        client_secret="geheim",
        email_domains="utrecht.nl, utrecht.org",
    )
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert "Single sign-on via Gemeente Utrecht voor: utrecht.nl, utrecht.org" in out
    assert "geen inlogprovider" not in out
