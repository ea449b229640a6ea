from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from municipalities.access import user_municipalities


def tenancy(request: HttpRequest) -> dict:
    """The current municipality and the user's municipalities for the header switcher: on a
    tenant page from the memberships ``tenant_view`` read (no query), elsewhere lazily."""
    memberships = getattr(request, "user_memberships", None)
    return {
        "current_municipality": getattr(request, "municipality", None),
        "current_membership": getattr(request, "membership", None),
        "my_municipalities": [m.municipality for m in memberships]
        if memberships is not None
        else SimpleLazyObject(lambda: user_municipalities(request.user)),
    }
