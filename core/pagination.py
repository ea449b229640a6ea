"""One way to page a list: the page number in ``?pagina=``, the other parameters kept for links."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAMETER = "pagina"


def paginate(request: HttpRequest, items, per_page: int) -> tuple[Page, str]:
    """The requested page of ``items`` (the last one for a number past the end, the first for
    anything else that is not a number) and the query string without the page number, for the
    page links and filters of the template (``?{{ query }}&pagina=2``)."""
    page = Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAMETER))
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return page, query.urlencode()
