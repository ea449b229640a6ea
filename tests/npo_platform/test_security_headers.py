import re

import pytest


@pytest.mark.django_db
def test_csp_header_forbids_inline_scripts(client):
    response = client.get("/accounts/login/")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_htmx_is_served_locally(client):
    body = client.get("/accounts/login/").content.decode()
    assert (
        '<script src="/static/django_htmx/htmx' in body
        or "/static/django-htmx" in body
        or "htmx.min.js" in body
    )
    # Every script and stylesheet comes from our own origin. (A plain "cdn" substring check was
    # flaky: the random CSRF token in the page sometimes contains those three letters.)
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', body)
    assert sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    assert "unpkg.com" not in body


@pytest.mark.django_db
def test_pages_are_dutch_with_a_skip_link(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl" class="voorbeeld-theme npo-theme">' in body
    assert 'href="#inhoud"' in body and "Direct naar de inhoud" in body


@pytest.mark.django_db
def test_dutch_even_for_an_english_browser(client):
    body = client.get("/accounts/login/", headers={"accept-language": "en-US,en"}).content.decode()
    assert '<html lang="nl" class="voorbeeld-theme npo-theme">' in body
    assert "Inloggen" in body


@pytest.mark.django_db
def test_english_translation_is_available_via_the_switcher(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="en" class="voorbeeld-theme npo-theme">' in body
    assert "Log in" in body
    client.post("/i18n/setlang/", {"language": "nl", "next": "/accounts/login/"})
    assert (
        '<html lang="nl" class="voorbeeld-theme npo-theme">'
        in client.get("/accounts/login/").content.decode()
    )
