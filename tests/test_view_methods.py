"""Every view of ours says which HTTP methods it accepts, and says when htmx changes its answer.

The URL list is read from the URL resolver (every pattern, those under /g/<municipality_slug>/
included), the same way as the isolation sweep (``tests/test_isolation_sweep.py``), whose
``tests/<app>/isolation.py`` factories fill in the ids. Only Django's own views are left out, in
``NOT_OURS`` below, and a test makes sure nothing of ours hides there.

The house order of a view's decorators, outermost first:

1. the method decorator (``require_GET``, ``require_POST``, ``require_http_methods([...])``,
   ``require_safe``): a method the view does not take is answered 405 before anything else
   (no login redirect, no membership lookup, no cached page);
2. ``vary_on_headers("HX-Request")`` on views that answer htmx with a partial;
3. ``cached_tenant_page`` / ``cached_page``;
4. the access decorator: ``tenant_view(...)``; outside /g/ ``advisor_view`` for pages that span
   the advised municipalities, or ``login_required``.

What is asserted, for every URL of ours:

* The view itself (the resolver's callback) is a ``require_http_methods`` closure: the allowed
  methods are read from it. A view without a method decorator, or with one further in, fails.
* The other decorators above are in that order.
* Every method outside the allowed set gets 405 with an ``Allow`` header naming exactly that set
  (logged in as a policy officer of the municipality, with real ids in the URL).
* Views that take GET: a GET does not get 405, and when a GET with ``HX-Request: true`` gets a
  different answer than one without, both carry ``Vary: HX-Request`` (a shared cache or the
  browser's back button must not serve the partial as the page, or the page as the partial).
"""

import io
import re
import secrets
import zipfile
from datetime import timedelta

import pytest
from django.contrib.admin import site
from django.contrib.auth.decorators import login_required
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.cache import has_vary_header
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from municipalities.access import advisor_view, tenant_view
from municipalities.models import Invitation, Role
from municipalities.pagecache import cached_page, cached_tenant_page
from municipalities.services import invitation_token_hash
from tests.factories import MembershipFactory
from tests.test_isolation_sweep import KWARG_FACTORIES, SLUG, _walk

# Django's own views, which handle methods themselves. Keyed by URL namespace or URL name.
NOT_OURS = {
    # Namespace: the whole admin site (staff only; Django answers its methods itself).
    "admin": "django.contrib.admin",
    # django.contrib.auth: the rest comes from include("django.contrib.auth.urls"). Class-based
    # views: http_method_not_allowed does 405. Our login (e-mail first) and the two password
    # views that end the other sessions and the reset view (its mail through core.mail) are
    # subclasses of Django's (accounts.views_signin); our
    # logout (RP-initiated logout at the provider) is a plain view of ours and is checked.
    "login": "accounts.views_signin",
    "password_change": "accounts.views_signin",
    "password_change_done": "django.contrib.auth",
    "password_reset": "accounts.views_signin",  # its mail goes through core.mail
    "password_reset_done": "django.contrib.auth",
    "password_reset_confirm": "accounts.views_signin",
    "password_reset_complete": "django.contrib.auth",
    # django.views.i18n.set_language: the language switch (POST; GET redirects back).
    "set_language": "django.views.i18n",
}

# Methods sent to each view; those outside its allowed set must get 405.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _invitation_token(municipality) -> str:
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        municipality=municipality,
        email=f"uitgenodigd-{secrets.token_hex(4)}@example.nl",
        role=Role.VIEWER,
        token_hash=invitation_token_hash(token),
        expires_at=timezone.now() + timedelta(days=7),
    )
    return token


def _session_pk(municipality) -> int:
    from accounts.models import UserSession

    user = MembershipFactory(municipality=municipality, role=Role.VIEWER).user
    return UserSession.objects.create(session_key=secrets.token_hex(16), user=user).pk


def _provider_slug(municipality) -> str:
    from accounts.models import OIDCProvider

    return OIDCProvider.objects.create(
        name="Provider",
        slug=f"p-{secrets.token_hex(4)}",
        issuer="http://127.0.0.1:9/o",
        client_id="x",
        client_secret="y",
        email_domains="example.org",
    ).slug


# URL kwargs outside /g/<municipality_slug>/ (the isolation sweep only fills tenant pages).
OUTSIDE_TENANT_FACTORIES = {
    "token": _invitation_token,
    "session_pk": _session_pk,
    "provider_slug": _provider_slug,
}


def _top_level():
    """The root URLconf's patterns, without the namespaces in NOT_OURS (the admin's catch-all
    pattern has no name, which the sweep's walker refuses)."""
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace in NOT_OURS:
            continue
        yield pattern


ALL_URLS = sorted(_walk(list(_top_level())), key=lambda u: u.name)
SKIPPED = [u for u in ALL_URLS if u.name in NOT_OURS]
OUR_URLS = [u for u in ALL_URLS if u.name not in NOT_OURS]


def _code(function):
    return function.__code__


# Each decorator wraps the view in a closure of its own; its code object tells which one it is.
_METHOD_CODE = _code(require_http_methods(["GET"])(lambda request: None))
_LAYERS = {
    _METHOD_CODE: (0, "method decorator"),
    _code(vary_on_headers("HX-Request")(lambda request: None)): (1, "vary_on_headers"),
    _code(cached_tenant_page(lambda request, slug: None)): (2, "cached_tenant_page"),
    _code(cached_page(lambda request: [])(lambda request: None)): (2, "cached_page"),
    _code(tenant_view()(lambda request, municipality: None)): (3, "tenant_view"),
    _code(advisor_view(lambda request: None)): (3, "advisor_view"),
    _code(login_required(lambda request: None)): (3, "login_required"),
    _code(advisor_view(lambda request: None)): (3, "advisor_view"),
}


