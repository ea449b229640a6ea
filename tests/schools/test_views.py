"""The Scholen and Partners pages: access, search, filters, query counts, partner editing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Role
from schools.models import PartnerOrganisation, School
from tests.factories import SchoolBoardFactory, SchoolFactory
from tests.schools.factories import PartnerOrganisationFactory, PupilCountFactory


def url(name, municipality, **kwargs):
    return reverse(f"schools:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.mark.django_db
def test_school_list_shows_only_this_municipalitys_schools_with_latest_pupils(
    officer_client, municipality, other_municipality
):
    ours = SchoolFactory(municipality=municipality, name="De Zonnewijzer")
    PupilCountFactory(school=ours, year=2024, count=180)
    PupilCountFactory(school=ours, year=2025, count=195)
    SchoolFactory(municipality=other_municipality, name="Zwolse School")

    response = officer_client.get(url("school_list", municipality))

    assert response.status_code == 200
    content = response.content.decode()
    assert "De Zonnewijzer" in content
    assert "195" in content and "180" not in content
    assert "Zwolse School" not in content
    assert "1 schoolvestiging gevonden" in content


@pytest.mark.django_db
def test_school_list_search_filters_and_sort(officer_client, municipality):
    board = SchoolBoardFactory(name="Stichting Openbaar Onderwijs")
    SchoolFactory(municipality=municipality, name="Kindcentrum Oost", board=board)
    SchoolFactory(
        municipality=municipality, name="Kindcentrum West", denomination="Rooms-Katholiek"
    )
    SchoolFactory(municipality=municipality, name="SBO De Brug", sector=School.Sector.SBO)
    SchoolFactory(municipality=municipality, name="Kindcentrum Dicht", is_active=False)

    def names(**params):
        response = officer_client.get(url("school_list", municipality), params)
        return [s.name for s in response.context["page"].object_list]

    assert names(q="kindcentrum") == ["Kindcentrum Oost", "Kindcentrum West"]
    assert names(q="kindcentrum", status="alle") == [
        "Kindcentrum Dicht",
        "Kindcentrum Oost",
        "Kindcentrum West",
    ]
    assert names(sector="SBO") == ["SBO De Brug"]
    assert names(board=board.pk) == ["Kindcentrum Oost"]
    assert names(denomination="Rooms-Katholiek") == ["Kindcentrum West"]
    assert names(status="inactief") == ["Kindcentrum Dicht"]
    assert names(sort="-naam")[0] == "SBO De Brug"
    assert names(sector="niet-bestaand") == names()  # an invalid filter is ignored


@pytest.mark.django_db
def test_htmx_request_renders_only_the_table_partial(officer_client, municipality):
    SchoolFactory(municipality=municipality, name="De Regenboog")

    response = officer_client.get(
        url("school_list", municipality), {"q": "regen"}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert "De Regenboog" in content
    assert "<html" not in content and "<form" not in content
    assert "HX-Request" in response["Vary"]


def count_queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_school_list_query_count_is_the_same_for_5_and_200_schools(officer_client, municipality):
    def add_schools(n):
        for _ in range(n):
            school = SchoolFactory(municipality=municipality, board=SchoolBoardFactory())
            PupilCountFactory(school=school)

    path = url("school_list", municipality)
    add_schools(5)
    officer_client.get(path)  # warm the session
    with_5 = count_queries(officer_client, path, {"q": "Regenboog", "sort": "-leerlingen"})
    add_schools(195)
    with_200 = count_queries(officer_client, path, {"q": "Regenboog", "sort": "-leerlingen"})

    assert with_5 == with_200
    # auth + membership (3), filter options (2), latest year, count, page, session save (3)
    assert with_200 <= 12


@pytest.mark.django_db
def test_school_detail_shows_history_chart_and_weights(officer_client, municipality):
    school = SchoolFactory(municipality=municipality, name="De Horizon")
    PupilCountFactory(school=school, year=2023, count=0)  # before it opened: left out
    PupilCountFactory(school=school, year=2024, count=None, suppressed=True)
    PupilCountFactory(school=school, year=2025, count=123)
    school.weights.create(school_year="2023-2024", weight="31.04", pupils=120, spread="6.75")

    response = officer_client.get(url("school_detail", municipality, school_pk=school.pk))

    content = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="chart"' in content and 'role="img"' in content
    assert "<title>2025: 123</title>" in content and "<title>2024: &lt;5</title>" in content
    assert "2023: 0" not in content
    assert "31.04" in content or "31,04" in content


@pytest.mark.django_db
def test_school_of_another_municipality_is_404(officer_client, municipality, other_municipality):
    theirs = SchoolFactory(municipality=other_municipality)

    response = officer_client.get(url("school_detail", municipality, school_pk=theirs.pk))

    assert response.status_code == 404


@pytest.mark.django_db
def test_non_member_gets_404_on_school_list(
    client, municipality, other_municipality, member_factory
):
    client.force_login(member_factory(other_municipality))

    assert client.get(url("school_list", municipality)).status_code == 404


# --- partners ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_officer_creates_partner_with_schools_of_this_municipality(officer_client, municipality):
    school = SchoolFactory(municipality=municipality)

    response = officer_client.post(
        url("partner_create", municipality),
        {
            "name": "Bibliotheek Utrecht",
            "kind": PartnerOrganisation.Kind.LIBRARY,
            "contact_name": "Noor Jansen",
            "contact_email": "noor@bibliotheek.example.nl",
            "schools": [school.pk],
        },
    )

    assert response.status_code == 302
    partner = PartnerOrganisation.objects.get()
    assert (partner.municipality, list(partner.schools.all())) == (municipality, [school])


@pytest.mark.django_db
def test_partner_cannot_be_linked_to_another_municipalitys_school(
    officer_client, municipality, other_municipality
):
    theirs = SchoolFactory(municipality=other_municipality)

    response = officer_client.post(
        url("partner_create", municipality),
        {
            "name": "JGZ Regio",
            "kind": PartnerOrganisation.Kind.YOUTH_HEALTH,
            "schools": [theirs.pk],
        },
    )

    assert response.status_code == 200
    assert "schools" in response.context["form"].errors
    assert not PartnerOrganisation.objects.exists()


@pytest.mark.django_db
def test_partner_name_must_be_unique_in_the_municipality(officer_client, municipality):
    PartnerOrganisationFactory(municipality=municipality, name="Sportbedrijf")

    response = officer_client.post(
        url("partner_create", municipality), {"name": "sportbedrijf", "kind": "sport"}
    )

    assert "al een partnerorganisatie" in str(response.context["form"].errors["name"])


@pytest.mark.django_db
def test_officer_edits_and_deactivates_partner(officer_client, municipality):
    partner = PartnerOrganisationFactory(municipality=municipality)
    school = SchoolFactory(municipality=municipality)

    officer_client.post(
        url("partner_edit", municipality, partner_pk=partner.pk),
        {"name": "Welzijn Noord", "kind": "welfare", "schools": [school.pk]},
    )
    officer_client.post(
        url("partner_toggle_active", municipality, partner_pk=partner.pk), {"actief": "0"}
    )

    partner.refresh_from_db()
    assert (partner.name, partner.kind, partner.is_active) == ("Welzijn Noord", "welfare", False)
    assert list(partner.schools.all()) == [school]
    listed = officer_client.get(url("partner_list", municipality)).context["partners"]
    assert partner not in listed
    assert (
        partner
        in officer_client.get(url("partner_list", municipality), {"status": "alle"}).context[
            "partners"
        ]
    )


@pytest.mark.django_db
def test_viewer_reads_partners_but_cannot_change_them(client, municipality, member_factory):
    partner = PartnerOrganisationFactory(municipality=municipality)
    client.force_login(member_factory(municipality, Role.VIEWER))

    assert client.get(url("partner_list", municipality)).status_code == 200
    assert client.get(url("partner_create", municipality)).status_code == 403
    assert client.get(url("partner_edit", municipality, partner_pk=partner.pk)).status_code == 403
    response = client.post(url("partner_toggle_active", municipality, partner_pk=partner.pk))
    assert response.status_code == 403
    partner.refresh_from_db()
    assert partner.is_active


@pytest.mark.django_db
def test_partner_of_another_municipality_is_404(officer_client, municipality, other_municipality):
    theirs = PartnerOrganisationFactory(municipality=other_municipality)

    response = officer_client.get(url("partner_edit", municipality, partner_pk=theirs.pk))

    assert response.status_code == 404


@pytest.mark.django_db
def test_partner_list_query_count_does_not_grow(officer_client, municipality):
    schools = SchoolFactory.create_batch(3, municipality=municipality)
    path = url("partner_list", municipality)
    PartnerOrganisationFactory(municipality=municipality).schools.set(schools)
    officer_client.get(path)
    with_1 = count_queries(officer_client, path)
    for _ in range(30):
        PartnerOrganisationFactory(municipality=municipality).schools.set(schools)

    assert count_queries(officer_client, path) == with_1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"sector": School.Sector.SO},
        {"denomination": "Rooms-Katholiek", "sort": "-plaats"},
        {"status": "inactief", "sort": "leerlingen"},
        {"status": "alle", "sort": "-leerlingen", "board": True},
    ],
)
def test_the_prepared_school_page_reads_what_the_search_lists(
    municipality, other_municipality, filters, django_assert_num_queries
):
    """``school_page_reader`` (a prepared query per filter shape and page) gives the rows, the
    pupils of the count date and the count of ``school_search``; a search text has none."""
    from core.pagination import with_total
    from schools import selectors

    board = SchoolBoardFactory()
    for i in range(14):
        school = SchoolFactory(
            municipality=municipality,
            name=f"School {i % 5} {i}",
            city=f"Plaats {i % 3}",
            sector=School.Sector.SO if i % 4 == 0 else School.Sector.BO,
            denomination="Rooms-Katholiek" if i % 2 else "Openbaar",
            is_active=i % 6 != 0,
            board=board if i % 3 else None,
        )
        PupilCountFactory(school=school, year=2025, count=100 + i)
        PupilCountFactory(school=school, year=2024, count=50 + i)
    SchoolFactory(municipality=other_municipality, name="School 0 elders")
    if filters.pop("board", False):
        filters["board"] = board
    read = selectors.school_page_reader(municipality=municipality, year=2025, **filters)
    search = selectors.school_search(municipality=municipality, year=2025, **filters)
    fields = ("pk", "latest_pupils", "latest_suppressed", "pagination_total")
    for bottom, top in ((0, 4), (4, 8), (8, 50)):
        expected = [[getattr(s, f) for f in fields] for s in with_total(search)[bottom:top]]
        with django_assert_num_queries(1):
            got = read(bottom, top)
            boards = [s.board for s in got]  # select_related came along
        assert [[getattr(s, f) for f in fields] for s in got] == expected
        assert len(boards) == len(expected)
    assert read(0, 50), "the filters leave rows to compare"
    assert selectors.school_page_reader(municipality=municipality, year=2025, q="School") is None


@pytest.mark.django_db
def test_a_search_reads_its_page_with_the_count_in_one_query_as_the_plain_list(
    officer_client, municipality
):
    """The plain list reads a prepared page, a search text the queryset: both read the page and
    its count in one query (rows carrying COUNT(*) OVER ()), no separate count."""
    for i in range(7):
        school = SchoolFactory(municipality=municipality, name=f"Regenboog {i}")
        PupilCountFactory(school=school)
    path = url("school_list", municipality)
    for params in ({"sort": "-leerlingen"}, {"q": "Regenboog", "sort": "-leerlingen"}):
        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(path, params)
        assert response.status_code == 200
        rows = [q["sql"] for q in queries if q["sql"].startswith('SELECT "schools_school"."id"')]
        assert len(rows) == 1 and "OVER" in rows[0], params
        assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")], params
        assert response.context["page"].paginator.count == 7
    response = officer_client.get(path, {"q": "Regenboog 3"})
    assert [s.name for s in response.context["page"].object_list] == ["Regenboog 3"]
