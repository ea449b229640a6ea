"""Issue 14's reference data: VO pupils 2017–2022 (with vavo), CBS inhabitants on 1 Jan 2026 with
the Hilversum/Wijdemeren gap, the 2021–2023 merger table and the completed menukaart."""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from municipalities.models import FormerMunicipality, Municipality
from schools.models import Intervention, PupilCount, School
from schools.selectors import pupils_on, pupils_per_year

FIXTURES = Path(__file__).parent / "fixtures"


def load(directory: Path = FIXTURES, **options) -> str:
    out = StringIO()
    call_command(
        "load_reference_data", dir=str(directory), stdout=out, stderr=StringIO(), **options
    )
    return out.getvalue()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURES, target)
    return target


def edit(path: Path, old: str, new: str, encoding: str) -> None:
    text = path.read_bytes().decode(encoding)
    assert old in text
    path.write_bytes(text.replace(old, new).encode(encoding))


@pytest.mark.django_db
def test_vo_pupils_of_every_year_are_read_in_their_published_format():
    output = load()

    zwolle = Municipality.objects.get(cbs_code="GM0193")
    gymnasium = School.objects.get(vestigingscode="04DD00")
    # 2020 is UTF-8 with BOM, 2022 has unpadded municipality numbers: both read the same.
    counts = dict(gymnasium.pupil_counts.values_list("year", "count"))
    assert counts == {2017: 901, 2018: 903, 2019: 905, 2020: 907, 2021: 909, 2022: 911}
    # The total counts, pupils placed with vavo included (and kept apart).
    assert gymnasium.pupil_counts.get(year=2020).vavo == 4
    vo_history = pupils_per_year(municipalities=[zwolle], sectors=["VO"])[zwolle.pk]
    assert [(row.year, row.pupils) for row in vo_history] == [
        (2017, 901),
        (2018, 903),
        (2019, 905),
        (2020, 907),
        (2021, 909),
        (2022, 911),
    ]
    assert "VO: 16 tellingen 2017–2022" in output


@pytest.mark.django_db
def test_closed_vo_location_of_a_merged_municipality_lands_in_its_successor():
    load()

    closed = School.objects.get(vestigingscode="09ZZ00")
    # Windows-1252 in 2017-2019, UTF-8 with BOM in 2020: the é survives either way.
    assert (closed.name, closed.sector, closed.is_active) == ("Lycée Voorbeeldstad", "VO", False)
    # DUO's 2020 file names municipality 0999 (gone in 2022): the merger table moves it.
    assert closed.municipality.cbs_code == "GM0344"
    utrecht = closed.municipality
    vo_2020 = pupils_on(municipalities=[utrecht], year=2020, sectors=["VO"])[utrecht.pk]
    assert (vo_2020.pupils, vo_2020.locations) == (703 + 302, 2)
    # History never depends on today's status: the closed location counts in its years.
    assert pupils_on(municipalities=[utrecht], year=2021, sectors=["VO"])[utrecht.pk].pupils == 704


@pytest.mark.django_db
def test_vo_pupil_load_is_idempotent():
    load()
    before = list(
        PupilCount.objects.order_by("pk").values_list("school_id", "year", "count", "vavo")
    )

    output = load(force=True)

    assert "Leerlingaantallen: 0 toegevoegd, 0 bijgewerkt, 65 ongewijzigd" in output
    after = list(
        PupilCount.objects.order_by("pk").values_list("school_id", "year", "count", "vavo")
    )
    assert after == before


