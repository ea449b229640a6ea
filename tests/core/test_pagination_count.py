"""core.pagination.paginate(count_with_rows=True): the same pages as Paginator.get_page, one
query for a page within the list."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.pagination import paginate
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities():
    for i in range(23):
        Municipality.objects.create(
            name=f"Gemeente {i:02d}", slug=f"g{i:02d}", cbs_code=f"GM9{i:03d}"
        )
    return Municipality.objects.filter(slug__startswith="g").order_by("name")


def both(items, raw):
    request = RequestFactory().get("/", {} if raw is None else {"pagina": raw, "q": "x"})
    with CaptureQueriesContext(connection) as queries:
        fast, query = paginate(request, items, 10, count_with_rows=True)
        fast_rows = [m.slug for m in fast.object_list]
    plain, plain_query = paginate(request, items, 10)
    assert query == plain_query
    return fast, fast_rows, plain, [m.slug for m in plain.object_list], len(queries)


@pytest.mark.parametrize(
    ("raw", "number", "queries"),
    [(None, 1, 1), ("1", 1, 1), ("2", 2, 1), ("3", 3, 1), ("4", 3, 3), ("99", 3, 3),
     ("0", 3, 2), ("-1", 3, 2), ("x", 1, 1), ("", 1, 1)],
)  # fmt: skip
def test_same_page_as_get_page(municipalities, raw, number, queries):
    fast, fast_rows, plain, plain_rows, n = both(municipalities, raw)
    assert fast.number == plain.number == number
    assert fast_rows == plain_rows
    assert (fast.paginator.count, fast.paginator.num_pages) == (23, 3)
    assert (fast.has_next(), fast.has_previous()) == (plain.has_next(), plain.has_previous())
    assert (fast.start_index(), fast.end_index()) == (plain.start_index(), plain.end_index())
    assert n == queries  # one query for a page within the list; past the end as before


def test_empty_list(municipalities):
    fast, fast_rows, plain, plain_rows, _n = both(municipalities.none(), None)
    assert fast_rows == plain_rows == [] and fast.paginator.count == 0 and fast.number == 1
    empty = Municipality.objects.filter(slug="nope").order_by("name")
    fast, fast_rows, _plain, _rows, _n = both(empty, "2")
    assert fast_rows == [] and fast.number == 1


def test_distinct_and_lists_take_the_plain_path(municipalities):
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        page, _ = paginate(request, municipalities.distinct(), 10, count_with_rows=True)
        list(page.object_list)
    assert len(queries) == 2
    page, _ = paginate(request, list(range(25)), 10, count_with_rows=True)
    assert list(page.object_list) == list(range(10))
