from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from theming.selectors import theme_cached


def _theme(request: HttpRequest):
    municipality = getattr(request, "municipality", None)
    return theme_cached(municipality=municipality) if municipality is not None else None


def theme(request: HttpRequest) -> dict:
    """``current_theme``: the MunicipalityTheme of the page's municipality, or None (outside
    ``/g/<slug>/``, or a municipality without one). Lazy, so a page that never asks pays
    nothing; one that does pays a cache round trip (``theming.selectors.theme_cached``). Test it
    with ``{% if current_theme %}`` (a lazy None is falsy), never ``is None``."""
    return {"current_theme": SimpleLazyObject(lambda: _theme(request))}
