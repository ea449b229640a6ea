"""Exports read back with pandas must equal what the overview page shows."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest

from budgets.exports import neutralise
from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
    PartnerFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)

pytestmark = pytest.mark.django_db
D = Decimal
BASE = "/g/utrecht/budget/"
EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def data(municipality):
    AllocationFactory(municipality=municipality, period="2022-2023", amount=D("150000.00"))
    AllocationFactory(
        municipality=municipality,
        stream=stream("oab"),
        period="2023",
        amount=D("1234.56"),
        reference="=cmd|' /C calc'!A0",
    )
    goal = SpendingGoalFactory(municipality=municipality, title="+Zomerschool")
    PlannedAmountFactory(spending_goal=goal, period="2022-2023", amount=D("90000.10"))
    partner = PartnerFactory(municipality=municipality, name="@Bijlesbureau")
    for i, text in enumerate(EVIL):
        CommitmentFactory(
            spending_goal=goal,
            partner=partner,
            date=datetime.date(2022, 9, 1 + i),
            amount=D("1000.01"),
            description=text,
        )
        SpendingFactory(
            spending_goal=goal,
            date=datetime.date(2022 + i % 2, 10, 1 + i),
            amount=D("-0.99") if i == 0 else D("333.33"),
            description=text,
        )
    SpendingFactory(
        spending_goal=goal,
        stream=stream("oab"),
        date=datetime.date(2023, 3, 1),
        amount=D("100.00"),
        description="OAB",
    )
    return goal


def page_totals(client) -> dict[str, Decimal]:
    html = client.get(BASE).content.decode()
    found = dict(re.findall(r'data-testid="total-(\w+)">€ ([-\d.,]+)<', html))
    return {k: D(v.replace(".", "").replace(",", ".")) for k, v in found.items()}


def money(series) -> Decimal:
    """Sum a pandas column exactly: every value goes through str -> Decimal, never float sums."""
    return sum((D(str(v)).quantize(D("0.01")) for v in series), D("0.00"))


def test_xlsx_read_back_equals_the_overview(officer_client, data):
    totals = page_totals(officer_client)
    response = officer_client.get(f"{BASE}export/verantwoording.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None, dtype=object)
    assert list(sheets) == [
        "Toekenningen",
        "Bestedingsdoelen",
        "Geplande bedragen",
        "Verplichtingen",
        "Realisatie",
        "SiSa-overzicht",
        "Bron",
    ]
    # The last sheet says where every sheet's figures come from, and as at when.
    source = sheets["Bron"]
    assert list(source["Blad"]) == list(sheets)[:-1]
    assert all(s.startswith("Bron: eigen invoer gemeente ") and ", stand " in s
               for s in source["Bron"])  # fmt: skip
    assert money(sheets["Toekenningen"]["Bedrag"]) == totals["allocated"] == D("151234.56")
    assert money(sheets["Geplande bedragen"]["Bedrag"]) == totals["planned"]
    assert money(sheets["Bestedingsdoelen"]["Gepland totaal"]) == totals["planned"]
    assert money(sheets["Verplichtingen"]["Bedrag"]) == totals["committed"] == D("6000.06")
    assert money(sheets["Realisatie"]["Bedrag"]) == totals["spent"] == D("1765.66")
    sisa = sheets["SiSa-overzicht"]
    assert money(sisa["Besteed in jaar"]) == totals["spent"]
    assert money(sisa["Verplicht in jaar"]) == totals["committed"]
    npo = sisa[sisa["Geldstroom"] == "NPO gemeenten"]
    # Every year from the first allocation (2022-2023 starts in 2022) up to this year.
    assert list(npo["Jaar"]) == list(range(2022, max(2023, datetime.date.today().year) + 1))
    assert money(npo["Besteed cumulatief"].tail(1)) == D("1665.66")


def test_xlsx_numbers_stay_numbers_and_formulas_are_neutralised(officer_client, data):
    response = officer_client.get(f"{BASE}export/verantwoording.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    realisatie = workbook["Realisatie"]
    amounts = [row[8].value for row in realisatie.iter_rows(min_row=2)]
    assert all(isinstance(v, int | float) for v in amounts)  # numeric cells, as Excel needs
    assert -0.99 in amounts  # a negative number stays a number, not a neutralised text
    descriptions = {row[6].value for row in realisatie.iter_rows(min_row=2)}
    assert '\'=HYPERLINK("http://x")' in descriptions and "'@SUM(A1)" in descriptions
    assert workbook["Toekenningen"]["D3"].value == "'=cmd|' /C calc'!A0"
    assert workbook["Realisatie"]["D2"].value == "'+Zomerschool"


def test_csv_read_back_equals_the_overview_and_is_neutralised(officer_client, data):
    totals = page_totals(officer_client)

    def read(name):
        response = officer_client.get(f"{BASE}export/{name}.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
        text = response.content.decode("utf-8-sig")
        frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
        return frame, text

    allocations, _ = read("toekenningen")
    assert money(v.replace(",", ".") for v in allocations["Bedrag"]) == totals["allocated"]
    assert "'=cmd|' /C calc'!A0" in set(allocations["Kenmerk beschikking"])
    spending, raw = read("realisatie")
    assert money(v.replace(",", ".") for v in spending["Bedrag"]) == totals["spent"]
    assert "-0,99" in set(spending["Bedrag"])  # numbers are not neutralised
    for value in spending["Omschrijving"]:
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert set(spending["Partnerorganisatie"]) == {""}
    commitments, _ = read("verplichtingen")
    assert set(commitments["Partnerorganisatie"]) == {"'@Bijlesbureau"}
    assert money(v.replace(",", ".") for v in commitments["Bedrag"]) == totals["committed"]
    sisa, _ = read("sisa")
    assert money(v.replace(",", ".") for v in sisa["Besteed in jaar"]) == totals["spent"]
    assert officer_client.get(f"{BASE}export/bestaat-niet.csv").status_code == 404


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Gewoon", "Gewoon"),
        ("", ""),
        (D("-5.00"), D("-5.00")),
        (3, 3),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected
