"""The reference-data import on small files in the published formats (tests/schools/fixtures/)."""

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from municipalities.models import Municipality
from schools.importers.loader import DATASETS
from schools.models import (
    Intervention,
    PupilCount,
    ReferenceImport,
    School,
    SchoolBoard,
    SchoolWeight,
)

FIXTURES = Path(__file__).parent / "fixtures"
BO = "duo-vestigingen-bo.csv"
VO = "duo-vestigingen-vo.csv"
HISTORY = "duo-leerlingen-po-historisch.csv"


def load(*args, **options) -> str:
    out = StringIO()
    options.setdefault("dir", str(FIXTURES))
    call_command("load_reference_data", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot() -> dict:
    """Everything the import writes, to prove a failed import changed nothing."""
    return {
        "municipalities": list(Municipality.objects.values_list("cbs_code", "name", "inhabitants")),
        "schools": list(School.objects.values_list("vestigingscode", "name", "is_active")),
        "boards": SchoolBoard.objects.count(),
        "pupils": list(PupilCount.objects.values_list("school_id", "year", "count")),
        "weights": SchoolWeight.objects.count(),
        "interventions": Intervention.objects.count(),
        "imports": list(ReferenceImport.objects.values_list("dataset", "sha256")),
    }


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A writable copy of the fixtures, for the tests that break or renew a file."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES, target)
    return target


def edit(path: Path, old: str, new: str, encoding: str) -> None:
    text = path.read_bytes().decode(encoding)
    assert old in text
    path.write_bytes(text.replace(old, new).encode(encoding))


@pytest.mark.django_db
def test_first_load_reads_every_file_in_its_published_format():
    output = load()

    assert Municipality.objects.count() == 3
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    assert (utrecht.name, utrecht.province, utrecht.inhabitants, utrecht.slug) == (
        "Utrecht",
        "Utrecht",
        378278,
        "utrecht",
    )
    # cp1252 BO file: the é survives; padded and unpadded municipality numbers both resolve.
    cafe = School.objects.get(vestigingscode="02BB00")
    assert cafe.name == "Kindcentrum Café Noord"
    assert (cafe.sector, cafe.municipality, cafe.street, cafe.board.number) == (
        School.Sector.BO,
        utrecht,
        "Biltstraat 10-A",
        "41002",
    )
    gymnasium = School.objects.get(vestigingscode="04DD00")
    assert (gymnasium.sector, gymnasium.onderwijsstructuur, gymnasium.municipality.cbs_code) == (
        School.Sector.VO,
        "VWO",
        "GM0193",
    )
    # Special education and closed schools come from the pupil history only.
    sbo = School.objects.get(vestigingscode="06FF00")
    assert (sbo.sector, sbo.is_active, sbo.street) == (School.Sector.SBO, True, "")
    assert School.objects.get(vestigingscode="07GG00").is_active is False  # no pupils in 2025
    assert School.objects.get(vestigingscode="08HH00").is_active is False  # BO, not in BO file
    assert not School.objects.filter(vestigingscode="50AB00").exists()  # municipality 9999
    assert School.objects.count() == 10  # with the closed VO location 09ZZ00

    assert PupilCount.objects.count() == 7 * 7 + 2 * 6 + 4  # PO history, VO 2017–2022
    suppressed = PupilCount.objects.get(school__vestigingscode="01AA00", year=2022)
    assert (suppressed.count, suppressed.suppressed) == (None, True)
    assert PupilCount.objects.get(school=cafe, year=2025).count == 260

    weights = SchoolWeight.objects.filter(school__vestigingscode="01AA00").order_by("school_year")
    assert [(w.school_year, w.weight, w.pupils) for w in weights] == [
        ("2021-2022", Decimal("27.50"), 35),
        ("2022-2023", Decimal("27.90"), 33),
    ]
    assert SchoolWeight.objects.count() == 4  # C2 and the unknown BRIN are not linked
    assert SchoolWeight.objects.get(school__vestigingscode="03CC00").weight is None

    feedback = Intervention.objects.get(version="v2_na_EEF_update", name="Feedback")
    assert (feedback.area, feedback.effect_months, feedback.evidence, feedback.cost) == (
        "B",
        6,
        4,
        None,
    )
    assert Intervention.objects.count() == 4

    assert "Gemeenten: 3 toegevoegd" in output
    assert "Schoolvestigingen: 10 toegevoegd" in output
    assert "1 vestiging met DUO-gemeentecode 9999" in output
    assert "1 nevenlocaties (C2 en hoger) en 1 hoofdlocaties (C1)" in output


@pytest.mark.django_db
def test_second_run_changes_nothing_and_says_so():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert "niets gewijzigd" in output
    assert output.count("bestanden ongewijzigd sinds de vorige keer") == len(
        DATASETS
    )  # every dataset


@pytest.mark.django_db
def test_forced_second_run_compares_rows_and_writes_nothing():
    load()
    before = snapshot()

    output = load(force=True)

    assert snapshot() == before
    assert (
        "Schoolvestigingen: 0 toegevoegd, 0 bijgewerkt, 10 ongewijzigd, 0 gedeactiveerd" in output
    )
    assert "Leerlingaantallen: 0 toegevoegd, 0 bijgewerkt, 65 ongewijzigd" in output
    assert "niets gewijzigd" in output


@pytest.mark.django_db
def test_newer_file_updates_adds_and_deactivates_but_keeps_history(data_dir):
    load(dir=str(data_dir))
    closing = School.objects.get(vestigingscode="03CC00")
    closing.local_note = "Fuseert met De Regenboog"
    closing.save()

    bo = data_dir / BO
    edit(bo, "Basisschool De Eilander", "Basisschool De Eilander (vernieuwd)", "cp1252")
    edit(
        bo,
        "41003;03CC;03CC00;OBS De Twaalf Ambachten;Kamperstraat;5; ;ZWOLLE;0193;Openbaar\r\n",
        "41005;09JJ;09JJ00;IKC Nieuwbouw;Laan;1;3500 AA;UTRECHT;0344;Openbaar\r\n",
        "cp1252",
    )
    history = data_dir / HISTORY
    edit(history, ";260\r\n", ";261\r\n", "utf-8-sig")
    output = load(dir=str(data_dir))

    assert "Schoolvestigingen: 1 toegevoegd, 1 bijgewerkt, 8 ongewijzigd, 1 gedeactiveerd" in output
    assert "Leerlingaantallen: 0 toegevoegd, 1 bijgewerkt, 64 ongewijzigd" in output
    assert School.objects.get(vestigingscode="01AA00").name.endswith("(vernieuwd)")
    assert School.objects.get(vestigingscode="09JJ00").municipality.cbs_code == "GM0344"
    closed = School.objects.get(vestigingscode="03CC00")
    assert closed.is_active is False
    assert closed.local_note == "Fuseert met De Regenboog"  # the municipality's note stays
    assert closed.pupil_counts.count() == 7  # history is kept, never deleted
    assert PupilCount.objects.get(school__vestigingscode="02BB00", year=2025).count == 261
    # Only the datasets whose files changed were compared again.
    assert "Gemeenten: bestanden ongewijzigd" in output


def _broken(data_dir: Path, name: str, old: str, new: str, encoding: str) -> None:
    edit(data_dir / name, old, new, encoding)


BROKEN_CASES = [
    pytest.param(
        BO,
        "VESTIGINGSNAAM;",
        "NAAM;",
        "cp1252",
        ["duo-vestigingen-bo.csv", "regel 1", "'VESTIGINGSNAAM' ontbreekt"],
        id="missing-column",
    ),
    pytest.param(
        VO,
        "ZWOLLE;193;",
        "ZWOLLE;1999;",
        "utf-8",
        ["duo-vestigingen-vo.csv", "regel 2", "kolom 'GEMEENTENUMMER'", "'1999' (GM1999)"],
        id="unknown-municipality",
    ),
    pytest.param(
        BO,
        "02BB01;",
        "02BB00;",
        "cp1252",
        ["regel 4", "kolom 'VESTIGINGSCODE'", "'02BB00' komt dubbel voor (ook op regel 3)"],
        id="duplicate-key",
    ),
    pytest.param(
        HISTORY,
        ";40;38;",
        ";40;veel;",
        "utf-8-sig",
        ["regel 2", "kolom 'LEERLINGEN_2020'", "'veel' is geen aantal leerlingen"],
        id="bad-pupil-count",
    ),
    pytest.param(
        "inspectie-schoolweging.csv",
        "01AA|C1,2022-2023",
        "01AA|C1,2021-2022",
        "utf-8",
        ["regel 3", "kolom 'OVT'", "komt dubbel voor (ook op regel 2)"],
        id="duplicate-weight",
    ),
    pytest.param(
        "npo-menukaart.csv",
        ",A,Meer",
        ",G,Meer",
        "utf-8",
        ["npo-menukaart.csv", "regel 2", "kolom 'doelgebied'", "'G'"],
        id="bad-area",
    ),
    pytest.param(
        "cbs-gemeenten-2023.csv",
        "GM0193,Zwolle",
        "GM0088,Zwolle",
        "utf-8",
        ["regel 3", "kolom 'GemeentecodeGM'", "'GM0088' komt dubbel voor"],
        id="duplicate-municipality",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "old", "new", "encoding", "expected"), BROKEN_CASES)
def test_broken_file_changes_nothing_and_names_row_and_column(
    data_dir, name, old, new, encoding, expected
):
    load(dir=str(data_dir))  # a good load first: the broken one must not touch it
    _broken(data_dir, name, old, new, encoding)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        load(dir=str(data_dir), force=True)

    message = str(error.value)
    assert message.startswith("Niets gewijzigd.")
    for part in expected:
        assert part in message
    assert snapshot() == before


@pytest.mark.django_db
def test_broken_file_on_first_load_leaves_an_empty_database(data_dir):
    _broken(data_dir, VO, "ZWOLLE;193;", "ZWOLLE;1999;", "utf-8")

    with pytest.raises(CommandError):
        load(dir=str(data_dir))

    # The municipalities step ran before the schools step failed: rolled back as well.
    assert Municipality.objects.count() == 0
    assert ReferenceImport.objects.count() == 0


@pytest.mark.django_db
def test_utf16_file_is_refused_as_wrong_encoding(data_dir):
    path = data_dir / BO
    path.write_bytes(path.read_bytes().decode("cp1252").encode("utf-16"))

    with pytest.raises(CommandError, match="UTF-16"):
        load(dir=str(data_dir))


@pytest.mark.django_db
def test_double_encoded_file_is_refused_naming_the_line(data_dir):
    # UTF-8 bytes read as Windows-1252 and saved again: "CafÃ©".
    path = data_dir / BO
    text = path.read_bytes().decode("cp1252")
    path.write_bytes(text.encode("utf-8").decode("cp1252").encode("utf-8"))

    with pytest.raises(CommandError, match=r"regel 3: verkeerde tekencodering .*CafÃ© Noord"):
        load(dir=str(data_dir))


@pytest.mark.django_db
def test_undecodable_byte_is_refused_naming_the_line(data_dir):
    path = data_dir / VO
    path.write_bytes(path.read_bytes().replace(b"Utrechts", b"Utr\x81chts"))

    with pytest.raises(CommandError, match=r"regel 3: onbekende tekencodering \(byte 0x81"):
        load(dir=str(data_dir))


@pytest.mark.django_db
def test_bo_file_published_as_utf8_with_bom_is_accepted(data_dir):
    path = data_dir / BO
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().decode("cp1252").encode("utf-8"))

    load(dir=str(data_dir))

    assert School.objects.get(vestigingscode="02BB00").name == "Kindcentrum Café Noord"


