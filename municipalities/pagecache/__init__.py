"""Rendered pages kept in the cache, per user, until the data they show changes.

The heavy read pages (dashboard, school list, cycle page, budget overview, portfolio) are read
far more often than the data behind them changes. ``cached_tenant_page`` and ``cached_page``
keep a page's rendered bytes under a key made of who asks and what they ask:

- who: the user, and the CSRF cookie (forms in the page carry a token for that cookie);
- what: the full path with its query string, the htmx request headers, the language, and the
  day (pages show "days in phase", deadlines, windows);

and store with it a *version* for each scope of data the page shows: the municipality (every
tenant-owned row), the user (name, memberships: the municipality switcher), and the reference
data. One round trip fetches the page together with the current versions; it is served only
when they are the same.

A version is a random token in the cache. A write replaces the tokens it touches
(``changed``), so every page rendered from the old data is never served again; no entry is
ever deleted one by one.

Which writes do that is explicit: a model opts in with ``register(model, scope=...)``, from its
app's ``AppConfig.ready()``. The scope says whose pages a row's write retires: ``TENANT`` (the
row's municipality), ``USER`` (the row's user: name, memberships), ``REFERENCE`` (shared rows:
every page), or a tuple of them (a membership: its municipality and its user). For a registered
model the writes are caught in three ways:

- its ``post_save``/``post_delete``, and ``m2m_changed`` of its many-to-many fields;
- ``update()``, ``bulk_create()`` and ``bulk_update()`` of ``TenantQuerySet`` and
  ``ReferenceQuerySet`` (municipalities.models), which send no signals;
- writes with raw SQL call ``changed`` themselves (the reference-data loader replaces the
  reference version).

``quiet_fields`` names bookkeeping no cached page shows (a report job's progress, a user's
``last_login``): a write of only those retires nothing. Rows no cached page shows, many
written on logins or by the worker's bookkeeping (audit entries, invitations, reminder mail
records, intake previews, the loader's import log), are not registered at all, so a login, a
page view or a progress tick keeps every page. Two tests keep this honest (tests/municipalities/test_pagecache_registry.py): every model
of the project is registered or on a list of deliberate exceptions, and every table a cached
page reads belongs to a registered model.

Inside a transaction a write replaces the tokens at once *and* again after the commit: a page
rendered from the old data between the two (another request that read before the commit) is
stored under the intermediate token and so is never served after the commit.

Who may see a page is settled the same way. Versions are read before the access check, and a
page is kept only after ``tenant_view`` (membership, role) or ``login_required`` let the request
through. Every membership change (ended, another role, a new one) replaces the user's version,
and a deactivated municipality replaces the reference version, so a page found under the current
versions is one this user may still see: it is served without asking the database again.
Requests with messages waiting, without a well-formed CSRF cookie, other than GET, or of a
sensitive page that the read log records (``municipalities.readlog``) are never served from or
stored in the cache, and neither is a response that is not a plain 200, or that
changed the session or set a cookie.

When the cache cannot be reached, pages are rendered as if it were off and writes log an error;
pages kept before such a write may then be served until they expire (``PAGE_CACHE_SECONDS``).
"""

import hashlib
import logging
import re
import secrets
import zlib
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

REFERENCE_KEY = "pc:v:ref"
CSRF_SECRET = re.compile(r"[a-zA-Z0-9]{32}")
# Response headers a cached page keeps (the rest is added again by the middleware on a hit).
KEPT_HEADERS = ("Content-Type", "Vary", "Cache-Control", "Content-Language")
# "hit" when the page came from the cache, "miss" when it was rendered and kept (for operators
# and the load benchmark; says nothing about the page's content).
STATUS_HEADER = "X-Page-Cache"
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-Target", "HX-Trigger", "HX-Trigger-Name")


def _municipality_key(pk: int) -> str:
    return f"pc:v:m:{pk}"


def _user_key(pk: int) -> str:
    return f"pc:v:u:{pk}"


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _replace(keys: set[str]) -> None:
    try:
        _cache().set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)
    except Exception:
        # Pages kept before this write may be served until they expire (PAGE_CACHE_SECONDS).
        logger.error("Page cache unavailable: could not retire %s", sorted(keys), exc_info=True)


