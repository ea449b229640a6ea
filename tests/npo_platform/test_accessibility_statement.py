"""The toegankelijkheidsverklaring: public, in digitoegankelijk.nl's structure, linked from every
footer; and the language switcher names each language in that language."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_statement_is_public_and_honest_about_its_status(client):
    response = client.get(reverse("accessibility_statement"))
    assert response.status_code == 200
    body = response.content.decode()
    for part in (
        '<h1 class="utrecht-heading-1">Toegankelijkheidsverklaring</h1>',
        "B: voldoet gedeeltelijk",
        "nog geen onafhankelijk onderzoek volgens WCAG-EM",
        "Bekende knelpunten",
        "Meld het bij de NPO-beleidsmedewerker van je gemeente",
        "Deze verklaring is opgesteld op 30 november 2026.",
    ):
        assert part in body, part


def test_every_footer_links_to_it(officer_client, municipality):
    link = f'href="{reverse("accessibility_statement")}"'
    assert link in Client().get(reverse("login")).content.decode()  # signed out
    dashboard = reverse("municipalities:dashboard", args=[municipality.slug])
    assert link in officer_client.get(dashboard).content.decode()


def test_language_names_are_in_their_own_language(client):
    for language in ("nl", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        body = client.get(reverse("login")).content.decode()
        assert '<option value="nl" lang="nl"' in body
        assert ">Nederlands</option>" in body and ">English</option>" in body
        assert ">Dutch</option>" not in body and ">Engels</option>" not in body
