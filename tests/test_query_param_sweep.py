"""Every query parameter is validated: no value in the address bar gives a 500.

Every GET page (the tenant pages from the isolation sweep's URL list, plus the portfolio, the bulk
reports and the account pages) is requested with every query parameter the code reads, each set to
hostile values: dates outside 1900-2100, ids far beyond a bigint, negative and non-numeric ids,
NUL bytes (PostgreSQL refuses them in a query), very long values and repeated parameters. The answer
must be a page (200), a redirect, or the Dutch 400/404 page; an exception fails the test.

The parameter names are not only written down here: ``test_every_read_parameter_is_swept`` reads
every ``request.GET.get("…")`` and every filter form field from the source, so a parameter added
later is covered or the test says which one is missing.
"""

import ast
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, reverse

from core.pagination import PAGE_PARAMETER
from municipalities.models import Role
from npo_platform import urls as root_urls
from tests.factories import MembershipFactory
from tests.test_isolation_sweep import SLUG, TENANT_URLS, _kwargs_for, _path

# Every GET parameter a view, form or helper reads (checked against the source below).
PARAMETERS = [
    "cyclus",
    "peildatum",
    "date_from",
    "date_to",
    "jobs",
    "job",
    PAGE_PARAMETER,
    "status",
    "sector",
    "actor",
    "kind",
    "action",
    "q",
    "alert",
    "phase",
    "sort",
    "next",
    "board",
    "denomination",
    "login_hint",
    "viewer",
    "subject",
    "school",
]

HOSTILE = [
    "9999-12-31",
    "2024-02-30",
    "99999999999999999999999999999",
    "-1",
    "x\x00y",  # PostgreSQL refuses a NUL in a query
    "１２３",  # full-width digits: int() accepts them
    "1," * 400,
    "é" * 3000,
    "//evil.example/",
]

APPS = ["accounts", "analyses", "budgets", "core", "cycles", "municipalities", "portfolio"]
APPS += ["reports", "schools", "npo_platform"]
ACCEPTABLE = {200, 301, 302, 400, 404, 405}


def _query(value: str) -> str:
    pairs = [(name, value) for name in PARAMETERS]
    pairs += [("cyclus", "1"), (PAGE_PARAMETER, "2")]  # a repeated parameter
    return urlencode(pairs)


def _assert_no_server_error(client, path: str):
    # /healthz answers 503 when a dependency is down (with a broker and no worker heartbeat in
    # the test run, the worker is): that is its answer, not an error; a crash would be a 500.
    acceptable = ACCEPTABLE | {503} if path == reverse("healthz") else ACCEPTABLE
    for value in HOSTILE:
        response = client.get(f"{path}?{_query(value)}")
        assert response.status_code in acceptable, (
            f"GET {path} with every parameter = {value[:30]!r}: {response.status_code}"
        )


def _read_only(url) -> bool:
    roles = getattr(url.callback, "tenant_read_roles", None)
    return roles is not None


@pytest.mark.parametrize("url", [u for u in TENANT_URLS if _read_only(u)], ids=str)
def test_tenant_page_survives_hostile_parameters(client, municipality, url):
    kwargs = _kwargs_for(url, municipality)
    roles = url.callback.tenant_read_roles
    role = Role.POLICY_OFFICER if Role.POLICY_OFFICER in roles else sorted(roles)[0]
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    _assert_no_server_error(client, _path(url, municipality.slug, kwargs))


def _root_paths() -> list[str]:
    """The GET pages outside /g/<slug>/ that take no URL kwargs (portfolio, bulk reports, accounts)."""
    paths = []

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if SLUG in str(p.pattern) or str(p.pattern).startswith(("beheer/", "i18n/")):
                    continue
                ns = ":".join(filter(None, [namespace, p.namespace]))
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if not re.search(r"[<(]", str(p.pattern)):
                    paths.append(reverse(name))

    walk(root_urls.urlpatterns)
    return sorted(set(paths))


def test_pages_outside_a_municipality_survive_hostile_parameters(client, municipality):
    advisor = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    client.force_login(advisor)
    paths = _root_paths()
    assert {"/portfolio/", "/accounts/login/"} <= set(paths)
    for path in paths:
        if path.startswith("/accounts/logout"):
            continue  # GET is refused (405) and would not log out anyway
        _assert_no_server_error(client, path)


def test_the_login_page_survives_hostile_parameters_anonymously(client, db):
    _assert_no_server_error(client, reverse("login"))


def _read_parameters() -> set[str]:
    """Names passed to request.GET.get/getlist/[...] and the fields of forms bound to request.GET."""
    names: set[str] = set()
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for source in (base / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            text = source.read_text()
            names |= set(re.findall(r"GET\.get(?:list)?\(\s*[\"'](\w+)[\"']", text))
            names |= set(re.findall(r"GET\[\s*[\"'](\w+)[\"']\s*\]", text))
            names |= _filter_form_fields(text)
    return names | {PAGE_PARAMETER}


def _filter_form_fields(text: str) -> set[str]:
    """Field names of forms named *FilterForm (the forms bound to request.GET)."""
    fields: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef) and node.name.endswith("FilterForm"):
            for item in node.body:
                if isinstance(item, ast.Assign):
                    fields |= {t.id for t in item.targets if isinstance(t, ast.Name)}
    return {f for f in fields if not f.isupper()}


def test_every_read_parameter_is_swept():
    read = _read_parameters()
    assert not read - set(PARAMETERS), f"add to PARAMETERS in {__file__}: {read - set(PARAMETERS)}"
    assert not set(PARAMETERS) - read, f"no longer read, remove: {set(PARAMETERS) - read}"
