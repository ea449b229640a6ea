import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

from core.prepared import Prepared
from municipalities import pagecache
from municipalities.models import Municipality
from theming.models import MunicipalityTheme
from theming.tokens import tokens_css

# Asked on every page of a municipality (its header): compiled once per process (core.prepared).
_theme_of = Prepared(
    lambda municipality_id: MunicipalityTheme.objects.for_municipality(municipality_id).order_by(
        "pk"
    )[:1],
    municipality_id=0,
)


def theme_get(*, municipality: Municipality) -> MunicipalityTheme | None:
    """The municipality's theme, or None: it shows the default theme."""
    found = _theme_of(municipality_id=municipality.pk)
    return found[0] if found else None


# The theme every page of a municipality shows (logo, name form) is kept in the page cache's
# store under two version tokens: one per municipality, replaced by every write of its theme (now
# and again after the commit, as the page cache does, so a theme read before the write is never
# served after it), and one for all (``GENERATION_KEY``), replaced when the cache answers again
# after an outage (core.cache.on_recovery: writes skipped during it may have been theme changes).
# Not the page cache's municipality or reference versions: any tenant write (or a school's
# figures) replaces those, and each first page view after it would pay the query again. A new
# municipality starts with "no theme" kept (``theme_none``), so even its first page view asks no
# query.
GENERATION_KEY = "theming:gen"
_MISSING = "-"  # kept for a municipality without a theme


def _version_key(pk: int) -> str:
    return f"theming:v:{pk}"


def _entry_key(pk: int) -> str:
    return f"theming:t:{pk}"


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _token() -> str:
    return secrets.token_hex(8)


def theme_changed(*, municipality_id: int) -> None:
    """The municipality's theme was written: a kept copy is never served again."""
    if not pagecache.enabled():
        return

    def replace() -> None:
        _cache().set(_version_key(municipality_id), _token(), timeout=None)

    replace()
    transaction.on_commit(replace)


def theme_none(*, municipality_id: int) -> None:
    """A new municipality: keep "no theme" for it (it cannot have one yet)."""
    if not pagecache.enabled():
        return
    cache = _cache()
    cache.add(GENERATION_KEY, _token(), timeout=None)
    generation, version = cache.get(GENERATION_KEY), _token()
    if generation is None:
        return  # the cache cannot be reached
    cache.set_many(
        {
            _version_key(municipality_id): version,
            _entry_key(municipality_id): ((generation, version), _MISSING),
        },
        timeout=None,
    )


def theme_forget_all() -> None:
    """No kept theme is served again (after a cache outage)."""
    if pagecache.enabled():
        _cache().set(GENERATION_KEY, _token(), timeout=None)


def theme_cached(*, municipality: Municipality) -> MunicipalityTheme | None:
    """``theme_get`` without a database query while the theme is unchanged (one cache round
    trip). Without the page cache (off, or Redis down) it is read from the database."""
    if not pagecache.enabled():
        return theme_get(municipality=municipality)
    cache = _cache()
    entry_key = _entry_key(municipality.pk)
    version_keys = [GENERATION_KEY, _version_key(municipality.pk)]
    found = cache.get_many([entry_key, *version_keys])
    entry = found.pop(entry_key, None)
    if len(found) < len(version_keys):
        for key in version_keys:
            if key not in found:
                cache.add(key, _token(), timeout=None)
        found, entry = cache.get_many(version_keys), None
    versions = tuple(found.get(key) for key in version_keys)
    if entry is not None and entry[0] == versions:
        theme = None if entry[1] == _MISSING else entry[1]
    else:
        theme = theme_get(municipality=municipality)
        if None not in versions:  # the versions were read before the theme: see theme_changed
            value = _MISSING if theme is None else theme
            cache.set(entry_key, (versions, value), timeout=None)
    if theme is not None:
        theme.municipality = municipality  # display_name reads its name: no query
    return theme


def theme_stylesheet(*, municipality: Municipality) -> str:
    """The stylesheet ``/g/<slug>/thema.css`` serves: the municipality's token overrides under
    ``.voorbeeld-theme.npo-theme``, to be linked after ``static/nlds/voorbeeld-theme.css``. Only
    names and values that passed ``theming.tokens`` end up here; nothing a user typed (the name
    form) is written into it."""
    theme = theme_get(municipality=municipality)
    token_set = theme.token_set if theme else MunicipalityTheme.TokenSet.VOORBEELD
    header = (
        f"/* NPO-platform, huisstijl: {token_set}. Boven op static/nlds/voorbeeld-theme.css. */\n"
    )
    overrides = theme.overrides() if theme else {}
    return header + (tokens_css(overrides) if overrides else "")