@pytest.mark.django_db
def test_a_vo_count_changed_by_duo_is_updated(data_dir):
    load(data_dir)
    edit(data_dir / "duo-leerlingen-vo-2022.csv", ";705;0;705", ";710;2;712", "cp1252")

    output = load(data_dir)

    assert "Leerlingaantallen: 0 toegevoegd, 1 bijgewerkt, 64 ongewijzigd" in output
    count = PupilCount.objects.get(school__vestigingscode="05EE00", year=2022)
    assert (count.count, count.vavo) == (712, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "old", "new", "encoding", "message"),
    [
        (
            "duo-leerlingen-vo-2019.csv",
            ";702;0;702",
            ";702;0;703",
            "cp1252",
            "duo-leerlingen-vo-2019.csv, regel 3, kolom 'TOTAAL AANTAL LEERLINGEN': 703 is niet "
            "de som van 702 leerlingen en 0 bij vavo.",
        ),
        (
            "duo-leerlingen-vo-2020.csv",
            "0999;297",
            "0777;297",
            "utf-8-sig",
            "duo-leerlingen-vo-2020.csv, regel 4, kolom 'GEMEENTENUMMER': gemeentecode GM0777 is "
            "geen bestaande gemeente en staat niet in de tabel met herindelingen.",
        ),
        (
            "duo-leerlingen-vo-2018.csv",
            ";701;0;701",
            ";<5;0;701",
            "cp1252",
            "duo-leerlingen-vo-2018.csv, regel 3, kolom 'AANTAL LEERLINGEN': '<5' is geen "
            "geldige aantal leerlingen.",
        ),
    ],
)
def test_a_broken_vo_file_is_refused_in_dutch_and_changes_nothing(
    data_dir, file, old, new, encoding, message
):
    edit(data_dir / file, old, new, encoding)

    with pytest.raises(CommandError) as error:
        load(data_dir)

    assert message in str(error.value)
    assert not School.objects.exists()
    assert not PupilCount.objects.exists()


@pytest.mark.django_db
def test_a_vo_file_without_a_year_in_its_name_is_refused(data_dir):
    (data_dir / "duo-leerlingen-vo-2021.csv").rename(data_dir / "leerlingen-vo.csv")

    with pytest.raises(CommandError) as error:
        load(data_dir, vo_pupils_2021=str(data_dir / "leerlingen-vo.csv"))

    assert "leerlingen-vo.csv: het jaar van de telling (1 oktober) moet in de bestandsnaam" in (
        str(error.value)
    )


@pytest.mark.django_db
def test_a_location_with_pupils_in_both_histories_the_same_year_is_refused(data_dir):
    # 03CC00 is a PO school in the history with 100 pupils in 2020; put it in the VO file too.
    path = data_dir / "duo-leerlingen-vo-2020.csv"
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(
        ("\ufeff" + text + "51001;03CC;03CC00;Dubbel;ZWOLLE;0193;10;0;10\r\n").encode("utf-8")
    )

    with pytest.raises(CommandError) as error:
        load(data_dir)

    assert "vestiging '03CC00' heeft op 1 oktober 2020 ook leerlingen in" in str(error.value)
    assert not PupilCount.objects.exists()


@pytest.mark.django_db
def test_inhabitants_carry_source_and_date_and_the_missing_ones_keep_the_older_figure():
    output = load()

    utrecht = Municipality.objects.get(cbs_code="GM0344")
    assert (utrecht.inhabitants, utrecht.inhabitants_source, utrecht.inhabitants_date) == (
        378278,
        "CBS",
        datetime.date(2026, 1, 1),
    )
    # Not in the 2026 file (as Hilversum and Wijdemeren): the older figure, date unknown.
    island = Municipality.objects.get(cbs_code="GM0088")
    assert (island.inhabitants, island.inhabitants_source, island.inhabitants_date) == (
        950,
        "CBS (via Wikidata)",
        None,
    )
    assert "Schiermonnikoog: niet in cbs-inwoners-gemeenten-2026.csv" in output
    # The Caribbean public bodies in the CBS file are skipped, not refused.
    assert not Municipality.objects.filter(cbs_code="GM9001").exists()


@pytest.mark.django_db
def test_shipped_files_keep_hilversum_and_wijdemeren_with_their_older_figure():
    """On the real files: the two municipalities missing from CBS 2026 get 'datum onbekend'."""
    shipped = Path(__file__).resolve().parents[2] / "reference_data"
    load(shipped, only=["municipalities"])

    undated = Municipality.objects.filter(inhabitants_date__isnull=True)
    assert sorted(undated.values_list("cbs_code", "inhabitants", "inhabitants_source")) == [
        ("GM0402", 94601, "CBS (via Wikidata)"),
        ("GM1696", 24672, "CBS (via Wikidata)"),
    ]
    assert Municipality.objects.filter(inhabitants_date=datetime.date(2026, 1, 1)).count() == 340
    assert Municipality.objects.get(cbs_code="GM0363").inhabitants == 942504


