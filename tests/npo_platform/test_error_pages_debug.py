"""With DEBUG (make run) a missing page, a bad request and a crash show the Dutch pages, not
Django's English technical ones; DEBUG_TECHNICAL_ERRORS=true brings those back."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.urls import include, path

pytestmark = pytest.mark.django_db


def crash(request):
    raise RuntimeError("kapot")


def suspicious(request):
    raise SuspiciousOperation("verdacht")


urlpatterns = [
    path("test-crash/", crash),
    path("test-suspicious/", suspicious),
    path("", include("npo_platform.urls")),
]


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__
    return settings


def test_a_missing_page_is_the_dutch_404(client, debug):
    response = client.get("/bestaat-niet/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Pagina niet gevonden" in body and "URLconf" not in body


def test_a_missing_tenant_page_is_the_dutch_404(officer_client, debug):
    response = officer_client.get("/g/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_a_crash_is_the_dutch_500_and_still_logged(client, debug, caplog):
    client.raise_request_exception = False
    response = client.get("/test-crash/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in body and "Traceback" not in body
    assert any("kapot" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_a_bad_request_is_the_dutch_400(client, debug):
    response = client.get("/test-suspicious/")
    assert response.status_code == 400
    assert "NONE,NOARCHIVE" not in response.content.decode()


def test_technical_pages_on_request(client, debug):
    debug.DEBUG_TECHNICAL_ERRORS = True
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404 and "URLconf" in response.content.decode()
