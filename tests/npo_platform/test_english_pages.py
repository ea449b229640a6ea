"""In English, the main pages of every role carry no Dutch interface words (issue 19).

On the demo data, as each role: the page text, minus everything users entered and the reference
data (every text value in the database: goal titles, session minutes, school and municipality
names, ...), must not contain words of the Dutch interface. The Django test client, not a
browser: the check is about the text the server renders, and it keeps CI time low.
"""

import html
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from municipalities.models import User
from tests.factories import MunicipalityFactory, SchoolFactory

DUTCH_WORDS = [
    "opslaan", "toevoegen", "ingediend", "bewerken", "verwijderen", "annuleren", "wijzigen",
    "terug", "overzicht", "uitloggen", "bekijk", "nog geen", "schoolanalyse", "schoolanalyses",
    "bestedingsdoel", "bestedingsdoelen", "geldstroom", "toekenning", "toekenningen",
    "verplichtingen", "bestedingen", "voortgang", "activiteit", "activiteiten", "doelen",
    "sessie", "sessies", "bevinding", "bevindingen", "gemeenten", "scholen", "niet", "geen",
    "een", "het", "van", "en", "voor", "met", "je", "deze", "wordt", "zijn", "naar",
]  # fmt: skip
DUTCH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, DUTCH_WORDS)) + r")(?![\w-])", re.I)


def _pages(client, cycle_url):
    return {
        "beleid@utrecht.demo": [
            "/g/utrecht/",
            cycle_url,
            cycle_url + "duiden/",
            cycle_url + "doelen/",
            cycle_url + "doen/",
            "/g/utrecht/budget/",
            "/g/utrecht/budget/toekenningen/",
            "/g/utrecht/budget/verplichtingen/",
            "/g/utrecht/budget/bestedingsdoelen/",
            "/g/utrecht/rapportages/",
            "/g/utrecht/schoolanalyses/",
            "/g/utrecht/partners/",
            "/g/utrecht/team/",
            "/g/utrecht/budget/beschikkingen/",
            "/g/utrecht/eindverantwoording/",
            "/g/utrecht/eindverantwoording/npo-gemeenten/",
        ],
        "adviseur@npo-advies.demo": ["/portfolio/", "/portfolio/vergelijking/"],
        "wethouder@utrecht.demo": ["/g/utrecht/", cycle_url],
        # "Mijn analyse" leads the school to its own analysis.
        "ib@school-utrecht.demo": ["/g/utrecht/", "/g/utrecht/schoolanalyses/mijn/"],
    }


def _data_texts() -> list[str]:
    """Every free text in the database, longest first (what users and reference files wrote).
    Choice fields (statuses, phases, language codes) are codes, not text, and stay."""
    texts = set()
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                texts.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 3)
    return sorted(texts, key=len, reverse=True)


def _dutch_words(text: str, data: list[str]) -> list[str]:
    for value in data:
        text = text.replace(value, " ")
    return sorted({m.group(0).lower() for m in DUTCH.finditer(text)})


def _visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<span class="visually-hidden">', " ", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.django_db
def test_main_pages_in_english_have_no_dutch_interface_words(client, settings):
    settings.DEMO_REPORTS = True
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    for n in range(3):
        SchoolFactory(municipality=utrecht, name=f"Basisschool De Wegwijzer {n}")
    call_command("seed_demo", "--force", verbosity=0)
    data = _data_texts()
    officer = User.objects.get(email="beleid@utrecht.demo")
    client.force_login(officer)
    listing = client.get("/g/utrecht/cycli/").content.decode()
    cycle_url = re.search(r'href="(/g/utrecht/cycli/\d+/)"', listing).group(1)
    # The check sees Dutch where there is Dutch: the same page in Dutch is full of it.
    dutch_page = _visible_text(client.get(cycle_url + "doelen/").content.decode())
    assert len(_dutch_words(dutch_page, data)) >= 8

    problems = []
    for email, paths in _pages(client, cycle_url).items():
        client.force_login(User.objects.get(email=email))
        assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, (email, path, response.status_code)
            words = _dutch_words(_visible_text(response.content.decode()), data)
            if words:
                problems.append(f"{email} {path}: {words}")
    assert not problems, "\n".join(problems)
