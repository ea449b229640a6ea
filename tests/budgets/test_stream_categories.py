"""Each funding stream its own spending categories (budgets.streams), and the streams that go on
after the NPO: GOAB/OAB with an open end, School en Omgeving with its reference."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budgets.exports import spending_goals_dataset
from budgets.models import FundingStream, SpendingGoal
from budgets.selectors import budget_overview
from budgets.streams import (
    ALL_CATEGORY_CODES,
    STREAM_CATEGORIES,
    category_label,
    funding_streams_ensure,
    stream_categories,
)
from closeout.selectors import allowed_categories, closeout_streams
from core.npo import SpendingCategory
from tests.budgets.factories import (
    AllocationFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
    open_cycle,
    stream,
)

pytestmark = pytest.mark.django_db
BASE = "/g/utrecht/budget/"


def test_each_stream_with_categories_has_its_own_and_one_list_holds_them_all():
    assert stream_categories("npo-gemeenten") == frozenset(SpendingCategory.values)
    assert stream_categories("oab") == {
        "goab-voorschool",
        "goab-vroegschool",
        "goab-leerlingen",
        "goab-overig",
    }
    assert stream_categories("school-en-omgeving") == {"so-aanbod", "so-coalitie", "so-overig"}
    assert stream_categories("overig") is None  # no categories of its own
    codes = [code for pairs in STREAM_CATEGORIES.values() for code, _label in pairs]
    assert len(codes) == len(set(codes)) == len(ALL_CATEGORY_CODES)  # no code in two streams
    assert all(len(code) <= SpendingGoal._meta.get_field("category").max_length for code in codes)
    # The model's choices are the same list, grouped per stream.
    assert {c for c, _label in SpendingGoal._meta.get_field("category").flatchoices} == set(codes)
    assert category_label("goab-voorschool") == "Voorschoolse educatie"
    assert category_label("onbekend") == "onbekend"


def test_closeout_allows_a_streams_own_categories_and_any_for_a_stream_without():
    assert allowed_categories(stream()) == frozenset(SpendingCategory.values)
    assert "inhalen" not in allowed_categories(stream("oab"))
    assert allowed_categories(stream("overig")) == ALL_CATEGORY_CODES


def test_goab_serves_on_with_an_open_end_and_is_not_yet_a_closeout_stream():
    goab = stream("oab")
    assert goab.name == "Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB)"
    assert goab.window_end is None and not goab.window_end_unverified
    assert "goab.eu" in goab.description and "2027" in goab.description
    assert goab.in_window(datetime.date(2027, 3, 1))
    assert list(closeout_streams().values_list("code", flat=True)) == ["npo-gemeenten"]


def test_school_en_omgeving_has_its_reference_and_marks_unsourced_dates():
    so = stream("school-en-omgeving")
    assert so.reference == "Stcrt 2023-18849" and not so.is_sisa
    assert "schoolbestuur" in so.description and "coalitie" in so.description
    assert so.window_start_unverified and so.window_end_unverified
    assert stream().reference == "Stcrt 2022-27531"
    assert not (stream().window_start_unverified or stream().window_end_unverified)


def spending_goal_post(municipality, category, planned):
    data = {
        "cycle": open_cycle(municipality).pk,
        "category": category,
        "suboption": "",
        "title": "Voorschool in de wijk",
        "description": "",
        "gepland-TOTAL_FORMS": str(len(planned)),
        "gepland-INITIAL_FORMS": "0",
    }
    for i, (code, period) in enumerate(planned):
        data |= {
            f"gepland-{i}-stream": stream(code).pk,
            f"gepland-{i}-period": period,
            f"gepland-{i}-amount": "1.000",
        }
    return data


@pytest.mark.parametrize(
    ("category", "planned", "message"),
    [
        (
            "inhalen",
            [("oab", "2026")],
            "„Bovenschoolse maatregelen om vertragingen in te halen” is",
        ),
        ("goab-voorschool", [("npo-gemeenten", "2024-2025")], "Kies een categorie onder „NPO"),
        ("goab-voorschool", [("school-en-omgeving", "2026")], "onder „School en Omgeving”"),
        ("goab-voorschool", [("oab", "2026"), ("npo-gemeenten", "2024-2025")], "apart"),
    ],
)
def test_a_spending_goal_planning_a_streams_money_uses_its_categories(
    officer_client, municipality, category, planned, message
):
    response = officer_client.post(
        f"{BASE}bestedingsdoelen/nieuw/", spending_goal_post(municipality, category, planned)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SpendingGoal.objects.exists()


@pytest.mark.parametrize(
    ("category", "planned"),
    [
        ("goab-voorschool", [("oab", "2026")]),
        ("so-coalitie", [("school-en-omgeving", "2026"), ("overig", "2026")]),
        ("goab-overig", [("overig", "2026")]),  # a stream without its own: any category
        ("inhalen", []),
    ],
)
def test_a_fitting_category_is_saved(officer_client, municipality, category, planned):
    response = officer_client.post(
        f"{BASE}bestedingsdoelen/nieuw/", spending_goal_post(municipality, category, planned)
    )
    assert response.status_code == 302
    assert SpendingGoal.objects.get().category == category


def test_the_form_groups_the_categories_per_stream(officer_client):
    html = officer_client.get(f"{BASE}bestedingsdoelen/nieuw/").content.decode()
    for group in ("NPO gemeenten", "GOAB/OAB", "School en Omgeving"):
        assert f'<optgroup label="{group}">' in html
    assert '<option value="goab-vroegschool">' in html


def test_a_goab_category_shows_its_label_in_the_overview_and_counts_in_the_totals(municipality):
    goab = stream("oab")
    AllocationFactory(municipality=municipality, stream=goab, period="2026", amount=D("500.00"))
    npo_goal = SpendingGoalFactory(municipality=municipality, category="inhalen")
    goab_goal = SpendingGoalFactory(municipality=municipality, category="goab-voorschool")
    PlannedAmountFactory(spending_goal=goab_goal, stream=goab, period="2026", amount=D("300.00"))
    SpendingFactory(
        spending_goal=goab_goal, stream=goab, date=datetime.date(2026, 3, 1), amount=D("120.00")
    )
    SpendingFactory(spending_goal=npo_goal, date=datetime.date(2023, 3, 1), amount=D("80.00"))
    # A code no stream knows (e.g. from an older export): listed under its code, not dropped.
    SpendingGoal.objects.filter(pk=npo_goal.pk).update(category="vervallen")

    overview = budget_overview(municipality=municipality, as_of=datetime.date(2026, 6, 1))
    rows = {code: (label, figures) for code, label, figures in overview.by_category}
    assert rows["goab-voorschool"][0] == "Voorschoolse educatie"
    assert rows["goab-voorschool"][1].spent == D("120.00")
    assert rows["vervallen"][0] == "vervallen" and rows["vervallen"][1].spent == D("80.00")
    assert sum(f.spent for _label, f in rows.values()) == overview.total.spent == D("200.00")
    (goab_block,) = [b for b in overview.blocks if b.stream.code == "oab"]
    assert [label for _c, label, _f in goab_block.categories] == ["Voorschoolse educatie"]

    exported = spending_goals_dataset(municipality=municipality)
    assert any("Voorschoolse educatie" in row for row in exported.rows)


def test_the_budget_page_shows_a_goab_category(officer_client, municipality):
    goal = SpendingGoalFactory(municipality=municipality, category="goab-leerlingen")
    PlannedAmountFactory(spending_goal=goal, stream=stream("oab"), period="2026")
    html = officer_client.get(BASE).content.decode()
    assert "Schakelklassen, zomerscholen en andere activiteiten voor leerlingen" in html


# --- The data migration changes only what staff did not change --------------------------------

BEFORE = [("budgets", "0006_beschikking_freeze_prestatiedatum")]


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_staff_changed():
    funding_streams_ensure()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        # As seeded before: the old OAB name and end; staff renamed the NPO's description.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE budgets_fundingstream SET name = %s, window_end = %s WHERE code = 'oab'",
                ["Onderwijsachterstandenbeleid (OAB)", datetime.date(2026, 12, 31)],
            )
            cursor.execute(
                "UPDATE budgets_fundingstream SET window_end = %s WHERE code = 'jeugd-welbevinden'",
                [datetime.date(2023, 6, 30)],  # a window staff checked and set
            )
            cursor.execute("DELETE FROM budgets_fundingstream WHERE code = 'school-en-omgeving'")
    finally:
        MigrationExecutor(connection).migrate(_latest())
    goab = FundingStream.objects.get(code="oab")
    assert goab.name.startswith("Gemeentelijk") and goab.window_end is None
    youth = FundingStream.objects.get(code="jeugd-welbevinden")
    assert youth.window_start_unverified and not youth.window_end_unverified  # staff's date
    assert FundingStream.objects.get(code="school-en-omgeving").reference == "Stcrt 2023-18849"
