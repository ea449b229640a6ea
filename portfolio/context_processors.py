from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from municipalities.models import Role
from portfolio.selectors import is_advisor


def _is_advisor(request: HttpRequest) -> bool:
    known = getattr(request, "portfolio_is_advisor", None)
    if known is not None:
        return known  # the portfolio page has just found out
    membership = getattr(request, "membership", None)
    if membership is not None and membership.role == Role.ADVISOR:
        return True  # on a tenant page as advisor: known without a query
    return is_advisor(user=request.user)


def portfolio(request: HttpRequest) -> dict:
    """Whether the header shows the portfolio link; lazy, so only pages that ask pay the query."""
    return {"is_advisor": SimpleLazyObject(lambda: _is_advisor(request))}
