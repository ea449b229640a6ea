from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from municipalities.models import Role
from portfolio.selectors import is_advisor


def _is_advisor(request: HttpRequest) -> bool:
    known = getattr(request, "portfolio_is_advisor", None)
    if known is not None:
        return known  # the portfolio page has just found out
    memberships = getattr(request, "user_memberships", None)
    if memberships is not None:  # on a tenant page: all of the user's, read by tenant_view
        return any(m.role == Role.ADVISOR for m in memberships)
    return is_advisor(user=request.user)


def portfolio(request: HttpRequest) -> dict:
    """Whether the header shows the portfolio link; lazy, so only pages that ask pay the query."""
    return {"is_advisor": SimpleLazyObject(lambda: _is_advisor(request))}