def changed(
    *,
    municipalities: Iterable[int | None] = (),
    users: Iterable[int | None] = (),
    reference: bool = False,
) -> None:
    """Data of these municipalities / users / the reference data changed: retire their pages."""
    if not enabled():
        return
    keys = {_municipality_key(pk) for pk in municipalities if pk is not None}
    keys |= {_user_key(pk) for pk in users if pk is not None}
    if reference:
        keys.add(REFERENCE_KEY)
    if not keys:
        return
    _replace(keys)
    # Outside a transaction this runs at once (a second, harmless replacement); inside one it
    # runs after the commit, and not at all after a rollback (the first replacement suffices).
    transaction.on_commit(lambda: _replace(keys))


def retire_all() -> None:
    """Make every kept page unservable now (every page is kept with the reference version)."""
    _replace({REFERENCE_KEY})


def _versions(keys: list[str]) -> dict[str, str]:
    """The current token of each version key; a missing one (never set, or evicted) gets one."""
    cache = _cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, secrets.token_hex(8), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return found


class _SlugIds:
    """slug → municipality id, learned per process and valid for one reference version (a
    renamed or re-imported municipality replaces that version, which empties the map)."""

    def __init__(self) -> None:
        self.reference, self.ids = "", {}

    def known(self, slug: str) -> int | None:
        return self.ids.get(slug)

    def lookup(self, slug: str, reference: str) -> int | None:
        from municipalities.models import Municipality

        if reference != self.reference:
            self.reference, self.ids = reference, {}
        if slug not in self.ids:
            pk = Municipality.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if pk is None:
                return None
            self.ids[slug] = pk
        return self.ids[slug]


_slug_ids = _SlugIds()


def _has_messages(request: HttpRequest) -> bool:
    if CookieStorage.cookie_name in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and SessionStorage.session_key in session


def _page_key(request: HttpRequest, version_keys: Iterable[str]) -> str:
    """Where the page for this request is kept. The version *tokens* are not part of the key but
    stored with the page, so one round trip fetches the page and the current tokens together."""
    parts = [
        str(request.user.pk),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        request.get_full_path(),
        *(request.headers.get(name, "") for name in HTMX_HEADERS),
        timezone.localdate().isoformat(),
        *sorted(version_keys),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pc:p:{digest}"


def _csrf_cookie_kept(request: HttpRequest) -> bool:
    """The browser holds a well-formed CSRF cookie, which this response will not replace: the
    tokens in a cached page stay valid exactly as long as that cookie does."""
    value = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return bool(CSRF_SECRET.fullmatch(value))


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        enabled()
        # A page of the read log (municipalities.readlog) is never served from or kept in
        # the cache: every read of it is rendered, and logged.
        and getattr(request, "read_log", None) is None
        and request.method == "GET"
        and request.user.is_authenticated
        and _csrf_cookie_kept(request)
        and not _has_messages(request)
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
    )


def _fetch(key: str, version_keys: list[str]) -> tuple[object, dict[str, str]]:
    """The entry under ``key`` and the current token of each version key, in one round trip."""
    found = _cache().get_many([key, *version_keys])
    entry = found.pop(key, None)
    if len(found) < len(version_keys):
        found = _versions(version_keys)  # a token is missing: set it (nothing can be a hit)
        entry = None
    return entry, found


def _serve(entry, versions: dict[str, str]) -> HttpResponse | None:
    """The kept page, if it was rendered under exactly the current versions."""
    if entry is None:
        return None
    kept_versions, headers, body = entry
    if kept_versions != versions:
        return None
    response = HttpResponse(zlib.decompress(body))
    for name, value in headers:
        response[name] = value
    response[STATUS_HEADER] = "hit"
    return response


