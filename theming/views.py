import hashlib

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from municipalities.access import tenant_view
from municipalities.models import READER_ROLES, Municipality, Role
from theming.selectors import theme_stylesheet

# Everyone who sees the municipality's pages gets its colours. Not yet the accountant: their
# pages show the default theme until tests/municipalities/test_roles.py lists this URL among
# ACCOUNTANT_PAGES (docs/theming.md, "Open").
THEME_READER_ROLES = READER_ROLES | {Role.SCHOOL}


@require_GET
@tenant_view(roles=THEME_READER_ROLES)
def theme_css(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's token overrides as a stylesheet from our own origin (CSP ``style-src
    'self'``). Revalidated on every use; the ETag makes that a 304 while the theme is unchanged."""
    css = theme_stylesheet(municipality=municipality)
    etag = '"' + hashlib.sha256(css.encode()).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    # Private: the URL sits behind the membership check; no-cache: always ask, 304 is cheap.
    patch_cache_control(response, private=True, no_cache=True)
    return response
