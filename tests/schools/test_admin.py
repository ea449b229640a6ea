import pytest
from django.urls import reverse

from schools.importers.loader import DATASETS
from schools.models import ReferenceImport, School
from tests.factories import SchoolFactory, UserFactory
from tests.schools.test_import import FIXTURES


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_start_the_reference_import_from_the_admin(staff_client, settings):
    settings.REFERENCE_DATA_DIR = FIXTURES
    page = reverse("admin:schools_reference_load")

    assert staff_client.get(page).status_code == 200
    response = staff_client.post(page, {}, follow=True)

    assert School.objects.count() == 10  # with the closed VO location 09ZZ00
    # One import record per data set the loader knows (board names joined in issue 14).
    assert sorted(ReferenceImport.objects.values_list("dataset", flat=True)) == sorted(DATASETS)
    shown = [str(m) for m in response.context["messages"]]
    assert any("Schoolvestigingen: 10 toegevoegd" in m for m in shown)


def test_admin_shows_a_broken_file_as_an_error(staff_client, settings, tmp_path):
    settings.REFERENCE_DATA_DIR = tmp_path  # empty: the files are missing

    response = staff_client.post(reverse("admin:schools_reference_load"), {}, follow=True)

    assert "bestand niet gevonden" in " ".join(str(m) for m in response.context["messages"])
    assert not School.objects.exists()


def test_duo_fields_are_read_only_in_the_admin_but_the_note_is_not(staff_client):
    school = SchoolFactory(name="DUO-naam")

    staff_client.post(
        reverse("admin:schools_school_change", args=[school.pk]),
        {
            "local_note": "Let op: nieuwbouw",
            "name": "Andere naam",
            "pupil_counts-TOTAL_FORMS": "0",
            "pupil_counts-INITIAL_FORMS": "0",
        },
    )

    school.refresh_from_db()
    assert (school.name, school.local_note) == ("DUO-naam", "Let op: nieuwbouw")


def test_non_staff_cannot_open_the_import_page(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:schools_reference_load"))

    assert response.status_code == 302  # to the admin login
