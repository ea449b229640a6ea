from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from municipalities.access import user_municipalities


def tenancy(request: HttpRequest) -> dict:
    """The current municipality and, lazily, the user's municipalities for the header switcher."""
    return {
        "current_municipality": getattr(request, "municipality", None),
        "current_membership": getattr(request, "membership", None),
        "my_municipalities": SimpleLazyObject(lambda: user_municipalities(request.user)),
    }
