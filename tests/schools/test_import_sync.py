"""``sync_rows``, the write half of every importer: COPY and set-based statements on PostgreSQL,
batches on SQLite. Both must count alike, write nothing the second time and leave the table's
indexes and constraints as they were (the first load into an empty table builds them anew)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from schools.importers.base import sync_rows
from schools.models import PupilCount, School
from tests.factories import SchoolFactory

SCHOOL_FIELDS = ("name", "brin", "sector", "municipality_id", "is_active")


def school_row(name: str, municipality, *, active: bool = True) -> dict:
    return {
        "name": name,
        "brin": "01AA",
        "sector": School.Sector.BO,
        "municipality_id": municipality.pk,
        "is_active": active,
    }


def sync_schools(desired: dict):
    return sync_rows(
        model=School,
        key_fields=("vestigingscode",),
        fields=SCHOOL_FIELDS,
        desired=desired,
        existing=School.objects.values("pk", "vestigingscode", *SCHOOL_FIELDS),
        deactivate_missing=True,
    )


def sync_pupil_counts(desired: dict, batch_size: int = 2000):
    return sync_rows(
        model=PupilCount,
        key_fields=("school_id", "year"),
        fields=("count", "suppressed", "vavo"),
        desired=desired,
        existing=PupilCount.objects.values(
            "pk", "school_id", "year", "count", "suppressed", "vavo"
        ),
        batch_size=batch_size,
        raw_insert=True,
    )


def counts(plan) -> tuple[int, int, int, int]:
    return plan.added, plan.updated, plan.unchanged, plan.deactivated


def constraints(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


def settle() -> None:
    """Run the foreign-key checks the rows written so far wait for (the commit would), so the
    first load into an empty table may rebuild that table's keys as the loader does."""
    connection.check_constraints()


def rebuilt(queries) -> bool:
    return any("DROP CONSTRAINT" in query["sql"] for query in queries)


@pytest.mark.django_db
def test_counts_added_updated_unchanged_and_deactivated_like_before(municipality):
    first = {
        ("01AA00",): school_row("Eerste", municipality),
        ("01AA01",): school_row("Tweede", municipality),
        ("01AA02",): school_row("Derde", municipality),
        ("01AA03",): school_row("Vierde", municipality),
        ("01AA04",): school_row("Vijfde", municipality),
    }
    before = constraints(School)
    settle()
    with CaptureQueriesContext(connection) as queries:
        assert counts(sync_schools(first)) == (5, 0, 0, 0)
    # PostgreSQL: COPY into the empty table, its indexes and foreign keys built once after.
    assert rebuilt(queries) is (connection.vendor == "postgresql")
    assert constraints(School) == before
    note = School.objects.get(vestigingscode="01AA00")
    note.local_note = "Eigen notitie"
    note.save()

    second = {
        ("01AA00",): school_row("Eerste (vernieuwd)", municipality),  # updated
        ("01AA01",): school_row("Tweede", municipality),  # unchanged
        # turned inactive, with another change: counts as deactivated, not as updated
        ("01AA02",): school_row("Derde (gesloten)", municipality, active=False),
        ("01AA03",): school_row("Vierde", municipality),  # unchanged
        # 01AA04 is missing: deactivated, never deleted
        ("01AA05",): school_row("Zesde", municipality),  # added
    }
    assert counts(sync_schools(second)) == (1, 1, 2, 2)

    stored = {s.vestigingscode: s for s in School.objects.all()}
    assert stored["01AA00"].name == "Eerste (vernieuwd)"
    assert stored["01AA00"].local_note == "Eigen notitie"  # not the loader's field
    assert (stored["01AA02"].name, stored["01AA02"].is_active) == ("Derde (gesloten)", False)
    assert stored["01AA04"].is_active is False
    assert stored["01AA05"].local_note == ""  # the model's default, also on the COPY path
    # The same rows again: nothing to write, everything unchanged (missing 01AA04 is inactive).
    assert counts(sync_schools(second)) == (0, 0, 5, 0)


@pytest.mark.django_db
def test_pupil_counts_first_load_second_load_and_one_change(municipality):
    schools = [SchoolFactory(municipality=municipality) for _ in range(3)]
    desired = {
        (school.pk, year): {"count": 100 + year - 2000, "suppressed": False, "vavo": None}
        for school in schools
        for year in range(2000, 2020)
    }
    desired[(schools[0].pk, 2020)] = {"count": None, "suppressed": True, "vavo": None}

    def sync():
        return sync_pupil_counts(desired, batch_size=7)

    before = constraints(PupilCount)
    settle()
    with CaptureQueriesContext(connection) as queries:
        assert counts(sync()) == (61, 0, 0, 0)
    assert rebuilt(queries) is (connection.vendor == "postgresql")
    # The first load into the empty table rebuilt its indexes and constraints: all back, alike.
    assert constraints(PupilCount) == before
    stored = PupilCount.objects.values_list("school_id", "year", "count", "suppressed")
    assert sorted(stored) == sorted(
        (s, y, v["count"], v["suppressed"]) for (s, y), v in desired.items()
    )
    assert counts(sync()) == (0, 0, 61, 0)

    desired[(schools[1].pk, 2005)] = {"count": 7, "suppressed": False, "vavo": 2}
    assert counts(sync()) == (0, 1, 60, 0)
    assert PupilCount.objects.get(school=schools[1], year=2005).vavo == 2
    assert constraints(PupilCount) == before


@pytest.mark.django_db
def test_a_row_for_an_unknown_school_is_refused_and_writes_nothing(municipality):
    school = SchoolFactory(municipality=municipality)
    desired = {
        (school.pk, 2024): {"count": 10, "suppressed": False, "vavo": None},
        (school.pk + 1000, 2024): {"count": 11, "suppressed": False, "vavo": None},
    }
    settle()
    with pytest.raises(IntegrityError), transaction.atomic():
        sync_rows(
            model=PupilCount,
            key_fields=("school_id", "year"),
            fields=("count", "suppressed", "vavo"),
            desired=desired,
            existing=[],
            raw_insert=True,
        )
        # Foreign keys are deferred to the commit: check them now, as the commit would.
        connection.check_constraints(table_names=[PupilCount._meta.db_table])
    assert not PupilCount.objects.exists()
    assert constraints(PupilCount)  # the table kept its constraints after the rollback


@pytest.mark.django_db
def test_the_first_load_writes_in_key_order_and_analyses_the_table(municipality):
    """The DUO files list the counts year by year; stored in key order, the count dates of one
    location share a page, which is what a municipality's pupil read walks (issue 23). And the
    planner gets statistics at once (ANALYZE), not when autovacuum comes round."""
    schools = [SchoolFactory(municipality=municipality) for _ in range(4)]
    desired = {
        (school.pk, year): {"count": year - 1990, "suppressed": False, "vavo": None}
        for year in range(2020, 1999, -1)  # as the files come: newest year first, then schools
        for school in reversed(schools)
    }
    settle()
    with CaptureQueriesContext(connection) as queries:
        sync_pupil_counts(desired)
    analysed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert analysed == []
        return
    assert analysed == ['ANALYZE "schools_pupilcount"']
    with connection.cursor() as cursor:
        cursor.execute("SELECT school_id, year FROM schools_pupilcount ORDER BY ctid")
        stored = cursor.fetchall()
    assert stored == sorted(desired)