@pytest.mark.django_db
def test_school_weights_from_the_inspectie_ods(tmp_path):
    ods = tmp_path / "schoolweging.ods"
    sheet = pd.DataFrame(
        {
            "OVT": ["01AA|C1", "02BB|C1"],
            "Naam": ["De Eilander", "Café Noord"],
            "BGNR": ["41001", "41002"],
            "schoolweging": [27.5, 31.04],
            "aantal_leerlingen": [35, 240],
            "spreiding": [5.1, 6.75],
        }
    )
    with pd.ExcelWriter(ods, engine="odf") as writer:
        pd.DataFrame({"Toelichting": ["zie website"]}).to_excel(writer, sheet_name="Toelichting")
        sheet.to_excel(writer, sheet_name="2023-2024", index=False)

    load(weights=str(ods))

    assert SchoolWeight.objects.get(school__vestigingscode="02BB00").weight == Decimal("31.04")
    assert SchoolWeight.objects.count() == 2


@pytest.mark.django_db
def test_existing_municipality_keeps_its_slug_and_gets_the_cbs_figures(municipality):
    municipality.slug = "gemeente-utrecht"
    municipality.inhabitants = 1
    municipality.save()

    output = load(only=["municipalities"])

    municipality.refresh_from_db()
    assert (municipality.slug, municipality.inhabitants) == ("gemeente-utrecht", 378278)
    assert "2 toegevoegd, 1 bijgewerkt" in output


