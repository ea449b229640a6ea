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
    assert "unpkg.com" not in body and "cdn" not in body.lower()


@pytest.mark.django_db
def test_pages_are_dutch_with_a_skip_link(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="nl">' in body
    assert 'href="#inhoud"' in body and "Direct naar de inhoud" in body


@pytest.mark.django_db
def test_english_translation_is_available(client):
    response = client.get("/accounts/login/", headers={"accept-language": "en"})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body