@pytest.mark.django_db
def test_merger_table_is_loaded():
    load()

    former = FormerMunicipality.objects.get()
    assert (former.cbs_code, former.name, former.successor.cbs_code, former.merged_on) == (
        "GM0999",
        "Voorbeeldstad",
        "GM0344",
        datetime.date(2022, 1, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "cbs-gemeenten-2021.csv",
            "GM0999,Voorbeeldstad\n",
            "GM0999,Voorbeeldstad\nGM0998,Vergeten\n",
            "de gemeente GM0998 uit cbs-gemeenten-2021.csv bestaat niet meer, maar staat niet "
            "in de tabel",
        ),
        (
            "cbs-herindelingen-2021-2023.csv",
            "GM0999,Voorbeeldstad,GM0344",
            "GM0999,Voorbeeldstadt,GM0344",
            "regel 2, kolom 'voorganger_naam': 'Voorbeeldstadt' heet in cbs-gemeenten-2021.csv "
            "'Voorbeeldstad'.",
        ),
        (
            "cbs-herindelingen-2021-2023.csv",
            "GM0999,Voorbeeldstad,GM0344",
            "GM0999,Voorbeeldstad,GM0345",
            "'GM0345' is geen bestaande gemeente",
        ),
    ],
)
def test_a_wrong_merger_table_is_refused(data_dir, file, old, new, message):
    edit(data_dir / file, old, new, "utf-8")

    with pytest.raises(CommandError) as error:
        load(data_dir)

    assert message in str(error.value)
    assert not FormerMunicipality.objects.exists()
    assert not Municipality.objects.exists()  # all or nothing


@pytest.mark.django_db
def test_completed_menukaart_renames_the_truncated_intervention_and_keeps_empty_ratings(
    data_dir,
):
    shipped = Path(__file__).resolve().parents[2] / "reference_data" / "npo-menukaart.csv"
    truncated = "Onderwijsassistenten/instruc[teurs] (afgekapt in opgeslagen tekst)"
    version = "v2_na_EEF_update"
    old = Intervention.objects.create(
        version=version, area="E", area_description="E", name=truncated
    )

    load(data_dir, only=["interventions"], menukaart=str(shipped))

    old.refresh_from_db()
    assert old.name == "Onderwijsassistenten/instructeurs"  # same row: choices keep it
    v2 = Intervention.objects.filter(version=version)
    assert set(v2.values_list("area", flat=True)) == {"A", "B", "C", "D", "E", "F"}
    assert not v2.filter(name__contains="afgekapt").exists()
    # Empty ratings stay empty (shown as "niet beoordeeld"), never 0.
    parent = v2.get(name="Ouderbetrokkenheid")
    assert (parent.effect_months, parent.evidence, parent.cost) == (None, None, None)
    assert parent.rating_texts() == {
        "effect": "niet beoordeeld",
        "evidence": "niet beoordeeld",
        "cost": "niet beoordeeld",
    }


@pytest.mark.django_db
def test_school_page_shows_the_vo_history_and_says_which_years_it_covers(client, member_factory):
    load()
    gymnasium = School.objects.get(vestigingscode="04DD00")
    # Like the 96 VO locations that were VSO long ago: zeros in the PO history after 2022.
    PupilCount.objects.create(school=gymnasium, year=2024, count=0)
    officer = member_factory(gymnasium.municipality, "policy_officer")
    client.force_login(officer)

    from django.urls import reverse

    body = client.get(
        reverse("schools:school_detail", args=[gymnasium.municipality.slug, gymnasium.pk])
    ).content.decode()

    assert "alleen bekend voor 1 oktober 2017 tot en met 2022" in body
    assert (
        '<th scope="row" class="utrecht-table__header-cell">2022</th>'
        '<td class="utrecht-table__cell utrecht-table__cell--numeric-data">911</td>'
    ) in body
    assert (
        '<th scope="row" class="utrecht-table__header-cell">2024</th>' not in body
    )  # a PO-history zero is no VO count