@pytest.mark.django_db
def test_vo_board_names_are_loaded_and_other_boards_show_their_number():
    output = load()
    named = SchoolBoard.objects.get(number="51001")
    assert named.name == "Stg. Voortgezet Onderwijs Zuiderzée"  # cp1252 as published
    assert str(School.objects.get(vestigingscode="04DD00").board) == named.name
    assert str(SchoolBoard.objects.get(number="51002")) == "51002 (naam onbekend)"
    # A board only in the names list is added (number without its leading zero).
    assert SchoolBoard.objects.get(number="51003").name == "Openb. Scholengroep Noord"
    unnamed = SchoolBoard.objects.get(number="41002")
    assert (unnamed.name, str(unnamed)) == ("", "41002 (naam onbekend)")
    assert "Namen schoolbesturen (VO): 1 toegevoegd, 1 bijgewerkt" in output


@pytest.mark.django_db
def test_board_without_a_name_is_refused_and_nothing_changes(data_dir):
    edit(
        data_dir / "duo-bevoegde-gezagen-vo.csv",
        "51003;Openb. Scholengroep Noord",
        "51003;",
        "cp1252",
    )
    with pytest.raises(CommandError) as error:
        load(dir=str(data_dir))
    assert "regel 3" in str(error.value) and "BEVOEGD GEZAG NAAM" in str(error.value)
    assert SchoolBoard.objects.count() == 0


@pytest.mark.django_db
def test_the_published_file_names_of_the_vo_counts_fit_the_import_record(data_dir):
    """DUO publishes the VO counts as six files named like
    ``03-leerlingen-vo-per-vestiging-en-bestuur-vavo-apart-2017.csv``: their names together pass
    the record's 255 characters. The load went through, then failed on the record (an English
    database error, everything rolled back)."""
    published = {}
    for year in range(2017, 2023):
        path = data_dir / f"03-leerlingen-vo-per-vestiging-en-bestuur-vavo-apart-{year}.csv"
        (data_dir / f"duo-leerlingen-vo-{year}.csv").rename(path)
        published[f"vo_pupils_{year}"] = str(path)

    load(dir=str(data_dir), **published)

    record = ReferenceImport.objects.get(dataset="pupil_counts")
    assert len(record.file_name) == 255
    assert record.file_name.startswith(f"{HISTORY}, 03-leerlingen-vo-per-vestiging")
    assert record.file_name.endswith("…")
    assert PupilCount.objects.filter(year=2017).exists()
