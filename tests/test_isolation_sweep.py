"""Isolation sweep: every page under /g/<municipality_slug>/ keeps municipalities apart.

The URL list is not written down here: it is read from the URL resolver
(``npo_platform.urls.tenant_patterns``), so a page added later is covered without editing this file.
Each test is parametrized per URL and named after the URL's ``namespace:name``.

How the ids in the URLs are filled in
-------------------------------------
Every URL kwarg other than ``municipality_slug`` (``school_pk``, ``cycle_pk``, ...) needs a factory in
a registry module ``tests/<app>/isolation.py``::

    KWARG_FACTORIES = {"school_pk": lambda municipality: SchoolFactory(municipality=municipality).pk}

Each factory gets a municipality, creates an object that belongs to it and returns the value for
the URL (a pk, or a slug/fixed value for kwargs that are not objects). All ``tests/*/isolation.py``
modules are discovered automatically. A kwarg without a factory fails every test of that URL (and
``test_every_url_kwarg_has_a_factory``), so a new page cannot be forgotten. Two registries defining
the same kwarg is an error too.

What is asserted, for every URL
-------------------------------
* Another municipality's objects: a member of A (a policy officer, or a role the view allows)
  requests A's slug with ids made for B. GET and POST must answer 404 — and nothing may change.
  A 405 is accepted only if the same request with A's own ids is also a 405 (the view refuses
  the method before looking anything up, so the answer reveals nothing). Kwargs whose value is the
  same in every municipality (not object ids) have nothing to check here.
* Viewers and accountants change nothing: a viewer (and an accountant) of A POSTs to every URL
  with A's own ids; the answer must be 403 (405 for a view that only allows GET) and a snapshot
  of every table (all rows, including the audit trail; sessions and django-axes excluded) must
  be identical before and after.
* Non-members: a member of B, and an accountant of A whose ``valid_until`` has passed, get on
  A's slug with A's own ids exactly what they get for a slug that does not exist: 404 (or 405
  in both cases).
* Every tenant view goes through ``municipalities.access.tenant_view``.
"""

import importlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from municipalities.models import Role
from npo_platform.urls import tenant_patterns
from tests.factories import MembershipFactory

SLUG = "municipality_slug"
TESTS_DIR = Path(__file__).parent
SNAPSHOT_EXCLUDED_APPS = {"sessions", "axes"}