def allowed_methods(view) -> frozenset[str] | None:
    """The methods of the ``require_http_methods`` closure ``view`` is (None: it is not one)."""
    if getattr(view, "__code__", None) is not _METHOD_CODE:
        return None
    cells = dict(zip(view.__code__.co_freevars, view.__closure__, strict=True))
    return frozenset(cells["request_method_list"].cell_contents)


def _layers(view) -> list[tuple[int, str]]:
    found = []
    while view is not None:
        layer = _LAYERS.get(getattr(view, "__code__", None))
        if layer:
            found.append(layer)
        view = getattr(view, "__wrapped__", None)
    return found


def _require_allowed(url) -> frozenset[str]:
    allowed = allowed_methods(url.callback)
    if allowed is None:
        pytest.fail(
            f"{url.name} ({url.route}): put a method decorator (require_GET, require_POST, "
            f"require_http_methods([...]), require_safe) outermost on the view"
        )
    return allowed


def _path(url, municipality) -> str:
    factories = {**KWARG_FACTORIES, **OUTSIDE_TENANT_FACTORIES}
    missing = [k for k in url.kwargs if k != SLUG and k not in factories]
    if missing:
        pytest.fail(
            f"{url.name} ({url.route}) uses URL kwarg(s) {missing} without a factory: add them to "
            f"tests/<app>/isolation.py (tenant pages) or OUTSIDE_TENANT_FACTORIES here."
        )
    kwargs = {k: municipality.slug if k == SLUG else factories[k](municipality) for k in url.kwargs}
    return reverse(url.name, kwargs=kwargs)


@pytest.fixture
def editor_client(client, municipality):
    client.force_login(MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user)
    return client


def test_the_walk_found_pages_inside_and_outside_the_municipality():
    names = {u.name for u in OUR_URLS}
    assert {"home", "healthz", "portfolio:index", "cycles:detail", "budgets:overview"} <= names


def test_every_skipped_url_exists_and_is_djangos_own():
    """NOT_OURS hides nothing of ours, and holds no names that are gone."""
    assert {u.name for u in SKIPPED} == set(NOT_OURS) - {"admin"}
    for url in SKIPPED:
        assert url.callback.__module__.startswith(NOT_OURS[url.name]), url.name
    # The admin namespace is Django's AdminSite (with it, our ModelAdmins' staff-only views).
    (admin,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "admin"]
    assert admin.app_name == site.name == "admin"


@pytest.mark.parametrize("url", OUR_URLS, ids=str)
def test_the_method_decorator_is_outermost_and_the_others_in_house_order(url):
    _require_allowed(url)
    layers = _layers(url.callback)
    assert layers == sorted(layers, key=lambda layer: layer[0]), (
        f"{url.name}: decorators in the order {[name for _, name in layers]}; the house order "
        f"is method, vary_on_headers, cached page, access (see this module's docstring)"
    )


@pytest.mark.parametrize("url", OUR_URLS, ids=str)
def test_methods_outside_the_allowed_set_get_405(editor_client, municipality, url):
    allowed = _require_allowed(url)
    path = _path(url, municipality)
    for method in METHODS:
        if method in allowed:
            continue
        response = editor_client.generic(method, path)
        assert response.status_code == 405, f"{method} {url.name}: {response.status_code}"
        assert set(response["Allow"].split(", ")) == allowed, f"{method} {url.name}"


# New for every response, so not a difference: a masked CSRF token (64 letters and digits), the
# Content-Security-Policy nonce, and the creation time in an Office file's metadata.
CSRF_TOKEN = re.compile(rb"\b[A-Za-z0-9]{64}\b")
CSP_NONCE = re.compile(rb'nonce="[^"]*"')
OFFICE_METADATA = "docProps/core.xml"


def _answer(response) -> tuple:
    """What a client gets, less what is new for every response."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):  # a ZIP file: XLSX
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = {n: archive.read(n) for n in archive.namelist() if n != OFFICE_METADATA}
    else:
        body = CSP_NONCE.sub(b'nonce=""', CSRF_TOKEN.sub(b"<csrf>", body))
    headers = (response.get(h) for h in ("Location", "Content-Type", "Content-Disposition"))
    return response.status_code, *headers, body


@pytest.mark.parametrize(
    "url", [u for u in OUR_URLS if "GET" in (allowed_methods(u.callback) or ())], ids=str
)
def test_get_pages_that_answer_htmx_differently_vary_on_hx_request(
    editor_client, municipality, url
):
    path = _path(url, municipality)
    plain = editor_client.get(path)
    htmx = editor_client.get(path, headers={"HX-Request": "true"})
    again = editor_client.get(path)
    for response in (plain, htmx):
        assert response.status_code != 405, f"GET {url.name}: 405, though the view takes GET"
    # A file's streamed body can be read once: each answer is taken once.
    answers = {"plain": _answer(plain), "htmx": _answer(htmx), "again": _answer(again)}
    # Without this, every answer would look like it depends on htmx.
    assert answers["again"] == answers["plain"], (
        f"GET {url.name}: two requests got different answers; teach _answer what differs"
    )
    if answers["htmx"] != answers["plain"]:
        for response in (plain, htmx):
            assert has_vary_header(response, "HX-Request"), (
                f"GET {url.name} answers htmx differently: add @vary_on_headers('HX-Request') "
                f"under the method decorator"
            )
