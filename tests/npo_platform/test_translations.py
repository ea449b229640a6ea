"""Translations: the English catalogue is complete and compiled, the language switcher really
switches, and Django's own texts that its Dutch catalogue lacks are Dutch via locale/nl."""

import re
from gettext import GNUTranslations
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from municipalities.models import Role
from tests.factories import TEST_PASSWORD

LOCALE = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
CATALOGUES = [EN_PO, LOCALE / "nl" / "LC_MESSAGES" / "django.po"]
PLACEHOLDER = re.compile(r"%\([^)]+\)[-+ #0-9.]*[a-zA-Z]|%[-+ #0-9.]*[sdfi]|\{[a-z_]+\}")


def entries_of(path: Path) -> list[polib.POEntry]:
    """The live entries of a catalogue: no header, no obsolete (``#~``) ones."""
    return [entry for entry in polib.pofile(str(path)) if not entry.obsolete]


def translations_of(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_every_english_msgid_is_translated_and_not_fuzzy():
    entries = entries_of(EN_PO)
    assert len(entries) > 1000, "the English catalogue looks truncated"
    untranslated = [e.msgid for e in entries if not all(translations_of(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    plurals = [e for e in entries if e.msgid_plural]
    assert plurals and all(1 in e.msgstr_plural for e in plurals)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_placeholders_survive_translation(po):
    wrong = []
    for entry in entries_of(po):
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, text in enumerate(translations_of(entry)):
            source = sources[min(index, 1)]
            expected, found = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(text))
            # A singular may spell out "one" instead of using the count; nothing may be invented.
            if not found <= set(PLACEHOLDER.findall(" ".join(sources))) or (
                not entry.msgid_plural and found != expected
            ):
                wrong.append((source, text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-3])
def test_compiled_mo_is_up_to_date_with_the_po(po):
    with open(po.with_suffix(".mo"), "rb") as handle:
        catalog = GNUTranslations(handle)._catalog
    stale = []
    for entry in entries_of(po):
        msgid = (entry.msgctxt + "\x04" if entry.msgctxt else "") + entry.msgid
        if entry.msgid_plural:
            pairs = [((msgid, n), entry.msgstr_plural[n]) for n in (0, 1)]
        else:
            pairs = [(msgid, entry.msgstr)]
        stale += [key for key, text in pairs if catalog.get(key) != text]
    assert not stale, (
        f"{len(stale)} entries differ from the .mo; run manage.py compilemessages: {stale[:5]}"
    )


def _english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_in_english_after_switching(client):
    _english(client)
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en" class="voorbeeld-theme npo-theme">' in body
    # The first step asks only the e-mail address (accounts.views_signin.LoginView).
    for text in (
        "Enter your e-mail address. If your organisation",
        "Next",
        "Forgot your password?",
    ):
        assert text in body
    for dutch in ("Inloggen", "Wachtwoord vergeten", "E-mailadres"):
        assert dutch not in body


@pytest.mark.django_db
def test_dashboard_in_english_after_switching(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    _english(client)
    body = client.get(reverse("municipalities:dashboard", args=[municipality.slug])).content
    body = body.decode()
    assert '<html lang="en" class="voorbeeld-theme npo-theme">' in body
    for text in ("Overview", "Log out", "4D cycle", "School analyses", "Reports"):
        assert text in body, text
    for dutch in ("Overzicht", "Uitloggen", "4D-cyclus", "Schoolanalyses", "Rapportages"):
        assert dutch not in body, dutch


@pytest.mark.django_db
def test_too_short_password_gets_a_dutch_message_by_default(officer_client):
    response = officer_client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Kx9#q", "new_password2": "Kx9#q"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dit wachtwoord is te kort. Het moet minstens 8 tekens bevatten." in body
    assert "too short" not in body


@pytest.mark.django_db
def test_too_short_password_in_english_after_switching(officer_client):
    _english(officer_client)
    response = officer_client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Kx9#q", "new_password2": "Kx9#q"},
    )
    assert "This password is too short. It must contain at least 8 characters." in (
        response.content.decode()
    )


def test_blank_choice_label_is_dutch():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("nl"):
        assert str(BLANK_CHOICE_LABEL) == "- Kies een optie -"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"
