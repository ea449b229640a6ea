"""core.prepared.Prepared: a queryset compiled once, run with new values; same rows as the ORM."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.prepared import Prepared
from municipalities.models import Membership, Municipality, Role, User

pytestmark = pytest.mark.django_db


def build(user_id, today):
    return (
        Membership.objects.active(today=today)
        .select_related("municipality", "school")
        .filter(user_id=user_id, municipality__is_active=True)
        .order_by("municipality__name")
    )


@pytest.fixture
def memberships():
    municipalities = [
        Municipality.objects.create(name=name, slug=name.lower(), cbs_code=code)
        for name, code in (("Zwolle", "GM0193"), ("Amersfoort", "GM0307"), ("Delft", "GM0503"))
    ]
    ann = User.objects.create_user(email="ann@example.org", password="x")
    bob = User.objects.create_user(email="bob@example.org", password="x")
    today = timezone.localdate()
    Membership.objects.create(user=ann, municipality=municipalities[0], role=Role.ADVISOR)
    Membership.objects.create(user=ann, municipality=municipalities[1], role=Role.ADVISOR)
    Membership.objects.create(
        user=ann,
        municipality=municipalities[2],
        role=Role.VIEWER,
        valid_until=today - datetime.timedelta(days=1),
    )
    Membership.objects.create(user=bob, municipality=municipalities[2], role=Role.POLICY_OFFICER)
    return ann, bob, today


def test_same_rows_as_the_orm_for_each_call(memberships, django_assert_num_queries):
    ann, bob, today = memberships
    prepared = Prepared(build, user_id=0, today=datetime.date(2000, 1, 1))
    yesterday = today - datetime.timedelta(days=1)
    for user, day in ((ann, today), (bob, today), (ann, yesterday), (bob, yesterday)):
        expected = list(build(user.pk, day))
        with CaptureQueriesContext(connection) as captured:
            got = prepared(user_id=user.pk, today=day)
            # select_related came along: reading the relations asks nothing more.
            names = [m.municipality.name for m in got]
            schools = [m.school for m in got]
        assert len(captured) == 1
        assert str(user.pk) in captured[0]["sql"]
        assert got == expected
        assert names == [m.municipality.name for m in expected]
        assert schools == [None] * len(got)
    assert [m.municipality.name for m in prepared(user_id=ann.pk, today=yesterday)] == [
        "Amersfoort",
        "Delft",
        "Zwolle",
    ]
    assert [m.municipality.name for m in prepared(user_id=ann.pk, today=today)] == [
        "Amersfoort",
        "Zwolle",
    ]


def test_a_value_computed_inside_build_is_refused(memberships):
    prepared = Prepared(
        lambda user_id: Membership.objects.filter(user_id=user_id, created_at__lte=timezone.now()),
        user_id=0,
    )
    with pytest.raises(ImproperlyConfigured, match="more than the parameters"):
        prepared(user_id=memberships[0].pk)


def test_a_parameter_must_reach_the_sql_once_as_a_plain_value(memberships):
    twice = Prepared(
        lambda user_id: Membership.objects.filter(user_id=user_id, municipality_id=user_id),
        user_id=0,
    )
    with pytest.raises(ImproperlyConfigured, match="2 times"):
        twice(user_id=1)
    pattern = Prepared(
        lambda name: Municipality.objects.filter(name__icontains=name), name="example"
    )
    with pytest.raises(ImproperlyConfigured, match="0 times"):
        pattern(name="zw")
    counted = Prepared(lambda pk: Municipality.objects.filter(pk=pk).aggregate(n=Count("pk")), pk=0)
    with pytest.raises(AttributeError):
        counted(pk=1)  # aggregate() is not a queryset: nothing to prepare
    with pytest.raises(TypeError):
        Prepared(build, user_id=0, today=datetime.date(2000, 1, 1))(user_id=1)


def test_values_and_values_list(memberships):
    ann, _bob, today = memberships
    rows = {
        "values": lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("municipality__name")
            .values("role", "municipality__name")
        ),
        "values_list": lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("municipality__name")
            .values_list("role", "municipality__name")
        ),
        "flat": lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("municipality__name")
            .values_list("municipality__name", flat=True)
            .distinct()
        ),
        "named": lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("municipality__name")
            .values_list("role", "municipality__name", named=True)
        ),
    }
    for name, build in rows.items():
        got = Prepared(build, user_id=0)(user_id=ann.pk)
        assert got == list(build(ann.pk)), name
        assert len(got) == 3, name
    assert Prepared(rows["flat"], user_id=0)(user_id=ann.pk) == ["Amersfoort", "Delft", "Zwolle"]


def test_date_parameters_go_in_as_the_backend_adapts_them():
    """SQLite gets dates and datetimes as text (the embedded default of ``make run``): a date
    parameter is found, and bound, in that form. This failed with "reaches the SQL 0 times"."""
    from django.db.utils import ConnectionHandler

    from core.prepared import _adapter

    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    day = datetime.date(2026, 11, 30)
    assert _adapter(sqlite.ops, datetime.date(2000, 1, 1))(day) == "2026-11-30"
    sql, params = (
        Membership.objects.filter(valid_until__gte=day)
        .query.get_compiler(connection=sqlite)
        .as_sql()
    )
    assert "2026-11-30" in params
    assert _adapter(sqlite.ops, 0)(7) == 7
    assert _adapter(connection.ops, datetime.date(2000, 1, 1))(day) in (day, "2026-11-30")


def test_a_date_parameter_on_this_database(memberships):
    ann, _bob, today = memberships
    prepared = Prepared(
        lambda valid_from: Membership.objects.filter(valid_until__gte=valid_from).values_list(
            "role", flat=True
        ),
        valid_from=datetime.date(2000, 1, 1),
    )
    assert prepared(valid_from=today - datetime.timedelta(days=1)) == [Role.VIEWER]
    assert prepared(valid_from=today) == []


def test_converters_are_worked_out_once_per_connection_and_applied_every_call(
    memberships, monkeypatch
):
    """The select list's converters (a datetime column, a Decimal-free model row) are asked of
    Django once per connection; every call still converts its rows (aware datetimes), and the
    template queryset is never run itself."""
    from django.db.models.sql.compiler import SQLCompiler

    ann, bob, _today = memberships
    asked = []
    original = SQLCompiler.get_converters

    def counting(self, expressions):
        asked.append(len(expressions))
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counting)
    prepared = Prepared(
        lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .order_by("municipality__name")
            .values_list("municipality__name", "created_at")
        ),
        user_id=0,
    )
    first = prepared(user_id=ann.pk)
    second = prepared(user_id=bob.pk)
    assert len(asked) == 1
    assert [name for name, _at in first] == ["Amersfoort", "Delft", "Zwolle"]
    assert [name for name, _at in second] == ["Delft"]
    assert all(timezone.is_aware(at) for _name, at in first + second)
    assert first == list(
        Membership.objects.filter(user_id=ann.pk)
        .order_by("municipality__name")
        .values_list("municipality__name", "created_at")
    )


def test_prefetch_runs_for_each_call_on_its_own_rows(memberships, django_assert_num_queries):
    ann, bob, _today = memberships
    prepared = Prepared(
        lambda municipality_id: Municipality.objects.filter(pk=municipality_id).prefetch_related(
            "memberships"
        ),
        municipality_id=0,
    )
    delft = Municipality.objects.get(name="Delft")
    zwolle = Municipality.objects.get(name="Zwolle")
    for municipality, users in ((delft, {ann.pk, bob.pk}), (zwolle, {ann.pk})):
        with django_assert_num_queries(2):
            (got,) = prepared(municipality_id=municipality.pk)
            assert {m.user_id for m in got.memberships.all()} == users