def _load_kwarg_factories() -> dict:
    factories: dict = {}
    for path in sorted(TESTS_DIR.glob("*/isolation.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.isolation")
        for kwarg, factory in module.KWARG_FACTORIES.items():
            if kwarg in factories:
                raise AssertionError(f"{path}: URL kwarg {kwarg!r} already has a factory elsewhere")
            factories[kwarg] = factory
    return factories


KWARG_FACTORIES = _load_kwarg_factories()


@dataclass(frozen=True)
class TenantURL:
    name: str
    route: str
    kwargs: tuple[str, ...]
    callback: object

    def __str__(self) -> str:
        return self.name


def _kwarg_names(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters is not None:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def _walk(patterns, route="", namespace="", kwargs=()):
    for p in patterns:
        names = (*kwargs, *_kwarg_names(p))
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, route + str(p.pattern), ns, names)
        elif isinstance(p, URLPattern):
            assert p.name, f"tenant URL {route}{p.pattern} has no name"
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield TenantURL(name, route + str(p.pattern), tuple(names), p.callback)


TENANT_URLS = sorted(_walk(tenant_patterns), key=lambda u: u.name)
# The only tenant writes open to an accountant (tenant_write_roles includes Role.ACCOUNTANT):
# asking for the accountant's dossier, which makes a report job and changes no municipal data.
ACCOUNTANT_WRITES = {"reports:closeout_dossier_request"}
URLS_WITH_KWARGS = [u for u in TENANT_URLS if u.kwargs]


def _missing(url: TenantURL) -> list[str]:
    return [k for k in url.kwargs if k not in KWARG_FACTORIES]


def _kwargs_for(url: TenantURL, municipality) -> dict:
    missing = _missing(url)
    if missing:
        pytest.fail(
            f"{url.name} ({url.route}) uses URL kwarg(s) {missing} without a factory: add them to "
            f"KWARG_FACTORIES in tests/<app>/isolation.py (see tests/test_isolation_sweep.py)."
        )
    return {k: KWARG_FACTORIES[k](municipality) for k in url.kwargs}


def _path(url: TenantURL, slug: str, kwargs: dict) -> str:
    return reverse(url.name, kwargs={SLUG: slug, **kwargs})


def _allowed_role(url: TenantURL, method: str) -> Role:
    roles = getattr(
        url.callback, "tenant_read_roles" if method == "GET" else "tenant_write_roles", None
    )
    if not roles or Role.POLICY_OFFICER in roles:
        return Role.POLICY_OFFICER
    return sorted(roles)[0]


def snapshot() -> dict:
    """Every row of every table (sessions and axes excluded), for 'nothing changed' checks."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.app_label not in SNAPSHOT_EXCLUDED_APPS and model._meta.managed
    }


def _request(client, method: str, path: str):
    return client.get(path) if method == "GET" else client.post(path, {})


def test_the_sweep_found_the_tenant_pages():
    names = {u.name for u in TENANT_URLS}
    assert {
        "municipalities:dashboard",
        "municipalities:team",
        "municipalities:activity_log",
    } <= names


def test_every_url_kwarg_has_a_factory():
    missing = {u.name: _missing(u) for u in TENANT_URLS if _missing(u)}
    assert not missing, f"URL kwargs without a factory in tests/*/isolation.py: {missing}"


@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_every_tenant_view_uses_tenant_view(url):
    assert hasattr(url.callback, "tenant_read_roles"), (
        f"{url.name}: decorate the view with municipalities.access.tenant_view"
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("url", URLS_WITH_KWARGS, ids=str)
def test_member_gets_404_for_another_municipalitys_objects(
    client, municipality, other_municipality, url, method
):
    own = _kwargs_for(url, municipality)
    foreign = _kwargs_for(url, other_municipality)
    objects = {k: v for k, v in foreign.items() if v != own[k]}
    if not objects:
        # Only values that are the same everywhere (e.g. an export name): no foreign ids to try.
        assert foreign == own
        return
    client.force_login(
        MembershipFactory(municipality=municipality, role=_allowed_role(url, method)).user
    )
    before = snapshot()
    response = _request(client, method, _path(url, municipality.slug, {**own, **objects}))
    if response.status_code == 405:
        control = _request(client, method, _path(url, municipality.slug, own))
        assert control.status_code == 405, (
            f"{method} {url.name}: 405 with another municipality's ids but "
            f"{control.status_code} with its own: the answer depends on the object"
        )
    else:
        assert response.status_code == 404, (
            f"{method} {url.name} with {other_municipality.name}'s ids {objects}: "
            f"expected 404, got {response.status_code}"
        )
        assert snapshot() == before, f"{method} {url.name} changed data"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ACCOUNTANT], ids=str)
@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_viewer_post_is_refused_and_changes_nothing(client, municipality, url, role):
    kwargs = _kwargs_for(url, municipality)
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    before = snapshot()
    response = client.post(_path(url, municipality.slug, kwargs), {})
    if role == Role.ACCOUNTANT and url.name in ACCOUNTANT_WRITES:
        # An empty request is refused with a message (302), and it too changes nothing.
        assert response.status_code == 302, f"POST {url.name} as {role}: {response.status_code}"
    else:
        assert response.status_code in (403, 405), (
            f"POST {url.name} as {role}: expected 403, got {response.status_code}"
        )
    assert snapshot() == before, f"POST {url.name} as {role} changed data"


def _outsider(kind: str, municipality, other_municipality):
    if kind == "expired-accountant":
        # An accountant of A itself, one day past the last day of the membership.
        return MembershipFactory(
            municipality=municipality,
            role=Role.ACCOUNTANT,
            valid_until=timezone.localdate() - timedelta(days=1),
        ).user
    return MembershipFactory(municipality=other_municipality, role=Role.ADVISOR).user


@pytest.mark.parametrize("outsider", ["member-of-b", "expired-accountant"])
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("url", TENANT_URLS, ids=str)
def test_non_member_gets_the_same_answer_as_for_a_missing_municipality(
    client, municipality, other_municipality, url, method, outsider
):
    kwargs = _kwargs_for(url, municipality)
    client.force_login(_outsider(outsider, municipality, other_municipality))
    before = snapshot()
    response = _request(client, method, _path(url, municipality.slug, kwargs))
    missing = _request(client, method, _path(url, "bestaat-niet", kwargs))
    assert response.status_code == missing.status_code, (
        f"{method} {url.name}: {response.status_code} for a non-member, "
        f"{missing.status_code} for a municipality that does not exist"
    )
    assert response.status_code in (404, 405)
    assert snapshot() == before
