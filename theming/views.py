import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from core.downloads import private_download
from municipalities.access import tenant_view
from municipalities.models import READER_ROLES, Municipality, Role
from theming.models import MunicipalityTheme
from theming.selectors import theme_get, theme_stylesheet

# Everyone who sees the municipality's pages gets its colours and logo, the accountant too
# (listed in tests/municipalities/test_roles.py ACCOUNTANT_PAGES).
THEME_READER_ROLES = READER_ROLES | {Role.SCHOOL, Role.ACCOUNTANT}
LOGO_TYPES = {
    MunicipalityTheme.LogoKind.PNG: ("image/png", "png"),
    MunicipalityTheme.LogoKind.JPEG: ("image/jpeg", "jpg"),
    MunicipalityTheme.LogoKind.SVG: ("image/svg+xml", "svg"),
}


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


@require_GET
@tenant_view(roles=THEME_READER_ROLES)
def logo(request: HttpRequest, municipality: Municipality) -> HttpResponse:
    """The municipality's logo (for the page header), shown inline. An SVG was rebuilt from an
    allow-list on upload (theming.logo); opened on its own it is sandboxed as well."""
    theme = theme_get(municipality=municipality)
    if theme is None or not theme.logo or theme.logo_kind not in LOGO_TYPES:
        raise Http404
    content_type, extension = LOGO_TYPES[theme.logo_kind]
    try:
        content = theme.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = private_download(
        content,
        filename=f"logo-{municipality.slug}.{extension}",
        content_type=content_type,
        inline=True,
    )
    if theme.logo_kind == MunicipalityTheme.LogoKind.SVG:
        # The site's policy plus ``sandbox`` (the CSP middleware writes it from this config).
        response._csp_config = {**settings.SECURE_CSP, "sandbox": True}
    return response