def _render_and_keep(
    key: str, versions: dict[str, str], view, request: HttpRequest, *args, **kwargs
) -> HttpResponse:
    session = getattr(request, "session", None)
    modified_before = getattr(session, "modified", False)
    response = view(request, *args, **kwargs)
    unchanged_session = getattr(session, "modified", False) == modified_before
    if _cacheable_response(response) and unchanged_session:
        headers = [(n, response[n]) for n in KEPT_HEADERS if response.has_header(n)]
        body = zlib.compress(response.content, 1)
        try:
            _cache().set(key, (versions, headers, body), timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("Page cache unavailable: page not kept", exc_info=True)
        else:
            response[STATUS_HEADER] = "miss"
    return response


def _tenant_version_keys(request: HttpRequest, slug: str) -> list[str] | None:
    """The version keys of a page of municipality ``slug`` (None: no such municipality)."""
    pk = _slug_ids.known(slug)
    if pk is None:
        pk = _slug_ids.lookup(slug, _versions([REFERENCE_KEY])[REFERENCE_KEY])
        if pk is None:
            return None
    return [REFERENCE_KEY, _user_key(request.user.pk), _municipality_key(pk)]


def _tenant_lookup(request: HttpRequest, slug: str):
    """(key, current versions, kept entry) for a tenant page; None: no such municipality."""
    version_keys = _tenant_version_keys(request, slug)
    if version_keys is None:
        return None
    key = _page_key(request, version_keys)
    entry, versions = _fetch(key, version_keys)
    if versions[REFERENCE_KEY] != _slug_ids.reference:
        # The reference data changed since this process learned the slug: learn it again.
        pk = _slug_ids.lookup(slug, versions[REFERENCE_KEY])
        if pk is None:
            return None
        if _municipality_key(pk) != version_keys[-1]:
            version_keys = [*version_keys[:-1], _municipality_key(pk)]
            key = _page_key(request, version_keys)
            entry, versions = _fetch(key, version_keys)
    return key, versions, entry


def _scope_lookup(request: HttpRequest, scope, scope_name: str):
    """(key, current versions, kept entry) for a page over the municipalities of ``scope``."""
    user_keys = [REFERENCE_KEY, _user_key(request.user.pk)]
    # The day is part of the key: a membership past its valid_until leaves the scope at
    # midnight without any write that would replace the user's version.
    scope_key = f"pc:s:{scope_name}:{request.user.pk}:{timezone.localdate().isoformat()}"
    kept, versions = _fetch(scope_key, user_keys)
    if kept is not None and kept[0] == versions:
        ids = kept[1]
    else:
        ids = sorted(set(scope(request)))
        _cache().set(scope_key, (versions, ids), timeout=settings.PAGE_CACHE_SECONDS)
    version_keys = [*user_keys, *(_municipality_key(pk) for pk in ids)]
    key = _page_key(request, version_keys)
    entry, versions = _fetch(key, version_keys)
    return key, versions, entry


def _respond(lookup, view, request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Serve the kept page or render (and keep) it. When the cache cannot be reached the page
    is rendered as if there were no cache: slower, never wrong, never an error page."""
    try:
        found = lookup()
    except Exception:
        logger.warning("Page cache unavailable: page rendered without it", exc_info=True)
        return view(request, *args, **kwargs)
    if found is None:
        return view(request, *args, **kwargs)
    key, versions, entry = found
    hit = _serve(entry, versions)
    if hit is not None:
        return hit
    return _render_and_keep(key, versions, view, request, *args, **kwargs)


def cached_tenant_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a tenant page *outside* ``tenant_view``: ``@cached_tenant_page @tenant_view()``.

    The versions are read before ``tenant_view`` checks access, and a page is kept only when that
    check let it through. Every change of a membership (ended, another role) replaces the user's
    version and the municipality's, and a deactivated municipality replaces the reference
    version. So a page found under the current versions was rendered for this very user with the
    access they still have, and it is served without asking the database again; anything else
    goes through ``tenant_view`` as usual.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, municipality_slug: str, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, municipality_slug, *args, **kwargs)
        return _respond(
            lambda: _tenant_lookup(request, municipality_slug),
            view,
            request,
            municipality_slug,
            *args,
            **kwargs,
        )

    wrapper.is_cached_page = True  # kept by functools.wraps of outer decorators (tests find it)
    return wrapper


def cached_page(scope: Callable[[HttpRequest], Iterable[int]]) -> Callable:
    """Decorate a GET view (behind ``login_required``) that shows the municipalities
    ``scope(request)`` returns. ``scope`` may depend only on the user's memberships and the
    municipalities' own rows: its answer is kept under the user's and the reference version."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        scope_name = f"{scope.__module__}.{scope.__qualname__}"

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            return _respond(
                lambda: _scope_lookup(request, scope, scope_name), view, request, *args, **kwargs
            )

        wrapper.is_cached_page = True
        return wrapper

    return decorator


# The registry: which writes retire pages (a module of its own; re-exported here, after the
# names it uses are defined, so callers keep writing ``pagecache.register(...)``).
from municipalities.pagecache.registry import (  # noqa: E402, F401
    REFERENCE,
    SCOPES,
    TENANT,
    USER,
    Registration,
    is_registered,
    queryset_rows_written,
    queryset_update_retirement,
    register,
    registered_models,
    registration,
)
