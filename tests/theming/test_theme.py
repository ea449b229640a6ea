"""A municipality's theme: saved only when it passes, logo stored under a generated name, staff
manage it in the admin, and a change retires the municipality's cached pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from municipalities import pagecache
from municipalities.models import AuditLogEntry
from tests.analyses.factories import open_cycle
from tests.factories import UserFactory
from tests.theming.files import SVG_WITH_TRICKS, png, token_file, upload
from theming.models import MunicipalityTheme
from theming.services import theme_update

pytestmark = pytest.mark.django_db

GOOD = ".gemeente-theme {\n  --basis-color-action-1-inverse-bg-default: #1b4f8a;\n}\n"
LOW_CONTRAST = ":root {\n  --basis-color-action-2-color-default: #777;\n}\n"


def test_a_shipped_theme_is_saved_with_its_name_form(municipality):
    theme = theme_update(municipality=municipality, token_set="rood", name_form="Gemeente Utrecht")
    theme.refresh_from_db()
    assert theme.token_set == "rood" and theme.display_name == "Gemeente Utrecht"
    assert theme.overrides()["--basis-color-action-1-inverse-bg-default"] == "#a3122a"
    assert MunicipalityTheme(municipality=municipality).display_name == "Gemeente Utrecht"


def test_an_uploaded_file_is_stored_in_our_form_never_as_uploaded(municipality):
    theme = theme_update(municipality=municipality, token_file=token_file("/* x */\n" + GOOD))
    theme.refresh_from_db()
    assert theme.token_set == MunicipalityTheme.TokenSet.UPLOADED
    assert theme.token_css == (
        ".voorbeeld-theme.npo-theme {\n  --basis-color-action-1-inverse-bg-default: #1b4f8a;\n}\n"
    )


def test_a_theme_that_fails_the_contrast_check_is_refused_and_nothing_saved(municipality):
    theme_update(municipality=municipality, token_set="groen")
    with pytest.raises(ValidationError) as caught:
        theme_update(
            municipality=municipality, token_file=token_file(LOW_CONTRAST), logo_file=png()
        )
    message = " ".join(caught.value.messages)
    assert "Het contrast is te laag" in message and "links op de pagina" in message
    assert "--utrecht-link-color" in message and "4,48:1" in message
    theme = MunicipalityTheme.objects.get(municipality=municipality)
    assert theme.token_set == "groen" and not theme.token_css and not theme.logo


def test_a_refused_token_file_names_its_line(municipality):
    with pytest.raises(ValidationError) as caught:
        theme_update(municipality=municipality, token_file=token_file(":root {\n  --a: url(x);\n}"))
    assert "Regel 2: url( is niet toegestaan" in caught.value.messages[0]
    assert not MunicipalityTheme.objects.exists()


def test_uploaded_without_a_file_is_refused(municipality):
    with pytest.raises(ValidationError) as caught:
        theme_update(municipality=municipality, token_set="uploaded")
    assert "Kies een tokenbestand" in str(caught.value)


def test_the_logo_gets_a_generated_name_and_the_old_one_goes_after_the_commit(
    municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = theme_update(municipality=municipality, logo_file=png("Logo van ons!.png"))
    old_name = first.logo.name
    assert old_name.startswith(f"theming/{municipality.pk}/") and old_name.endswith(".png")
    assert "Logo" not in old_name and first.logo.storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        second = theme_update(
            municipality=municipality, logo_file=upload("logo.svg", SVG_WITH_TRICKS)
        )
    assert second.logo_kind == "svg" and not second.logo.storage.exists(old_name)
    stored = second.logo.read()
    assert b"<script" not in stored and b"<rect" in stored
    with django_capture_on_commit_callbacks(execute=True):
        third = theme_update(municipality=municipality, remove_logo=True)
    assert not third.logo and third.logo_kind == ""


def test_one_theme_per_municipality(municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_update(municipality=municipality, token_set="groen")
    assert MunicipalityTheme.objects.for_municipality(municipality).count() == 1
    with pytest.raises(ValidationError):
        MunicipalityTheme(municipality=municipality).full_clean()


def test_a_theme_change_is_in_the_municipalitys_audit_trail(municipality):
    theme_update(municipality=municipality, token_set="rood")
    entry = AuditLogEntry.objects.filter(municipality=municipality).latest("pk")
    assert "token_set" in str(entry.changes)


# --- The page cache ---------------------------------------------------------------------------------


def _dashboard(client, municipality):
    response = client.get(reverse("municipalities:dashboard", args=[municipality.slug]))
    assert response.status_code == 200
    return response


def test_a_theme_change_retires_only_that_municipalitys_cached_pages(
    client, municipality, other_municipality, member_factory
):
    assert pagecache.is_registered(MunicipalityTheme)
    open_cycle(municipality)
    client.force_login(member_factory(municipality))
    _dashboard(client, municipality)  # sets the CSRF cookie the cache key needs
    _dashboard(client, municipality)
    assert _dashboard(client, municipality).get(pagecache.STATUS_HEADER) == "hit"
    theme_update(municipality=other_municipality, token_set="groen")
    assert _dashboard(client, municipality).get(pagecache.STATUS_HEADER) == "hit"
    theme_update(municipality=municipality, token_set="rood")
    assert _dashboard(client, municipality).get(pagecache.STATUS_HEADER) != "hit"


# --- Staff: the admin -------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_upload_a_token_file_and_logo_in_the_admin(staff_client, municipality):
    response = staff_client.post(
        reverse("admin:theming_municipalitytheme_add"),
        {
            "municipality": municipality.pk,
            "token_set": "voorbeeld",
            "name_form": "Gemeente Utrecht",
            "token_file": token_file(GOOD),
            "logo_file": png(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    theme = MunicipalityTheme.objects.get(municipality=municipality)
    assert theme.token_set == "uploaded" and theme.logo_kind == "png" and theme.logo


def test_the_admin_shows_the_failing_pair_and_saves_nothing(staff_client, municipality):
    response = staff_client.post(
        reverse("admin:theming_municipalitytheme_add"),
        {
            "municipality": municipality.pk,
            "token_set": "voorbeeld",
            "name_form": "",
            "token_file": token_file(LOW_CONTRAST),
        },  # fmt: skip
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Het contrast is te laag" in text and "links op de pagina" in text and "4,48:1" in text
    assert not MunicipalityTheme.objects.exists()


def test_the_admin_names_a_refused_file_and_logo(staff_client, municipality):
    response = staff_client.post(
        reverse("admin:theming_municipalitytheme_add"),
        {
            "municipality": municipality.pk,
            "token_set": "voorbeeld",
            "token_file": token_file('@import "x.css";\n:root { --a: red; }'),
            "logo_file": upload("logo.gif", b"GIF89a" + b"\x00" * 40),
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "Regel 1: @import is niet toegestaan" in text
    assert "Een logo moet een PNG-, JPEG- of SVG-bestand zijn." in text
    assert not MunicipalityTheme.objects.exists()
