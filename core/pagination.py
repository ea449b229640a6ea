"""One way to page a list: the page number in ``?pagina=``, the other parameters kept for links."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest

PAGE_PARAMETER = "pagina"
_TOTAL = "pagination_total"


def with_total(items: QuerySet) -> QuerySet:
    """``items`` with the number of all of them on every row (``COUNT(*) OVER ()``), as
    ``paginate`` reads a page: for a ``read`` function built on a prepared query."""
    return items.annotate(**{_TOTAL: Window(Count("*"))})


def paginate(
    request: HttpRequest,
    items,
    per_page: int,
    *,
    count_with_rows: bool = False,
    read: Callable[[int, int], list] | None = None,
) -> tuple[Page, str]:
    """The requested page of ``items`` (the last one for a number past the end, the first for
    anything else that is not a number) and the query string without the page number, for the
    page links and filters of the template (``?{{ query }}&pagina=2``).

    ``count_with_rows``: the page's rows carry the number of all rows (``COUNT(*) OVER ()``), so
    a page within the list costs one query instead of a count and a page. For lists of at most
    a few thousand rows (the window makes the database read them all, where a separate count
    and a LIMIT might not); a page past the end, an empty list or a DISTINCT queryset take the
    two queries as before.

    ``read``: the same in a query of the caller's (a prepared one, core.prepared): ``read(bottom,
    top)`` gives rows ``bottom`` to ``top`` of ``items`` read ``with_total``. ``items`` may be a
    function that gives the list or queryset: with ``read`` it is built only for a page past the
    end or an empty list."""
    number = request.GET.get(PAGE_PARAMETER)
    page = None
    if read is not None:
        page = _page_with_count(read, per_page, number)
    else:
        if callable(items):
            items = items()
        if count_with_rows and isinstance(items, QuerySet) and not items.query.distinct:
            page = _page_with_count(
                lambda bottom, top: list(with_total(items)[bottom:top]), per_page, number
            )
    if page is None:
        page = Paginator(items() if callable(items) else items, per_page).get_page(number)
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return page, query.urlencode()


def _page_with_count(read: Callable[[int, int], list], per_page: int, number) -> Page | None:
    """Paginator.get_page's page in one query, or None when that needs the count first."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        wanted = 1 if number is None else int(number)
    except (TypeError, ValueError):
        wanted = 1  # not a number: the first page, as get_page
    if wanted < 1:
        return None  # get_page answers the last page
    bottom = (wanted - 1) * per_page
    rows = read(bottom, bottom + per_page)
    if not rows:
        return None
    # The count is known: the paginator needs no list of its own (its page is built here).
    paginator = Paginator([], per_page)
    paginator.count = getattr(rows[0], _TOTAL)  # the cached_property, known already
    return Page(rows, wanted, paginator)
