"""The beschikkingen pages and the closed (frozen) stream in the UI.

Editors add, change and delete letters (with the pdf through core.uploads); readers, the
accountant among them, read the list and download the letter; a vaststelling closes the stream,
after which the spending and commitment forms are read-only and a POST changes nothing.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets import services
from budgets.models import Allocation, Beschikking, Commitment, Spending, StreamFreeze
from municipalities.models import FormerMunicipality, ReadLogEntry, Role
from municipalities.versions import version_of
from tests.budgets.factories import (
    AllocationFactory,
    BeschikkingFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)
from tests.test_bad_input_corpus import BAD_FILES, assert_dutch

pytestmark = pytest.mark.django_db
BASE = "/g/utrecht/budget/"
LIST = f"{BASE}beschikkingen/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def letter_data(**overrides):
    data = {
        "stream": stream().pk,
        "kind": "verlening",
        "date": "2021-06-15",
        "reference": "NPO-2021-1",
        "amount": "250.000,00",
        "final_amount": "",
        "reclaim_amount": "",
        "note": "",
    }
    return {**data, **overrides}


def vaststelling(municipality, user):
    return services.beschikking_save(
        municipality=municipality,
        user=user,
        stream=stream(),
        kind=Beschikking.Kind.VASTSTELLING,
        amount=Decimal("250000.00"),
        final_amount=Decimal("240000.00"),
        reclaim_amount=Decimal("10000.00"),
        date=datetime.date(2027, 11, 1),
        reference="VS-1",
    )


# --- Adding, changing, deleting --------------------------------------------------------------


def test_an_editor_adds_a_verlening_with_its_letter(officer_client, municipality, settings):
    upload = SimpleUploadedFile("Beschikking NPO Utrecht.pdf", PDF, "application/pdf")
    response = officer_client.post(
        f"{BASE}beschikkingen/nieuw/", {**letter_data(), "letter": upload}
    )
    assert response.status_code == 302
    saved = Beschikking.objects.get()
    assert saved.amount == Decimal("250000.00") and saved.kind == "verlening"
    assert saved.letter_name == "Beschikking NPO Utrecht.pdf"
    assert len(stored_files(settings)) == 1

    page = officer_client.get(LIST).content.decode()
    assert "NPO-2021-1" in page and "Verlening" in page and "de gemeente zelf" in page
    download = officer_client.get(f"{BASE}beschikkingen/{saved.pk}/brief/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"), [(n, c) for _id, n, c in BAD_FILES], ids=[i for i, _n, _c in BAD_FILES]
)
def test_bad_letters_are_refused_in_dutch_and_leave_nothing(
    officer_client, settings, name, content
):
    upload = SimpleUploadedFile(name, content)
    response = officer_client.post(
        f"{BASE}beschikkingen/nieuw/", {**letter_data(), "letter": upload}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors
    for messages in errors.values():
        for message in messages:
            assert_dutch(message)
    assert not Beschikking.objects.exists()
    assert stored_files(settings) == []


def test_bad_letters_through_the_service_leave_nothing(municipality, officer, settings):
    from django.core.exceptions import ValidationError

    for _id, name, content in BAD_FILES:
        with pytest.raises(ValidationError) as refused:
            services.beschikking_save(
                municipality=municipality,
                user=officer,
                letter=SimpleUploadedFile(name, content),
                stream=stream(),
                kind=Beschikking.Kind.VERLENING,
                amount=Decimal("1.00"),
                date=datetime.date(2021, 6, 1),
            )
        for message in refused.value.messages:
            assert_dutch(message)
    assert not Beschikking.objects.exists()
    assert stored_files(settings) == []


def test_a_vaststelling_without_final_amount_is_refused_at_its_field(officer_client):
    response = officer_client.post(
        f"{BASE}beschikkingen/nieuw/", letter_data(kind="vaststelling", date="2027-11-01")
    )
    assert response.status_code == 200
    assert (
        "Vul bij een vaststelling het vastgestelde bedrag in."
        in response.context["form"].errors["final_amount"]
    )
    assert not Beschikking.objects.exists()
    assert not StreamFreeze.objects.exists()


def test_recording_a_vaststelling_closes_the_stream(officer_client, municipality):
    response = officer_client.post(
        f"{BASE}beschikkingen/nieuw/",
        letter_data(
            kind="vaststelling",
            date="2027-11-01",
            final_amount="240.000",
            reclaim_amount="10.000",
            reference="VS-1",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "is nu afgesloten voor deze gemeente" in page
    assert 'data-testid="frozen-npo-gemeenten"' in page
    saved = Beschikking.objects.get()
    assert saved.final_amount == Decimal("240000.00")
    assert saved.reclaim_amount == Decimal("10000.00")
    assert services.is_frozen(municipality=municipality, stream=stream())


def test_the_recipient_may_be_a_predecessor(officer_client, municipality, other_municipality):
    former = FormerMunicipality.objects.create(
        cbs_code="GM0001", name="Vleuten-De Meern", successor=municipality, merged_on="2022-01-01"
    )
    elsewhere = FormerMunicipality.objects.create(
        cbs_code="GM0002", name="Elders", successor=other_municipality, merged_on="2022-01-01"
    )
    form_page = officer_client.get(f"{BASE}beschikkingen/nieuw/").content.decode()
    assert "Vleuten-De Meern" in form_page and "Elders" not in form_page

    refused = officer_client.post(
        f"{BASE}beschikkingen/nieuw/", letter_data(recipient_former=elsewhere.pk)
    )
    assert refused.status_code == 200 and not Beschikking.objects.exists()

    officer_client.post(f"{BASE}beschikkingen/nieuw/", letter_data(recipient_former=former.pk))
    assert Beschikking.objects.get().recipient_former == former
    page = officer_client.get(LIST).content.decode()
    assert "Vleuten-De Meern" in page and "voormalige gemeente" in page


def test_an_editor_changes_and_deletes_a_beschikking(officer_client, municipality):
    beschikking = BeschikkingFactory(municipality=municipality, amount=Decimal("5.00"))
    url = f"{BASE}beschikkingen/{beschikking.pk}/"
    assert officer_client.get(url).status_code == 200
    officer_client.post(
        url,
        letter_data(amount="7,50", reference=beschikking.reference, versie=version_of(beschikking)),
    )
    beschikking.refresh_from_db()
    assert beschikking.amount == Decimal("7.50")

    assert officer_client.post(f"{url}verwijderen/").status_code == 302
    assert not Beschikking.objects.exists()


def test_an_allocation_links_to_its_beschikking(officer_client, municipality):
    beschikking = BeschikkingFactory(municipality=municipality, reference="NPO-77")
    beschikking.letter.save("beschikking.pdf", ContentFile(PDF))
    allocation = AllocationFactory(municipality=municipality, reference="")
    response = officer_client.post(
        f"{BASE}toekenningen/{allocation.pk}/",
        {
            "stream": allocation.stream.pk,
            "period": allocation.period,
            "amount": "100.000",
            "beschikking": beschikking.pk,
            "reference": "",
            "versie": version_of(allocation),
        },
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.beschikking == beschikking

    allocations = officer_client.get(f"{BASE}toekenningen/").content.decode()
    assert f"#beschikking-{beschikking.pk}" in allocations and "NPO-77" in allocations
    assert f"beschikkingen/{beschikking.pk}/brief/" in allocations
    letters = officer_client.get(LIST).content.decode()
    assert "2023-2024" in letters  # the list names the allocations of each letter


def test_another_municipalitys_beschikking_cannot_be_linked(
    officer_client, municipality, other_municipality
):
    foreign = BeschikkingFactory(municipality=other_municipality)
    allocation = AllocationFactory(municipality=municipality)
    response = officer_client.post(
        f"{BASE}toekenningen/{allocation.pk}/",
        {
            "stream": allocation.stream.pk,
            "period": allocation.period,
            "amount": "100.000",
            "beschikking": foreign.pk,
            "versie": version_of(allocation),
        },
    )
    assert response.status_code == 200
    assert Allocation.objects.get().beschikking is None


# --- Reading: roles --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.VIEWER])
def test_readers_read_and_download_but_never_write(client, municipality, member_factory, role):
    beschikking = BeschikkingFactory(municipality=municipality)
    beschikking.letter.save("beschikking.pdf", ContentFile(PDF))
    client.force_login(member_factory(municipality, role))

    page = client.get(LIST)
    assert page.status_code == 200
    body = page.content.decode()
    assert beschikking.reference in body
    assert "Beschikking toevoegen" not in body and "/verwijderen/" not in body
    download = client.get(f"{BASE}beschikkingen/{beschikking.pk}/brief/")
    assert download.status_code == 200
    assert ReadLogEntry.objects.filter(kind=ReadLogEntry.Kind.DOCUMENT).count() == 1

    assert client.get(f"{BASE}beschikkingen/nieuw/").status_code == 403
    assert client.post(f"{BASE}beschikkingen/nieuw/", letter_data()).status_code == 403
    assert client.post(f"{BASE}beschikkingen/{beschikking.pk}/verwijderen/").status_code == 403
    assert Beschikking.objects.count() == 1


def test_the_school_role_sees_no_beschikkingen(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.SCHOOL))
    assert client.get(LIST).status_code == 403


def test_beschikkingen_list_query_count_does_not_grow(officer_client, municipality, officer):
    def make(i):
        letter = BeschikkingFactory(
            municipality=municipality, stream=stream("oab" if i % 2 else "npo-gemeenten")
        )
        AllocationFactory(municipality=municipality, stream=letter.stream, beschikking=letter)

    make(0)
    services.stream_freeze(municipality=municipality, stream=stream(), user=officer)
    with CaptureQueriesContext(connection) as few:
        assert officer_client.get(LIST).status_code == 200
    for i in range(1, 21):
        make(i)
    former = FormerMunicipality.objects.create(
        cbs_code="GM0009", name="Oud", successor=municipality, merged_on="2022-01-01"
    )
    Beschikking.objects.update(recipient_former=former)
    services.stream_unfreeze(municipality=municipality, stream=stream(), user=officer, reason="x")
    services.stream_freeze(municipality=municipality, stream=stream(), user=officer)
    services.stream_freeze(municipality=municipality, stream=stream("oab"), user=officer)
    with CaptureQueriesContext(connection) as many:
        assert officer_client.get(LIST).status_code == 200
    assert len(few) == len(many)


# --- The closed stream in the UI -------------------------------------------------------------


def spending_post(spending, **overrides):
    data = {
        "date": spending.date.isoformat(),
        "performance_date": "",
        "amount": "999,00",
        "stream": spending.stream.pk,
        "spending_goal": spending.spending_goal.pk,
        "description": "Gewijzigd",
    }
    return {**data, **overrides}


def test_a_post_to_a_frozen_spending_is_refused_and_changes_nothing(
    officer_client, municipality, officer
):
    spending = SpendingFactory(spending_goal__municipality=municipality, amount=Decimal("100.00"))
    vaststelling(municipality, officer)
    url = f"{BASE}realisatie/{spending.pk}/"

    form_page = officer_client.get(url).content.decode()
    assert 'data-testid="frozen"' in form_page and "afgesloten sinds" in form_page
    assert "Opslaan" not in form_page and "disabled" in form_page
    assert '<h1 class="utrecht-heading-1">Besteding bekijken</h1>' in form_page

    response = officer_client.post(url, spending_post(spending))
    assert response.status_code == 200
    assert "afgesloten sinds" in response.content.decode()
    spending.refresh_from_db()
    assert spending.amount == Decimal("100.00") and spending.description != "Gewijzigd"

    # Moving it to another stream is refused just the same.
    officer_client.post(url, spending_post(spending, stream=stream("oab").pk))
    spending.refresh_from_db()
    assert spending.stream == stream()


def test_frozen_spending_cannot_be_deleted_or_added(officer_client, municipality, officer):
    spending = SpendingFactory(spending_goal__municipality=municipality)
    commitment = CommitmentFactory(spending_goal=spending.spending_goal)
    vaststelling(municipality, officer)

    confirm = officer_client.get(f"{BASE}realisatie/{spending.pk}/verwijderen/").content.decode()
    assert "kan niet worden verwijderd" in confirm and "Ja, verwijderen" not in confirm
    refused = officer_client.post(f"{BASE}realisatie/{spending.pk}/verwijderen/", follow=True)
    assert "afgesloten sinds" in refused.content.decode()
    officer_client.post(f"{BASE}verplichtingen/{commitment.pk}/verwijderen/")
    assert Spending.objects.count() == 1 and Commitment.objects.count() == 1

    added = officer_client.post(f"{BASE}realisatie/nieuw/", spending_post(spending))
    assert added.status_code == 200 and "afgesloten sinds" in added.content.decode()
    assert Spending.objects.count() == 1

    listing = officer_client.get(f"{BASE}realisatie/").content.decode()
    assert 'data-testid="frozen"' in listing and "Bekijken" in listing
    assert f"realisatie/{spending.pk}/verwijderen/" not in listing


def test_another_stream_stays_editable(officer_client, municipality, officer):
    spending = SpendingFactory(spending_goal__municipality=municipality, stream=stream("oab"))
    vaststelling(municipality, officer)
    response = officer_client.post(
        f"{BASE}realisatie/{spending.pk}/", spending_post(spending, amount="12,00")
    )
    assert response.status_code == 302
    spending.refresh_from_db()
    assert spending.amount == Decimal("12.00")


def test_reopening_needs_a_reason_and_is_kept_in_the_history(officer_client, municipality, officer):
    vaststelling(municipality, officer)
    freeze = StreamFreeze.objects.get()
    url = f"{BASE}afgesloten/{freeze.pk}/heropenen/"
    assert f'href="{url}"' in officer_client.get(LIST).content.decode()

    refused = officer_client.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "Geef een reden om de geldstroom te heropenen." in refused.content.decode()
    assert services.is_frozen(municipality=municipality, stream=stream())

    assert officer_client.post(url, {"reason": "Rekenfout in de vaststelling"}).status_code == 302
    assert not services.is_frozen(municipality=municipality, stream=stream())
    history = officer_client.get(LIST).content.decode()
    assert "Rekenfout in de vaststelling" in history
    # Reopened once: the page for it is gone.
    assert officer_client.get(url).status_code == 404


def test_a_freeze_of_the_final_accounting_is_not_reopened_here(
    officer_client, municipality, officer
):
    freeze = services.stream_freeze(
        municipality=municipality, stream=stream(), user=officer, reason="Eindverantwoording"
    )
    assert (
        officer_client.post(f"{BASE}afgesloten/{freeze.pk}/heropenen/", {"reason": "x"}).status_code
        == 404
    )
    assert services.is_frozen(municipality=municipality, stream=stream())


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.VIEWER])
def test_readers_cannot_reopen(client, municipality, member_factory, officer, role):
    vaststelling(municipality, officer)
    freeze = StreamFreeze.objects.get()
    client.force_login(member_factory(municipality, role))
    response = client.post(f"{BASE}afgesloten/{freeze.pk}/heropenen/", {"reason": "ik wil"})
    assert response.status_code == 403
    assert services.is_frozen(municipality=municipality, stream=stream())


# --- Prestatiedatum in the form --------------------------------------------------------------


def test_the_prestatiedatum_is_optional_and_shown_when_it_differs(officer_client, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    base = {
        "date": "2025-08-10",
        "amount": "10",
        "stream": stream().pk,
        "spending_goal": goal.pk,
        "description": "Factuur juli",
    }
    officer_client.post(f"{BASE}realisatie/nieuw/", {**base, "performance_date": "2025-07-31"})
    officer_client.post(f"{BASE}realisatie/nieuw/", {**base, "description": "Zonder"})
    own, without = Spending.objects.order_by("pk")
    assert own.performance_date == datetime.date(2025, 7, 31)
    assert without.performance_date is None
    assert without.effective_performance_date == datetime.date(2025, 8, 10)
    listing = officer_client.get(f"{BASE}realisatie/").content.decode()
    assert listing.count("prestatie 31 jul") == 1
    form = officer_client.get(f"{BASE}realisatie/{own.pk}/").content.decode()
    assert 'name="performance_date"' in form and 'value="2025-07-31"' in form
